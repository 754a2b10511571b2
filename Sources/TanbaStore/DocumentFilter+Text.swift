public import Foundation

/// The textual forms of a list's time bounds, shared by the HTTP query (`from`, `to`, `dateFrom`, `dateTo`) and
/// `tanba documents list`, so that both read the same text the same way.
extension DocumentFilter {
    /// Midnight UTC of a `YYYY-MM-DD` day that exists (no 2026-02-30), else nil.
    public static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        return date
    }

    /// An instant: a date-time with its offset (`2026-11-20T09:30:00+05:00`, `…Z`, fractions allowed), or a bare
    /// date, which stands for its whole day in UTC: its first instant, or with `endOfDay` the next day's (so that
    /// `to=2026-11-20` includes the 20th). Nil for anything else.
    public static func instant(_ text: String, endOfDay: Bool) -> Date? {
        if let day = day(text) { return endOfDay ? day + 86_400 : day }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }
}

/// A page of a document list as the HTTP API answers it and `tanba documents list --json` prints it: the items
/// and the cursor of the next page (`DocumentCursor.encoded`), written as `null` on the last page rather than left
/// out, since "no more pages" is an answer, not a missing field.
public struct PageJSON<Item: Encodable>: Encodable {
    public let documents: [Item]
    public let next: String?

    public init(documents: [Item], next: String?) {
        self.documents = documents
        self.next = next
    }

    enum CodingKeys: CodingKey { case documents, next }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(documents, forKey: .documents)
        try container.encode(next, forKey: .next)
    }
}
