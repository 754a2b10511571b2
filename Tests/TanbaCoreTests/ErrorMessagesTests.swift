import TanbaErrors
import Testing

@testable import TanbaCore

/// Every error code says what it means in Kazakh, Russian and English, and a client's language is read from
/// Accept-Language as RFC 9110 has it.
@Suite struct ErrorMessagesTests {
    @Test func everyCodeHasASentenceInEveryLanguage() {
        #expect(ErrorMessages.missing.isEmpty, "\(ErrorMessages.missing.map { "\($0.0.rawValue)/\($0.1)" })")
        for definition in ErrorCatalogue.all {
            let texts = Language.allCases.map { ErrorMessages.text(definition.code, in: $0) }
            #expect(Set(texts).count == 3, "\(definition.code.rawValue): \(texts)")
        }
    }

    /// A Kazakh or Russian sentence is not the English one in disguise: Cyrillic, and Kazakh letters in Kazakh.
    @Test func kazakhAndRussianSentencesAreInTheirLanguages() {
        let kazakhLetters = Set("әғқңөұүһі")
        for definition in ErrorCatalogue.all {
            let kk = ErrorMessages.text(definition.code, in: .kk)
            let ru = ErrorMessages.text(definition.code, in: .ru)
            for text in [kk, ru] {
                #expect(text.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) }, "\(text)")
                #expect(text != ErrorMessages.text(definition.code, in: .en))
            }
            #expect(kk.lowercased().contains { kazakhLetters.contains($0) }, "\(definition.code.rawValue): \(kk)")
        }
    }

    @Test(arguments: [
        (nil, Language.en), ("ru", .ru), ("kk-KZ", .kk), ("ru-RU,ru;q=0.9,en;q=0.8", .ru),
        ("en-US,en;q=0.9,kk;q=0.8", .en), ("de-DE,kk;q=0.5,ru;q=0.7", .ru), ("fr", .en), ("*", .en),
        ("kk;q=0, ru;q=0.1", .ru), ("KK", .kk), ("", .en),
    ])
    func acceptLanguageChoosesTheBestTheHubSpeaks(header: String?, language: Language) {
        #expect(Language.negotiate(header) == language)
    }

    @Test func localesNameTheirLanguage() {
        #expect(Language.ofLocale("kk_KZ.UTF-8") == .kk && Language.ofLocale("ru_RU") == .ru)
        #expect(Language.ofLocale("C.UTF-8") == nil && Language.ofLocale(nil) == nil)
    }
}
