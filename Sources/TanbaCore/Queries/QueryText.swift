public import Foundation
public import TanbaErrors
import TanbaStore

/// Parameters given as name=value text — an HTTP query string, a command's options — read strictly: a name the
/// operation does not know, a name given twice, an empty value or one that does not parse is refused with
/// `REQUEST_PARAMETER_INVALID` naming the parameter, rather than ignored. A client that misspells `status` would
/// otherwise get an unfiltered list and believe it filtered.
public struct QueryText: Sendable {
    /// How a channel names a parameter in its refusals: "query parameter 'status'", "--status".
    public typealias Naming = @Sendable (String) -> String

    /// HTTP's naming: `query parameter 'name'`.
    public static let queryParameter: Naming = { "query parameter '\($0)'" }

    public let values: [String: String]
    let naming: Naming

    /// - Throws: `REQUEST_PARAMETER_INVALID` for a name not in `known`, or given more than once.
    public init(
        _ pairs: some Sequence<(String, String)>, known: Set<String>, naming: @escaping Naming = Self.queryParameter
    ) throws {
        self.naming = naming
        var values: [String: String] = [:]
        for (name, value) in pairs {
            guard known.contains(name) else {
                throw Self.invalid(
                    name, "is not a parameter of this route (known: \(known.sorted().joined(separator: ", ")))",
                    naming: naming)
            }
            guard values[name] == nil else { throw Self.invalid(name, "is given more than once", naming: naming) }
            values[name] = value
        }
        self.values = values
    }

    /// The refusal of parameter `name` for `problem`.
    public static func invalid(_ name: String, _ problem: String, naming: Naming = Self.queryParameter)
        -> TanbaError
    {
        TanbaError(.requestParameterInvalid, "\(naming(name)) \(problem)")
    }

    public func invalid(_ name: String, _ problem: String) -> TanbaError {
        Self.invalid(name, problem, naming: naming)
    }

    /// The raw value, nil when absent; an empty value counts as a malformed one.
    public func string(_ name: String) throws -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty else { throw invalid(name, "is empty") }
        guard !Self.hasControlCharacter(value) else { throw invalid(name, "contains a control character") }
        return value
    }

    /// Whether a parameter's value has a control character no value may have: any but GS (U+001D), which
    /// separates a marking code's elements as a scanner gives them. A NUL would not even fit in PostgreSQL's text.
    public static func hasControlCharacter(_ value: String) -> Bool {
        value.unicodeScalars.contains { ($0.value < 0x20 && $0.value != 0x1D) || $0.value == 0x7F }
    }

    /// An integer within `range`.
    public func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = try string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// A page's cursor (its `next`, given back as is), read by `decode`; nil when absent.
    /// - Throws: `REQUEST_PARAMETER_INVALID` for a string `decode` refuses: damaged, made up, another list's.
    public func cursor<Cursor>(_ name: String, _ decode: (String) -> Cursor?) throws -> Cursor? {
        guard let text = try string(name) else { return nil }
        guard let cursor = decode(text) else {
            throw invalid(name, "is not a cursor this hub gave out (use a page's 'next' as is)")
        }
        return cursor
    }

    /// A calendar date, `YYYY-MM-DD`, checked to exist (no 2026-02-30).
    public func date(_ name: String) throws -> String? {
        guard let text = try string(name) else { return nil }
        guard DocumentFilter.day(text) != nil else {
            throw invalid(name, "must be a date such as 2026-11-20, not '\(text)'")
        }
        return text
    }

    /// An instant (`DocumentFilter.instant`): a date-time with offset, or a bare date for its whole day in UTC.
    public func instant(_ name: String, endOfDay: Bool) throws -> Date? {
        guard let text = try string(name) else { return nil }
        // A `+` left unencoded in a query string arrives as a space; the offset is the only place it can be.
        let repaired = text.replacingOccurrences(of: " ", with: "+")
        guard let instant = DocumentFilter.instant(repaired, endOfDay: endOfDay) else {
            throw invalid(
                name,
                "must be a date (2026-11-20) or a date-time with offset (2026-11-20T09:30:00+05:00), not '\(text)'")
        }
        return instant
    }
}
