import Foundation

/// A language a participant reads the hub in: Kazakh, Russian or English. Codes are the same in every language.
public enum Language: String, Sendable, CaseIterable, Hashable {
    case kk, ru, en

    /// The language a client asks for: the first of an `Accept-Language` list (RFC 9110, weights honoured) that the
    /// hub speaks, by primary tag (`ru-RU` is Russian); English when none is.
    public static func negotiate(_ header: String?, fallback: Language = .en) -> Language {
        guard let header else { return fallback }
        var choices: [(language: Language, weight: Double, order: Int)] = []
        for (order, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            let primary = String(tag.split(separator: "-").first ?? "")
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            if let language = Language(rawValue: primary), weight > 0 {
                choices.append((language, weight, order))
            }
        }
        return choices.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.order < $1.order }.first?
            .language ?? fallback
    }

    /// The language of a POSIX locale name such as `kk_KZ.UTF-8` or `ru_RU`; nil for any other.
    public static func ofLocale(_ name: String?) -> Language? {
        guard let name, let primary = name.split(whereSeparator: { "_.-@".contains($0) }).first else { return nil }
        return Language(rawValue: primary.lowercased())
    }
}
