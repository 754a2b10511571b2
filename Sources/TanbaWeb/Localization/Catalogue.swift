public import Foundation
public import TanbaCore
import TanbaErrors

/// The web application's words in Kazakh, Russian and English: `web/i18n/<language>.json`, one flat object of
/// key → text per language. Templates name texts by key (`{{t.inbox_title}}`), so a page in one language shows only
/// that language's texts.
///
/// A text that is the same in every language (an abbreviation such as GTIN) is written in every file: each file
/// is complete on its own, and a check (`missing`) keeps them so.
public struct Catalogue: Sendable {
    /// key → text, per language.
    public let texts: [Language: [String: String]]

    public init(texts: [Language: [String: String]]) { self.texts = texts }

    /// Reads `folder/<language>.json` for each language.
    /// - Throws: `CONFIG_INVALID` naming a file that is missing or not a flat object of strings.
    public init(folder: URL) throws {
        var texts: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let file = folder.appendingPathComponent("\(language.rawValue).json")
            guard let data = try? Data(contentsOf: file),
                let table = try? JSONDecoder().decode([String: String].self, from: data)
            else {
                throw TanbaError(.configInvalid, "web catalogue i18n/\(language.rawValue).json is missing or malformed")
            }
            texts[language] = table
        }
        self.texts = texts
    }

    /// The text of `key` in `language`; the key itself when the catalogue lacks it (a test keeps none missing).
    public func text(_ key: String, in language: Language) -> String { texts[language]?[key] ?? key }

    /// Every key of `language`, for templates.
    public func table(_ language: Language) -> [String: String] { texts[language] ?? [:] }

    /// Keys some language has and another lacks or leaves empty.
    public var missing: [(key: String, language: Language)] {
        let keys = Set(texts.values.flatMap(\.keys))
        return keys.sorted().flatMap { key in
            Language.allCases.compactMap { language in
                (texts[language]?[key] ?? "").isEmpty ? (key, language) : nil
            }
        }
    }

    /// The English texts a Kazakh or Russian page must not show: every English text that differs from the same key's
    /// text in `language` (texts the same in every language, such as GTIN, are not English).
    public func englishOnly(against language: Language) -> Set<String> {
        guard let english = texts[.en], let other = texts[language] else { return [] }
        return Set(english.compactMap { key, text in other[key] == text ? nil : text })
    }
}
