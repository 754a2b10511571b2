public import Foundation
public import TanbaStore

/// The textual forms of a list's time bounds (`from`, `to`, `dateFrom`, `dateTo`), read by `QueryText` for every
/// channel — HTTP's query string, `tanba documents list`'s options — so that all read the same text the same way.
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

    /// An instant: an RFC 3339 date-time with its offset (`2026-11-20T09:30:00+05:00`, `…Z`, fractions allowed),
    /// or a bare date, which stands for its whole day in UTC: its first instant, or with `endOfDay` the next day's
    /// (so that `to=2026-11-20` includes the 20th). Nil for anything else, an impossible time or offset included
    /// (`+99:99`, `+04:60`, `+24:00`, `25:00:00`): Foundation's ISO 8601 parser accepts those and reads them as
    /// some other instant.
    public static func instant(_ text: String, endOfDay: Bool) -> Date? {
        if let day = day(text) { return endOfDay ? day + 86_400 : day }
        let scalars = Array(text.unicodeScalars)
        // date "T" hh ":" mm ":" ss [ "." digits ] ( "Z" / ("+" / "-") hh ":" mm ), as RFC 3339 §5.6 has it.
        guard scalars.count >= 20, let date = day(String(String.UnicodeScalarView(scalars[0..<10]))),
            "Tt".unicodeScalars.contains(scalars[10]), scalars[13] == ":", scalars[16] == ":",
            let hour = number(scalars[11..<13]), hour < 24, let minute = number(scalars[14..<16]), minute < 60,
            let second = number(scalars[17..<19]), second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if scalars[index] == "." {
            let digits = scalars[(index + 1)...].prefix { ("0"..."9").contains($0) }
            guard !digits.isEmpty, let value = Double("0." + String(String.UnicodeScalarView(digits))) else {
                return nil
            }
            fraction = value
            index += 1 + digits.count
        }
        let zone = scalars[index...]
        var offset = 0
        if zone.count == 1, "Zz".unicodeScalars.contains(zone.first!) {
            offset = 0
        } else {
            guard zone.count == 6, let sign = zone.first, sign == "+" || sign == "-", zone[index + 3] == ":",
                let hours = number(zone[(index + 1)..<(index + 3)]), hours < 24,
                let minutes = number(zone[(index + 4)..<(index + 6)]), minutes < 60
            else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        // A leap second (:60) is the instant after :59, as POSIX time has no leap seconds.
        let local = Double(hour * 3600 + minute * 60 + second) + fraction
        return date + local - Double(offset)
    }

    /// Two ASCII digits as a number.
    private static func number(_ digits: ArraySlice<Unicode.Scalar>) -> Int? {
        guard digits.count == 2, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(String(String.UnicodeScalarView(digits)))
    }
}
