import Foundation
import TanbaCore
import TanbaErrors

/// The language the command line reports errors in: `$TANBA_LANG` (kk, ru or en), else the locale
/// (`LC_ALL`, `LC_MESSAGES`, `LANG`, e.g. `kk_KZ.UTF-8`), else English. Codes are the same in every language.
enum CommandLanguage {
    static var current: Language {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["TANBA_LANG"].flatMap(Language.init(rawValue:)) { return chosen }
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty { return Language.ofLocale(value) ?? .en }
        }
        return .en
    }

    /// A diagnostic as printed: in English, the code, place and message; in Kazakh or Russian, the code and its
    /// sentence in that language, then the place and the specifics (values, names), which are English for now.
    static func say(_ diagnostic: Diagnostic, in language: Language) -> String {
        guard language != .en else { return diagnostic.description }
        return "\(diagnostic.code): \(ErrorMessages.text(diagnostic.code, in: language))\n    \(diagnostic)"
    }
}
