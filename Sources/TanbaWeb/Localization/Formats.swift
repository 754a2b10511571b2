import Foundation
import TanbaCore

/// Dates and numbers as each language writes them: Kazakh and Russian `01.12.2026 14:05` and `1 234`, English
/// `1 Dec 2026, 14:05` and `1,234`. Times are Almaty's (UTC+5), the hub's users' time.
struct Formats: Sendable {
    let language: Language

    static let zone = TimeZone(identifier: "Asia/Almaty") ?? TimeZone(secondsFromGMT: 5 * 3600)!

    var locale: Locale {
        switch language {
        case .kk: Locale(identifier: "kk_KZ")
        case .ru: Locale(identifier: "ru_RU")
        case .en: Locale(identifier: "en_GB")
        }
    }

    /// A moment, to the minute.
    func dateTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = locale
        formatter.timeZone = Self.zone
        formatter.dateFormat = language == .en ? "d MMM yyyy, HH:mm" : "dd.MM.yyyy HH:mm"
        return formatter.string(from: date)
    }

    /// A calendar day written `YYYY-MM-DD` in a document, as the language writes it; other text unchanged.
    func day(_ text: String) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return text }
        if language != .en { return "\(parts[2]).\(parts[1]).\(parts[0])" }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = Int(parts[1]), (1...12).contains(month), let dayNumber = Int(parts[2]) else { return text }
        return "\(dayNumber) \(months[month - 1]) \(parts[0])"
    }

    /// A whole number with the language's grouping (a narrow no-break space in Kazakh and Russian).
    func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += language == .en ? "," : "\u{202F}" }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// A decimal amount written with a dot in a document (`1500.00`), as the language writes it (`1 500,00`).
    func amount(_ text: String) -> String {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let whole = Int(parts[0]), parts.count <= 2, parts.dropFirst().allSatisfy({ $0.allSatisfy(\.isNumber) })
        else { return text }
        let fraction = parts.count == 2 ? (language == .en ? "." : ",") + parts[1] : ""
        return number(whole) + fraction
    }
}
