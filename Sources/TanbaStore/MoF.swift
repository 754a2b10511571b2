public import Foundation

/// What the Ministry of Finance export reports: one kind per decision the tax and customs administration follows.
public enum MoFEventKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// An accepted shipment: ownership passed from seller to buyer (the buyer's accepting answer).
    case ownershipTransfer
    /// An introduction into circulation on import, with its customs declaration.
    case `import`
    /// An export outside the EAEU, with its declaration.
    case export
    /// A withdrawal from circulation (retail sale, damage…).
    case withdrawal
    /// A shipment to another EAEU member state.
    case eaeuShipment
}

/// One event of the Ministry's export, extracted from the decision that made it and stored by the same
/// transaction (table `mof_events`).
///
/// The event's XML element is rendered when the decision is made and kept as it is: an export only concatenates
/// them, page by page, so that a period of a million events streams from the store to the file without being
/// parsed or held. The other fields are what the store selects and reconciles by.
public struct MoFEvent: Sendable, Hashable {
    /// The store's order of insertion (0 for an event not stored yet): exports page by it.
    public let seq: Int64
    /// The day of the decision in Kazakhstan's time (UTC+5), `YYYY-MM-DD`: the day it belongs to.
    public let day: String
    public let at: Date
    public let kind: MoFEventKind
    /// The hub's id of the document that made it (the answer, for an ownership transfer).
    public let document: String
    /// For an ownership transfer: the registration number of the tax side's accompanying invoice (SNT), if the
    /// shipment named one; its seller and buyer; the quantities per GTIN, as `GTIN=quantity;…`.
    public let snt: String?
    public let seller: String?
    public let buyer: String?
    public let quantities: String?
    /// The event's element, UTF-8, in the export's namespace.
    public let fragment: [UInt8]

    public init(
        seq: Int64 = 0, day: String, at: Date, kind: MoFEventKind, document: String, snt: String? = nil,
        seller: String? = nil, buyer: String? = nil, quantities: String? = nil, fragment: [UInt8]
    ) {
        self.seq = seq
        self.day = day
        self.at = at
        self.kind = kind
        self.document = document
        self.snt = snt
        self.seller = seller
        self.buyer = buyer
        self.quantities = quantities
        self.fragment = fragment
    }

    /// Kazakhstan's one time zone (UTC+5 since 1 March 2024): the days of the export are its days.
    public static let kazakhstan = TimeZone(secondsFromGMT: 5 * 3600)!

    /// The day (`YYYY-MM-DD`, Kazakhstan's time) `date` falls on.
    public static func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = kazakhstan
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// The first instant of `day` (Kazakhstan's midnight), nil unless `day` is a real `YYYY-MM-DD` day.
    public static func start(of day: String) -> Date? {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard day.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = kazakhstan
        let components = DateComponents(year: year, month: month, day: dayOfMonth)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components),
            Self.day(of: date) == day
        else { return nil }
        return date
    }

    /// A place in an export's order: (day, seq). `Position(day: from, seq: 0)` is before the period's first event.
    public struct Position: Sendable, Hashable {
        public let day: String
        public let seq: Int64

        public init(day: String, seq: Int64) {
            self.day = day
            self.seq = seq
        }
    }

    /// This event's place in an export's order.
    public var position: Position { Position(day: day, seq: seq) }

    /// The day after `day`.
    public static func next(_ day: String) -> String? {
        start(of: day).map { Self.day(of: $0 + 36 * 3600) }
    }
}

/// Whether an export is the scheduled one of its day or one asked for a period.
public enum MoFExportMode: String, Sendable, Hashable, Codable {
    /// The daily export: each day once, in order; the cursor is the last of them.
    case daily
    /// An operator's export of a period (`tanba mof export --from --to`): marked so, leaves the cursor alone.
    case onDemand
}

/// What the Ministry answered about an export.
public enum MoFAckState: String, Sendable, Hashable, Codable {
    /// No acknowledgement yet.
    case pending
    case accepted
    case rejected
}

/// What the Ministry acknowledges, as the store keeps it: an export or a reconciliation report, its digest, when it
/// was made, and the acknowledgement recorded on it (one procedure verifies and records both, `MoFAnswers`).
public protocol MoFAcknowledgeable: Sendable {
    var id: String { get }
    /// SHA-256 (hex, lower case) of the bytes the Ministry receives.
    var digest: String { get }
    var createdAt: Date { get }
    var ackState: MoFAckState { get set }
    var ackAt: Date? { get set }
    var ackReason: String? { get set }
}

/// An export made: its period, counts, the file's digest and size, and the Ministry's acknowledgement.
public struct MoFExportRecord: Sendable, Hashable, Codable, MoFAcknowledgeable {
    /// A UUID in lower case: the file's name, the manifest's `ExportId`, the outbox message's idempotency key.
    public let id: String
    public let mode: MoFExportMode
    public let fromDay: String
    public let toDay: String
    public let createdAt: Date
    /// Events per kind.
    public let counts: [MoFEventKind: Int]
    /// SHA-256 (hex, lower case) of the file, and its size in bytes.
    public let digest: String
    public let size: Int64
    public var ackState: MoFAckState
    public var ackAt: Date?
    public var ackReason: String?

    public init(
        id: String, mode: MoFExportMode, fromDay: String, toDay: String, createdAt: Date, counts: [MoFEventKind: Int],
        digest: String, size: Int64, ackState: MoFAckState = .pending, ackAt: Date? = nil, ackReason: String? = nil
    ) {
        self.id = id
        self.mode = mode
        self.fromDay = fromDay
        self.toDay = toDay
        self.createdAt = createdAt
        self.counts = counts
        self.digest = digest
        self.size = size
        self.ackState = ackState
        self.ackAt = ackAt
        self.ackReason = ackReason
    }

    /// Every event of the export.
    public var total: Int { counts.values.reduce(0, +) }

    /// The counts as stored: `kind=n;…` in the kinds' order.
    public var countsText: String {
        MoFEventKind.allCases.map { "\($0.rawValue)=\(counts[$0] ?? 0)" }.joined(separator: ";")
    }

    /// Reads `countsText`.
    public static func counts(_ text: String) -> [MoFEventKind: Int] {
        var counts: [MoFEventKind: Int] = [:]
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=")
            if pair.count == 2, let kind = MoFEventKind(rawValue: String(pair[0])), let n = Int(pair[1]) {
                counts[kind] = n
            }
        }
        return counts
    }
}

/// A reconciliation report the hub queued for the Ministry (table `mof_reconciliations`, written by the transaction
/// that queues it): its period, what it found, the digest of the signed report as queued (what the Ministry
/// receives and acknowledges), and the Ministry's acknowledgement.
public struct MoFReconciliationRecord: Sendable, Hashable, Codable, MoFAcknowledgeable {
    /// A UUID in lower case: the report's `ReportId`, the outbox message's idempotency key.
    public let id: String
    public let fromDay: String
    public let toDay: String
    public let createdAt: Date
    public let digest: String
    /// Shipments without an SNT; with a list compared, SNTs without a shipment, quantities and parties that
    /// differ (nil when no list was compared).
    public let withoutSNT: Int
    public let sntWithoutShipment: Int?
    public let quantitiesDiffer: Int?
    public let partiesDiffer: Int?
    public var ackState: MoFAckState
    public var ackAt: Date?
    public var ackReason: String?

    public init(
        id: String, fromDay: String, toDay: String, createdAt: Date, digest: String, withoutSNT: Int,
        sntWithoutShipment: Int?, quantitiesDiffer: Int?, partiesDiffer: Int?, ackState: MoFAckState = .pending,
        ackAt: Date? = nil, ackReason: String? = nil
    ) {
        self.id = id
        self.fromDay = fromDay
        self.toDay = toDay
        self.createdAt = createdAt
        self.digest = digest
        self.withoutSNT = withoutSNT
        self.sntWithoutShipment = sntWithoutShipment
        self.quantitiesDiffer = quantitiesDiffer
        self.partiesDiffer = partiesDiffer
        self.ackState = ackState
        self.ackAt = ackAt
        self.ackReason = ackReason
    }
}

/// What an operators' list of the Ministry's records holds, a page at a time (`MoFCursor`, `MoFPage`): exports,
/// reconciliation reports and the SNT lists kept, each listed newest first by its creation time as stored, then its
/// key.
public protocol MoFListedRecord: Sendable {
    /// The record's key, unique in its list: an export's or a report's id (a UUID in lower case), an SNT list's
    /// digest.
    var id: String { get }
    var createdAt: Date { get }
    /// The tag of the list's cursors (`OpaqueCursor`): each list has its own, so that one list's cursor (or a
    /// document list's) is refused by another rather than read as a position in it.
    static var cursorTag: String { get }
    /// Whether `key` has the form of a record's key, as a cursor must carry it (a UUID in lower case unless the
    /// record says otherwise).
    static func isKey(_ key: String) -> Bool
}

extension MoFListedRecord {
    public static func isKey(_ key: String) -> Bool { UUID(uuidString: key)?.uuidString.lowercased() == key }
}

extension MoFExportRecord: MoFListedRecord {
    public static var cursorTag: String { "mof1" }
}

extension MoFReconciliationRecord: MoFListedRecord {
    public static var cursorTag: String { "mofr1" }
}

/// A position in a list of `Record`s (newest first: the creation time as the store keeps it, then the key, both
/// descending): the last record a page showed. Clients see it as an opaque string (`OpaqueCursor`, tagged with
/// `Record.cursorTag`).
public struct MoFCursor<Record: MoFListedRecord>: Sendable, Hashable {
    public let createdAt: Double
    public let id: String

    public init(createdAt: Double, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// The opaque form: base64url (no padding) of `<tag>|<seconds>|<id>`.
    public var encoded: String { OpaqueCursor.encode(tag: Record.cursorTag, seconds: createdAt, key: id) }

    /// Reads a cursor a page gave out; nil for anything else: a damaged or made-up string, another list's cursor,
    /// or one whose id is not a record's (`Record.isKey`).
    public init?(encoded text: String) {
        guard let decoded = OpaqueCursor.decode(text, tag: Record.cursorTag), Record.isKey(decoded.key) else {
            return nil
        }
        self.init(createdAt: decoded.seconds, id: decoded.key)
    }
}

/// A position in the list of exports (tag `mof1`).
public typealias MoFExportCursor = MoFCursor<MoFExportRecord>
/// A position in the list of reconciliation reports (tag `mofr1`).
public typealias MoFReconciliationCursor = MoFCursor<MoFReconciliationRecord>

/// One page of a list of `Record`s: at most the limit asked, and where the next page starts (nil on the last).
public struct MoFPage<Record: MoFListedRecord>: Sendable {
    public let records: [Record]
    public let next: MoFCursor<Record>?

    public init(records: [Record], next: MoFCursor<Record>?) {
        self.records = records
        self.next = next
    }

    /// The page of `limit` records from what a store read for it: at most `limit + 1` records in the list's order,
    /// each with its creation time as stored (the cursor's time must be the stored number, not one converted
    /// through `Date`). The row beyond `limit` only says that a next page exists, without a second query or an
    /// empty last page.
    public init(read rows: [(record: Record, createdAt: Double)], limit: Int) {
        let shown = rows.prefix(limit)
        records = shown.map(\.record)
        next = rows.count > limit ? shown.last.map { MoFCursor(createdAt: $0.createdAt, id: $0.record.id) } : nil
    }
}

/// One page of the list of exports.
public typealias MoFExportPage = MoFPage<MoFExportRecord>
/// One page of the list of reconciliation reports.
public typealias MoFReconciliationPage = MoFPage<MoFReconciliationRecord>

extension MoFPage where Record == MoFExportRecord {
    /// The page's exports, newest first.
    public var exports: [MoFExportRecord] { records }
}

extension MoFPage where Record == MoFReconciliationRecord {
    /// The page's reconciliation reports, newest first.
    public var reports: [MoFReconciliationRecord] { records }
}

/// The Ministry's export as stored.
public protocol MoFReader {
    /// Events of the days `from`…`to` (both inclusive) after `after` in (day, seq) order, at most `limit`: one page
    /// of an export (keyset pagination over the (day, seq) index: a page costs the same wherever it is in the
    /// period, and nothing is sorted).
    func mofEvents(from: String, to: String, after: MoFEvent.Position, limit: Int) throws -> [MoFEvent]
    /// One page of the exports, newest first (creation time, then id, both descending): those strictly after
    /// `after` in that order (all from the newest when nil), at most `limit`. The order is on a unique key, so
    /// exports made in the same instant are neither repeated nor skipped between pages.
    func mofExportPage(after: MoFExportCursor?, limit: Int) throws -> MoFExportPage
    func mofExport(id: String) throws -> MoFExportRecord?
    /// The daily export of `day`, if it was made.
    func dailyMoFExport(day: String) throws -> MoFExportRecord?
    /// The last day the daily export covered (its cursor), nil before the first.
    func lastDailyMoFDay() throws -> String?
    func mofReconciliation(id: String) throws -> MoFReconciliationRecord?
    /// One page of the reconciliation reports, as `mofExportPage` pages the exports (newest first, strictly after
    /// `after`, at most `limit`).
    func mofReconciliationPage(after: MoFReconciliationCursor?, limit: Int) throws -> MoFReconciliationPage
}

/// What the Ministry's export writes.
public protocol MoFWriter: MoFReader {
    /// Stores events with the decision that made them.
    func save(_ events: [MoFEvent]) throws
    /// Records an export made.
    /// - Throws: `MOF_DAY_EXPORTED` when a daily export of the same day exists (two processes exporting one day at
    ///   once: the database's unique index lets one win).
    func save(_ export: MoFExportRecord) throws
    /// Records the Ministry's acknowledgement of export `id` if it had none. False if it had one (or is absent).
    func acknowledge(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool
    /// Records a reconciliation report queued (in the transaction that queues it).
    /// - Throws: `STORE_CONFLICT` when a report with this id is recorded already.
    func save(_ report: MoFReconciliationRecord) throws
    /// Records the Ministry's acknowledgement of reconciliation report `id` if it had none. False if it had one (or
    /// is absent).
    func acknowledgeReconciliation(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool
}
