public import Foundation
public import TanbaDomain
import TanbaErrors
public import TanbaStore

/// What a member of the public reports: every field as typed, validated by `Violations.report`.
public struct ViolationInput: Sendable {
    public var kind: String?
    /// The code in any scanner form, when the report names one.
    public var code: String?
    public var shop: String?
    public var address: String?
    public var region: String?
    /// `latitude,longitude` in degrees.
    public var location: String?
    public var description: String?
    public var contact: String?
    /// The photo as uploaded (JPEG or PNG); re-encoded before it is kept.
    public var photo: [UInt8]?

    public init() {}
}

/// What the reporter sees with the reference number: the report's kind and status, with the dates of each step.
/// Not the inspectors' comments, nor who they are.
public struct ViolationStatusView: Sendable, Codable {
    public struct Step: Sendable, Codable {
        public let at: Date
        public let status: ViolationStatus
    }

    public let reference: String
    public let kind: ViolationKind
    public let status: ViolationStatus
    public let filedAt: Date
    public let updatedAt: Date
    public let steps: [Step]
}

/// What an inspector sees of one report: all of it, the photo's presence, every step, and the code's full history.
public struct ViolationCase: Sendable {
    public let report: ViolationReport
    public let steps: [ViolationStep]
    /// The code's record and history, when the report names a code the hub issued.
    public let code: CodeRecord?
    public let history: [CodeEvent]
}

/// Violation reports: their validation, reference numbers, list filters.
public enum Violations {
    /// Limits of the report's texts, in characters.
    public static let limits = (shop: 200, address: 300, description: 2_000, contact: 200)
    /// Reference numbers: `V-` and ten characters of an alphabet without look-alikes (no 0/O, 1/I/L): 32¹⁰
    /// possibilities, so that a reference cannot be guessed to read someone else's report.
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public static func newReference() -> String {
        var generator = SystemRandomNumberGenerator()
        return "V-" + String((0..<10).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// Whether `text` has the form of a reference number (it says nothing of whether one exists).
    public static func isReference(_ text: String) -> Bool {
        text.count == 12 && text.hasPrefix("V-") && text.dropFirst(2).allSatisfy { alphabet.contains($0) }
    }

    /// The inspectors' list parameters.
    public static let parameters: Set<String> = [
        "kind", "status", "source", "region", "group", "participant", "code", "from", "to", "after", "limit",
    ]

    /// The list filter the parameters describe.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming the first malformed parameter.
    public static func filter(
        _ pairs: some Sequence<(String, String)>, reference: ReferenceData,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> ViolationFilter {
        let query = try QueryText(pairs, known: parameters, naming: naming)
        var filter = ViolationFilter(limit: try query.integer("limit", in: 1...500, default: 50))
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T?
        where T.RawValue == String {
            guard let text = try query.string(name) else { return nil }
            guard let value = T(rawValue: text) else {
                let known = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw query.invalid(name, "must be one of \(known), not '\(text)'")
            }
            return value
        }
        filter.kind = try choice("kind", ViolationKind.self)
        filter.status = try choice("status", ViolationStatus.self)
        if let source = try query.string("source") {
            guard let value = ViolationSource(rawValue: source) else {
                throw query.invalid("source", "must be report, signal or fiscal, not '\(source)'")
            }
            filter.source = value
        }
        if let region = try query.string("region") {
            guard Region.isKnown(region) else {
                throw query.invalid("region", "must be an ISO 3166-2:KZ region code (KZ-75…), not '\(region)'")
            }
            filter.region = region
        }
        if let group = try query.string("group") {
            guard reference.productGroups.item(group) != nil else {
                throw query.invalid("group", "names no product group: '\(group)'")
            }
            filter.productGroup = group
        }
        if let participant = try query.string("participant") {
            do { _ = try KazakhIdentifier(participant) } catch let error as TanbaError {
                throw query.invalid("participant", "must be a BIN or IIN: \(error.message)")
            }
            filter.participant = participant
        }
        if let code = try query.string("code") {
            do { filter.code = try CodeReference.parse(code).identification } catch let error as TanbaError {
                throw query.invalid("code", "is not a marking code or an SSCC: \(error.message)")
            }
        }
        filter.from = try query.instant("from", endOfDay: false)
        filter.until = try query.instant("to", endOfDay: true)
        filter.after = try query.cursor("after", ViolationCursor.init(encoded:))
        return filter
    }

    /// Checks a report's fields.
    /// - Throws: `VIOLATION_INVALID` naming every field that is wrong, at once.
    static func validate(_ input: ViolationInput) throws -> (
        kind: ViolationKind, shop: String, address: String, region: String?, location: (Double, Double)?
    ) {
        var problems: [Diagnostic] = []
        func problem(_ field: String, _ text: String) {
            var diagnostic = Diagnostic(.violationInvalid, "\(field) \(text)")
            diagnostic.path = field
            problems.append(diagnostic)
        }
        func text(_ field: String, _ value: String?, limit: Int, required: Bool) -> String? {
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if trimmed.isEmpty {
                if required { problem(field, "is required") }
                return nil
            }
            // Counted in Unicode scalars, as JSON Schema's maxLength (the OpenAPI description) counts them.
            if trimmed.unicodeScalars.count > limit { problem(field, "is longer than \(limit) characters") }
            // Newlines are allowed in a description; other control characters nowhere.
            if trimmed.unicodeScalars.contains(where: {
                ($0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t") || $0.value == 0x7F
            }) {
                problem(field, "contains a control character")
            }
            return trimmed
        }
        var kind = ViolationKind.other
        if let raw = input.kind, let value = ViolationKind(rawValue: raw), ViolationKind.reportable.contains(value) {
            kind = value
        } else {
            let known = ViolationKind.reportable.map(\.rawValue).joined(separator: ", ")
            problem("kind", input.kind == nil ? "is required (\(known))" : "must be one of \(known)")
        }
        let shop = text("shop", input.shop, limit: limits.shop, required: true)
        let address = text("address", input.address, limit: limits.address, required: true)
        _ = text("description", input.description, limit: limits.description, required: false)
        _ = text("contact", input.contact, limit: limits.contact, required: false)
        var region: String?
        if let value = input.region?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
            if Region.isKnown(value) { region = value } else { problem("region", "is not a region of Kazakhstan") }
        }
        var location: (Double, Double)?
        if let text = input.location?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            do { location = try HubCore.location(text) } catch {
                problem("location", "must be latitude,longitude in degrees (-90…90,-180…180)")
            }
        }
        guard problems.isEmpty, let shop, let address else { throw TanbaError(diagnostics: problems) }
        return (kind, shop, address, region, location)
    }
}

extension ViolationCursor {
    /// A page's `next`, as text: the creation time and the reference.
    public var encoded: String { "\(createdAt)_\(reference)" }

    public init?(encoded: String) {
        let parts = encoded.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let time = Double(parts[0]), time.isFinite, Violations.isReference(String(parts[1]))
        else { return nil }
        self.init(createdAt: time, reference: String(parts[1]))
    }
}
