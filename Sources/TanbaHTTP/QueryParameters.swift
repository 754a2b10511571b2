import Foundation
import Hummingbird
import TanbaDomain
import TanbaErrors
import TanbaStore

/// A request's query parameters, read strictly: a parameter the route does not know, or a value that does not
/// parse, is refused with `REQUEST_PARAMETER_INVALID` naming it, rather than ignored. A client that misspells
/// `status` would otherwise get an unfiltered list and believe it filtered.
struct QueryParameters {
    let values: [String: String]

    /// - Throws: `REQUEST_PARAMETER_INVALID` for a parameter not in `known` or given twice.
    init(_ request: Request, known: Set<String>) throws {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            guard known.contains(name) else {
                throw Self.invalid(
                    name, "is not a parameter of this route (known: \(known.sorted().joined(separator: ", ")))")
            }
            guard values[name] == nil else { throw Self.invalid(name, "is given more than once") }
            values[name] = String(value)
        }
        self.values = values
    }

    static func invalid(_ name: String, _ problem: String) -> TanbaError {
        TanbaError(.requestParameterInvalid, "query parameter '\(name)' \(problem)")
    }

    /// The raw value, nil when absent; an empty value counts as a malformed one.
    func string(_ name: String) throws -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty else { throw Self.invalid(name, "is empty") }
        return value
    }

    /// An integer within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = try string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw Self.invalid(
                name, "must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// A calendar date, `YYYY-MM-DD`, checked to exist (no 2026-02-30).
    func date(_ name: String) throws -> String? {
        guard let text = try string(name) else { return nil }
        guard DocumentFilter.day(text) != nil else {
            throw Self.invalid(name, "must be a date such as 2026-11-20, not '\(text)'")
        }
        return text
    }

    /// An instant (`DocumentFilter.instant`): a date-time with offset, or a bare date for its whole day in UTC.
    func instant(_ name: String, endOfDay: Bool) throws -> Date? {
        guard let text = try string(name) else { return nil }
        // A `+` left unencoded in a query string arrives as a space; the offset is the only place it can be.
        let repaired = text.replacingOccurrences(of: " ", with: "+")
        guard let instant = DocumentFilter.instant(repaired, endOfDay: endOfDay) else {
            throw Self.invalid(
                name,
                "must be a date (2026-11-20) or a date-time with offset (2026-11-20T09:30:00+05:00), not '\(text)'")
        }
        return instant
    }
}

extension HubAPI {
    static let listParameters: Set<String> = [
        "type", "status", "counterparty", "from", "to", "dateFrom", "dateTo", "after", "limit",
    ]

    /// The filter of an inbox (`inbox`) or outbox request of `participant`, from its query parameters.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming the first parameter that is unknown or malformed.
    func listFilter(_ request: Request, participant: String, inbox: Bool) throws -> DocumentFilter {
        let query = try QueryParameters(request, known: Self.listParameters)
        var filter = DocumentFilter(
            sender: inbox ? nil : participant, recipient: inbox ? participant : nil,
            limit: try query.integer("limit", in: 1...1000, default: 100))
        if let type = try query.string("type") {
            let types = pipeline.reference.lists["document-types"]
            guard types?.item(type) != nil else {
                let known = types?.items.map(\.code).joined(separator: ", ") ?? ""
                throw QueryParameters.invalid("type", "names no document type: '\(type)' (known: \(known))")
            }
            filter.type = type
        }
        if let status = try query.string("status") {
            guard let value = DocumentStatus(rawValue: status) else {
                let known = DocumentStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw QueryParameters.invalid("status", "must be one of \(known), not '\(status)'")
            }
            filter.status = value
        }
        if let counterparty = try query.string("counterparty") {
            do { _ = try KazakhIdentifier(counterparty) } catch let error as TanbaError {
                throw QueryParameters.invalid("counterparty", "must be a BIN or IIN: \(error.message)")
            }
            // The other side: who sent to my inbox, or whom my outbox sent to.
            if inbox { filter.sender = counterparty } else { filter.recipient = counterparty }
        }
        filter.receivedFrom = try query.instant("from", endOfDay: false)
        filter.receivedBefore = try query.instant("to", endOfDay: true)
        filter.dateFrom = try query.date("dateFrom")
        filter.dateTo = try query.date("dateTo")
        if let after = try query.string("after") {
            guard let cursor = DocumentCursor(encoded: after) else {
                throw QueryParameters.invalid("after", "is not a cursor this hub gave out (use a page's 'next' as is)")
            }
            filter.after = cursor
        }
        return filter
    }
}
