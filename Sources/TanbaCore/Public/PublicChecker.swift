public import Foundation
import Synchronization
public import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaPipeline
public import TanbaStore

/// Answers public checks: one read of the code (and of its history, for the introduction document), the tail
/// checked with the hub's emission keys, the product and origin from caches.
///
/// What is cached is what does not change under a check, or changes rarely and harmlessly: emission keys (new
/// ones are read when a tail names a key not known yet), product cards and participants' names (for a minute),
/// introduction lines (written once). A code's state is never cached: a code sold a second ago must not show as
/// in circulation.
public final class PublicChecker: Sendable {
    let store: any HubStore
    let reference: ReferenceData
    private let keys = Mutex<(authenticator: CodeAuthenticator, loadedAt: ContinuousClock.Instant?)>(
        (CodeAuthenticator(keys: []), nil))
    private let products = TimedCache<String, ProductCard?>(lifetime: .seconds(60))
    private let names = TimedCache<String, String?>(lifetime: .seconds(60))
    private let origins = TimedCache<String, GoodsOrigin?>(lifetime: .seconds(600))

    public init(store: any HubStore, reference: ReferenceData) {
        self.store = store
        self.reference = reference
    }

    /// Checks `text`, a code in any scanner form, on `day` (for `expired`).
    /// - Throws: the GS1 codes when `text` is not a marking code or an SSCC at all (nothing to look up).
    public func check(_ text: String, now: Date = Date()) throws -> PublicCheck { try inspect(text, now: now).check }

    /// `check`, with the code's owner (for the inspectors' signals; never shown to the public).
    func inspect(_ text: String, now: Date) throws -> (check: PublicCheck, owner: String?) {
        let (parsed, record, introduction, children) = try store.read { tx in
            // The national format comes from the product card, which the cache holds: no read for it per check.
            let parsed = try CodeLookup.parse(text, reference: reference) { gtin in
                try self.products.value(for: gtin) { try tx.product(gtin) }
            }
            let id = parsed.identification
            guard let record = try tx.code(id) else {
                return (parsed, nil as CodeRecord?, nil as String?, [CodeRecord]())
            }
            let introduction =
                record.status == .issued || record.status == .applied || record.status == .cancelled
                ? nil : try tx.introduction(of: id)
            let children = record.level == .unit ? [] : try tx.children(of: [id])
            return (parsed, record, introduction, children)
        }
        var result = PublicCheck(code: parsed.identification)
        authenticate(parsed, record, into: &result)
        guard let record else { return (result, nil) }
        result.level = Self.level(record.level)
        result.status = Self.status(record)
        if result.status == .withdrawn || result.status == .sold {
            result.withdrawalReason = record.withdrawalReason?.rawValue
        }
        if let gtin = record.gtin, let card = try product(gtin) {
            result.gtin = gtin
            result.name = card.name
            result.brand = card.brand
            result.manufacturer = card.manufacturer
            result.country = card.country
            result.productGroup = card.productGroup
        }
        if let gtin = record.gtin, let document = introduction, let origin = try origin(document, gtin) {
            switch origin.kind {
            case .production:
                result.producerBIN = origin.introducer
                result.producer = try name(origin.introducer)
            case .import:
                result.importerBIN = origin.introducer
                result.importer = try name(origin.introducer)
            }
            result.productionDate = origin.productionDate
            result.expiryDate = origin.expiryDate
            if let country = origin.country { result.country = country }
            if let expiry = origin.expiryDate { result.expired = expiry < Self.isoDay(now) }
        }
        if record.level != .unit {
            var lines: [String: (gtin: String?, level: PackagingLevel, count: Int)] = [:]
            for child in children {
                let key = "\(child.level.rawValue)|\(child.gtin ?? "")"
                lines[key, default: (child.gtin, child.level, 0)].count += 1
            }
            result.contents = try lines.values.sorted { ($0.level, $0.gtin ?? "") < ($1.level, $1.gtin ?? "") }.map {
                PublicCheck.ContentLine(
                    gtin: $0.gtin, name: try $0.gtin.flatMap { try product($0)?.name }, level: Self.level($0.level),
                    count: $0.count)
            }
        }
        return (result, record.owner)
    }

    /// The verdict on the label: the tail scanned checked with the emission key it names (the key on record for
    /// the short AI 93 tail), at the length the code was issued with.
    private func authenticate(_ parsed: CodeReference, _ record: CodeRecord?, into result: inout PublicCheck) {
        guard let marking = parsed.markingCode else {
            // An SSCC has no tail: the hub knowing it is all there is to know.
            result.authenticity = record == nil ? .unknown : .knownPackage
            result.genuine = record != nil
            if record == nil { result.problems.append(Diagnostic(.codeNotFound, "the hub never made this package")) }
            return
        }
        if let record, record.verificationCode == nil, record.keyID == nil {
            // Issued abroad and registered by the partner state's signed message: no key of the hub made its tail.
            result.authenticity = .registeredAbroad
            result.genuine = true
            return
        }
        guard let tail = marking.verificationCode ?? marking.crypto93 else {
            result.authenticity = record == nil ? .unknown : .tailNotGiven
            if record == nil { result.problems.append(Diagnostic(.codeNotFound, "the hub never issued this code")) }
            return
        }
        let keyID = marking.keyID ?? record?.keyID
        do {
            try authenticator(knowing: keyID).verify(
                gtin: marking.gtin.value, serial: marking.serial, keyID: keyID, verificationCode: tail,
                length: record?.verificationCode?.count ?? tail.count)
            if record == nil {
                result.authenticity = .unknown
                result.problems.append(Diagnostic(.codeNotFound, "the hub never issued this code"))
            } else {
                result.authenticity = .genuine
                result.genuine = true
            }
        } catch let error as TanbaError {
            result.authenticity = .forged
            result.problems += error.diagnostics
        } catch {
            result.authenticity = .forged
        }
    }

    /// The keys, read again when a tail names one not read yet (a key rotated since), at most once a second.
    private func authenticator(knowing keyID: String?) throws -> CodeAuthenticator {
        let now = ContinuousClock.now
        let (current, loadedAt) = keys.withLock { ($0.authenticator, $0.loadedAt) }
        let known = keyID.map { current.keys[$0] != nil } ?? true
        if let loadedAt, known || now - loadedAt < .seconds(1) { return current }
        let fresh = CodeAuthenticator(keys: try store.read { try $0.emissionKeys().map(EmissionKeyStore.key) })
        keys.withLock { $0 = (fresh, now) }
        return fresh
    }

    private func product(_ gtin: String) throws -> ProductCard? {
        try products.value(for: gtin) { try store.read { try $0.product(gtin) } }
    }

    private func name(_ participant: String) throws -> String? {
        try names.value(for: participant) { try store.read { try $0.participant(participant)?.name } }
    }

    private func origin(_ document: String, _ gtin: String) throws -> GoodsOrigin? {
        try origins.value(for: document + "|" + gtin) {
            try store.read { try $0.origin(document: document, gtin: gtin) }
        }
    }

    static func level(_ level: PackagingLevel) -> String {
        switch level {
        case .unit: "unit"
        case .group: "group"
        case .transport: "transport"
        }
    }

    static func status(_ record: CodeRecord) -> PublicCheck.Status {
        switch record.status {
        case .issued, .applied: .notIntroduced
        case .inCirculation: .inCirculation
        case .cancelled: .cancelled
        case .withdrawn:
            record.withdrawalReason == .retailSale || record.withdrawalReason == .distanceSale ? .sold : .withdrawn
        }
    }

    /// The day in Kazakhstan (UTC+5 since March 2024, one zone for the whole country) as `YYYY-MM-DD`: what an
    /// expiry date is compared with. Computed from the count of days (H. Hinnant's civil-from-days), not through
    /// Calendar and TimeZone, which cost more than the rest of a check together.
    static func isoDay(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 + 5 * 3600).rounded(.down) / 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}

/// A small map whose entries live for `lifetime`, then are read again; emptied when it grows past `capacity`
/// (the public can ask about any GTIN, so the map must not grow without bound).
final class TimedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let lifetime: Duration
    let capacity: Int
    private let table = Mutex<[Key: (value: Value, until: ContinuousClock.Instant)]>([:])

    init(lifetime: Duration, capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func value(for key: Key, load: () throws -> Value) throws -> Value {
        let now = ContinuousClock.now
        if let entry = table.withLock({ $0[key] }), entry.until > now { return entry.value }
        let value = try load()
        table.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[key] = (value, now + lifetime)
        }
        return value
    }
}
