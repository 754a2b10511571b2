import TanbaDomain
import TanbaErrors
import TanbaTestSupport
import Testing

/// GS1 marking codes, GTIN and SSCC: every input form, the printers, check digits, and one diagnostic (code and
/// column) per kind of malformed code.
@Suite struct GS1Tests {
    static let gs = "\u{1D}"
    static let gtin = "04870001000011"
    static let serial = "5Kq8dLp2xRt7B"
    static let verification = "dGhpcyBpcyBhIHRlc3QgdmVyaWZpY2F0aW9uIGNvZGU="
    static let raw = "01\(gtin)21\(serial)\(gs)91EE06\(gs)92\(verification)"
    static let bracketed = "(01)\(gtin)(21)\(serial)(91)EE06(92)\(verification)"
    static let expected = ["01=\(gtin)", "21=\(serial)", "91=EE06", "92=\(verification)"]

    static func pairs(_ elements: [GS1Element]) -> [String] { elements.map { "\($0.ai.code)=\($0.value)" } }

    // MARK: Input forms

    @Test(arguments: [
        raw,
        "]d2" + raw,
        "]C1" + raw,
        "]Q3" + raw,
        gs + raw,
        "\u{E8}" + raw,
        // Scanners that send ASCII 232 for the leading FNC1 send it for the separators too.
        "\u{E8}" + raw.replacingAll(gs, with: "\u{E8}"),
        bracketed,
        // A GS after the last element: label printers and ERP exports write one, and GS1 accepts it.
        raw + gs,
        "]d2" + raw + gs,
    ])
    func everyFormGivesTheSameElements(input: String) throws {
        let code = try MarkingCode.parse(input)
        #expect(Self.pairs(code.elements) == Self.expected)
        #expect(code.gtin.value == Self.gtin)
        #expect(code.serial == Self.serial)
        #expect(code.keyID == "EE06")
        #expect(code.verificationCode == Self.verification)
        #expect(code.crypto93 == nil && code.batch == nil && code.expiry == nil && code.sscc == nil)
        #expect(code.identification == "01\(Self.gtin)21\(Self.serial)")
    }

    /// Set 82 as GS1's figure 7.11-1 lists it (82 characters in all): what serials, batches and tails may hold.
    @Test func characterSet82IsGS1sFigure() {
        let listed: Set<UInt32> = Set([0x21, 0x22, 0x5F]).union(0x25...0x3F).union(0x41...0x5A).union(0x61...0x7A)
        #expect(listed.count == 82)
        for value in UInt32(0)...0x2FF {
            let character = Character(Unicode.Scalar(value)!)
            #expect(GS1.isInCharacterSet82(character) == listed.contains(value), "U+\(String(value, radix: 16))")
        }
        #expect(GS1.characterSet82.unicodeScalars.map(\.value) == listed.sorted())
    }

    @Test func identificationFormFromDocumentsHasTheSerialLast() throws {
        let code = try MarkingCode("01\(Self.gtin)21\(Self.serial)")
        #expect(Self.pairs(code.elements) == ["01=\(Self.gtin)", "21=\(Self.serial)"])
        #expect(code.identification == "01\(Self.gtin)21\(Self.serial)")
        #expect(code.raw == code.identification)
        #expect(code.keyID == nil)
    }

    @Test func everyKnownAIAndItsAccessor() throws {
        let gs = Self.gs
        let raw = "01\(Self.gtin)1725020011280229310300125010LOT-7/a\(gs)21AB(c)\(gs)8005012500\(gs)93dGVz"
        let code = try MarkingCode.parse(raw)
        #expect(
            Self.pairs(code.elements) == [
                "01=\(Self.gtin)", "17=250200", "11=280229", "3103=001250", "10=LOT-7/a", "21=AB(c)", "8005=012500",
                "93=dGVz",
            ])
        #expect(code.expiry?.description == "250200" && code.expiry?.day == nil && code.expiry?.month == 2)
        #expect(code.productionDate?.day == 29)
        #expect(code.batch == "LOT-7/a")
        #expect(code.crypto93 == "dGVz")
        #expect(code.value(of: .pricePerUnit) == "012500")
        // A separator follows (8005): it is fixed-length but not in GS1's predefined-length table.
        #expect(code.raw == raw)
        #expect(try MarkingCode.parse(code.bracketed) == code)
    }

    @Test func sixDigitAIsNeedNoSeparatorButTolerateOne() throws {
        let code = try MarkingCode.parse("01\(Self.gtin)\(Self.gs)17270131\(Self.gs)21X")
        #expect(Self.pairs(code.elements) == ["01=\(Self.gtin)", "17=270131", "21=X"])
        #expect(code.raw == "01\(Self.gtin)1727013121X")
    }

    // MARK: Printers

    @Test func printersRoundTrip() throws {
        let code = try MarkingCode.parse("]d2" + Self.raw)
        #expect(code.raw == Self.raw)
        #expect(code.bracketed == Self.bracketed)
        #expect(code.description == Self.bracketed)
        #expect(try MarkingCode.parse(code.raw) == code)
        #expect(try MarkingCode.parse(code.bracketed) == code)
        let identified = try MarkingCode.parse(code.identification)
        #expect(identified.identification == code.identification)
        #expect(identified.gtin == code.gtin && identified.serial == code.serial)
        #expect(GS1.raw(try GS1.parse(Self.raw)) == Self.raw)
    }

    /// `(` is in character set 82: a serial may hold what looks like an AI, which the bracketed form escapes.
    @Test func parenthesesInValuesSurviveTheBracketedForm() throws {
        let code = try MarkingCode.parse("01\(Self.gtin)21a(12)b(1\(Self.gs)91(9")
        #expect(code.serial == "a(12)b(1")
        #expect(code.bracketed == "(01)\(Self.gtin)(21)a\\(12)b\\(1(91)\\(9")
        #expect(try MarkingCode.parse(code.bracketed) == code)
        #expect(try MarkingCode.parse("(01)\(Self.gtin)(21)a\\(b)c\\(").serial == "a(b)c(")
    }

    /// Whatever the printer writes parses back: every `(` in a value is escaped, not only one before a digit
    /// (GS1's own parser reads any unescaped `(` as the start of an AI).
    @Test func theBracketedPrinterEscapesEveryParenthesis() throws {
        let code = try MarkingCode.parse("01\(Self.gtin)21a(b)c(\(Self.gs)10(x(")
        #expect(code.bracketed == "(01)\(Self.gtin)(21)a\\(b)c\\((10)\\(x\\(")
        #expect(try MarkingCode.parse(code.bracketed) == code)
    }

    // MARK: Check digits, GTIN, SSCC

    @Test(arguments: ["96385074", "036000291452", "4006381333931", "9501101020917", "10614141000415", gtin])
    func validGTINs(text: String) throws {
        #expect(GS1CheckDigit.isValid(text))
        #expect(GS1CheckDigit.compute(String(text.dropLast())) == text.last)
        let gtin = try GTIN(text)
        #expect(gtin.value.count == 14)
        #expect(gtin.value.hasSuffix(text))
        #expect(GTIN.isValid(text))
    }

    @Test func gtinIsNormalisedToFourteenDigits() throws {
        #expect(try GTIN("4006381333931") == GTIN("04006381333931"))
        #expect(try GTIN("96385074").value == "00000096385074")
        #expect(try GTIN("4006381333931").gtin13 == "4006381333931")
        #expect(try GTIN("10614141000415").gtin13 == nil)
    }

    @Test(arguments: [
        ("4006381333932", ErrorCode.gs1CheckDigit, 1), ("9501101020918", .gs1CheckDigit, 1),
        ("96385075", .gs1CheckDigit, 1), ("04870001000012", .gs1CheckDigit, 1), ("40063813339", .gs1Length, 1),
        ("", .gs1Length, 1), ("400638133393a", .gs1Character, 13), ("4006 381333931", .gs1Character, 5),
    ])
    func invalidGTINs(text: String, code: ErrorCode, column: Int) {
        #expect(!GTIN.isValid(text))
        let error = expectCode(code) { _ = try GTIN(text) }
        #expect(error?.diagnostics[0].column == column)
    }

    @Test func checkDigitMessageNamesTheDigits() {
        let error = expectCode(.gs1CheckDigit) { _ = try GTIN("04870001000012") }
        #expect(error?.message == "GTIN 04870001000012 has check digit 2, expected 1")
    }

    @Test func checkDigitEdgeCases() {
        #expect(!GS1CheckDigit.isValid(""))
        #expect(!GS1CheckDigit.isValid("0"))
        #expect(GS1CheckDigit.isValid("00"))
        #expect(!GS1CheckDigit.isValid("1a"))
        #expect(!GS1CheckDigit.isValid("٤٠٠٦٣٨١٣٣٣٩٣١"))  // Arabic-Indic digits are not GS1 digits
        #expect(GS1CheckDigit.compute("10614141123456789") == "7")
    }

    @Test(arguments: [
        "106141411234567897", "00106141411234567897", "(00)106141411234567897", "]C100106141411234567897",
        "\u{1D}00106141411234567897",
    ])
    func ssccForms(text: String) throws {
        #expect(try GS1.parseSSCC(text) == SSCC("106141411234567897"))
        #expect(try GS1.parseSSCC(text).value == "106141411234567897")
    }

    @Test func bareSSCCStartingWithZeroZeroIsStillBare() throws {
        let sscc = "00" + "1234567890123456"
        let complete = sscc.dropLast() + String(GS1CheckDigit.compute(String(sscc.dropLast())))
        #expect(try GS1.parseSSCC(String(complete)).value == String(complete))
    }

    @Test(arguments: [
        ("106141411234567898", ErrorCode.gs1CheckDigit, Optional(1)), ("00106141411234567898", .gs1CheckDigit, 3),
        ("(00)106141411234567898", .gs1CheckDigit, 5), ("10614141123456789", .gs1MissingAI, nil),
        ("0010614141123456789", .gs1Length, 3), ("(00)1061414112345678x7", .gs1Character, 21),
        ("0104870001000011", .gs1MissingAI, nil), ("(00)106141411234567897(01)04870001000011", .gs1Syntax, 24),
        ("", .gs1Empty, nil),
    ])
    func invalidSSCCs(text: String, code: ErrorCode, column: Int?) {
        #expect(!SSCC.isValid(text))
        let error = expectCode(code) { _ = try GS1.parseSSCC(text) }
        #expect(error?.diagnostics[0].column == column)
    }

    @Test func sscc18DigitsValidation() {
        #expect(SSCC.isValid("106141411234567897"))
        #expect(!SSCC.isValid("106141411234567898"))
        #expect(!SSCC.isValid("4006381333931"))
    }

    // MARK: Dates

    @Test func datesFollowGS1() throws {
        #expect(try GS1Date("251231").day == 31)
        #expect(try GS1Date("250200").day == nil)  // DD 00: month only
        #expect(try GS1Date("240229").day == 29)
        #expect(throws: TanbaError.self) { try GS1Date("250229") }
        #expect(throws: TanbaError.self) { try GS1Date("250431") }
        #expect(throws: TanbaError.self) { try GS1Date("251340") }
        #expect(throws: TanbaError.self) { try GS1Date("250001") }
        #expect(try GS1Date("270131").description == "270131")
    }

    @Test func centuryBySlidingWindow() throws {
        #expect(try GS1Date("250101").fullYear(relativeTo: 2026) == 2025)
        #expect(try GS1Date("760101").fullYear(relativeTo: 2026) == 2076)
        #expect(try GS1Date("770101").fullYear(relativeTo: 2026) == 1977)
        #expect(try GS1Date("050101").fullYear(relativeTo: 2060) == 2105)
    }

    // MARK: Malformed marking codes

    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let code: ErrorCode
        let column: Int?
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        .init(name: "empty input", input: "", code: .gs1Empty, column: nil),
        .init(name: "prefix only", input: "]d2", code: .gs1Empty, column: nil),
        .init(name: "unknown AI (raw)", input: "01\(gtin)22ABC\(gs)21X", code: .gs1UnknownAI, column: 17),
        .init(name: "unknown AI (bracketed)", input: "(01)\(gtin)(99)X(21)Y", code: .gs1UnknownAI, column: 20),
        .init(name: "GTIN of 13 digits (bracketed)", input: "(01)4870001000011(21)X", code: .gs1Length, column: 5),
        .init(name: "GTIN of 13 digits (raw, last)", input: "21ABC\(gs)014870001000011", code: .gs1Length, column: 9),
        .init(name: "GTIN of 15 digits (bracketed)", input: "(01)\(gtin)1(21)X", code: .gs1Length, column: 19),
        .init(name: "bad GTIN check digit", input: "0104870001000012215Kq8", code: .gs1CheckDigit, column: 3),
        .init(name: "letter in GTIN", input: "01048700010000A121X", code: .gs1Character, column: 15),
        .init(
            name: "serial of 21 characters", input: "01\(gtin)21" + String(repeating: "a", count: 21),
            code: .gs1Length, column: 39),
        .init(name: "space in serial", input: "01\(gtin)21AB CD", code: .gs1Character, column: 21),
        .init(name: "Cyrillic letter in serial", input: "01\(gtin)21\u{410}BC", code: .gs1Character, column: 19),
        .init(name: "empty serial", input: "01\(gtin)21\(gs)91EE06", code: .gs1Length, column: 19),
        .init(name: "missing 21", input: "01\(gtin)10LOT", code: .gs1MissingAI, column: nil),
        .init(name: "missing 01", input: "21ABC", code: .gs1MissingAI, column: nil),
        .init(name: "duplicate 01", input: "01\(gtin)01\(gtin)21X", code: .gs1DuplicateAI, column: 17),
        .init(name: "duplicate 21", input: "(01)\(gtin)(21)X(21)Y", code: .gs1DuplicateAI, column: 25),
        .init(name: "expiry month 13", input: "01\(gtin)1725134021X", code: .gs1Date, column: 19),
        .init(name: "production 30 February", input: "01\(gtin)1125023021X", code: .gs1Date, column: 19),
        .init(name: "bracket (01 unterminated", input: "(01", code: .gs1Syntax, column: 1),
        .init(name: "last bracket unterminated", input: "(01)\(gtin)(21", code: .gs1Syntax, column: 19),
        .init(name: "empty brackets", input: "()\(gtin)", code: .gs1Syntax, column: 1),
        .init(name: "GS right after ]d2", input: "]d2\(gs)01\(gtin)21X", code: .gs1Syntax, column: 4),
        .init(name: "two leading GS", input: "\(gs)\(gs)01\(gtin)21X", code: .gs1Syntax, column: 2),
        .init(name: "doubled GS", input: "01\(gtin)21X\(gs)\(gs)91EE06", code: .gs1Syntax, column: 21),
        .init(name: "two trailing GS", input: "01\(gtin)21X\(gs)\(gs)", code: .gs1Syntax, column: 21),
        // GS1 syntax: a `(` in a value is written `\(`; any other `(` starts an AI, here one whose `)` is missing.
        .init(
            name: "unescaped ( with a missing )", input: "(01)\(gtin)(21)5Kq8ZtR2mWx9Q(91EE06(92)AAAA",
            code: .gs1Syntax, column: 36),
        .init(name: "unescaped ( before letters", input: "(01)\(gtin)(21)a(b)c", code: .gs1Syntax, column: 24),
        .init(name: "unescaped ( at the end", input: "(01)\(gtin)(21)abc(", code: .gs1Syntax, column: 26),
        // A scanner's prefix announces the raw form; the bracketed form behind one is not a scan.
        .init(name: "bracketed behind ]d2", input: "]d2" + bracketed, code: .gs1Syntax, column: 4),
        .init(name: "bracketed behind ]C1", input: "]C1" + bracketed, code: .gs1Syntax, column: 4),
        .init(name: "bracketed behind GS", input: gs + bracketed, code: .gs1Syntax, column: 2),
        .init(name: "GS in bracketed form", input: "(01)\(gtin)(21)X\(gs)", code: .gs1Syntax, column: 24),
        .init(name: "non-GS1 symbology", input: "]d1" + raw, code: .gs1Syntax, column: 1),
        .init(name: "truncated AI", input: "01\(gtin)21X\(gs)9", code: .gs1Syntax, column: 21),
        .init(
            name: "AI 92 of 91 characters", input: "01\(gtin)21X\(gs)92" + String(repeating: "A", count: 91),
            code: .gs1Length, column: 113),
    ]

    @Test(arguments: malformed)
    func malformedCodeIsReportedWithCodeAndColumn(_ test: Malformed) {
        let error = expectCode(test.code) { _ = try MarkingCode.parse(test.input) }
        #expect(error?.diagnostics.count == 1)
        #expect(error?.diagnostics[0].column == test.column, "\(error.map(\.description) ?? "")")
        #expect(error?.category == .document)
    }

    @Test func messagesNameTheAIAndTheProblem() {
        let checkDigit = expectCode(.gs1CheckDigit) { _ = try MarkingCode.parse("0104870001000012215Kq8") }
        #expect(checkDigit?.message == "AI (01): GTIN 04870001000012 has check digit 2, expected 1")
        let space = expectCode(.gs1Character) { _ = try MarkingCode.parse("01\(Self.gtin)21AB CD") }
        #expect(space?.message.contains("AI (21)") == true && space?.message.contains("U+0020") == true)
        let date = expectCode(.gs1Date) { _ = try MarkingCode.parse("01\(Self.gtin)1725134021X") }
        #expect(date?.message.contains("AI (17)") == true && date?.message.contains("251340") == true)
        let missing = expectCode(.gs1MissingAI) { _ = try MarkingCode.parse("01\(Self.gtin)") }
        #expect(missing?.message.contains("AI (21)") == true)
    }

    @Test func everyCodeIsCatalogued() {
        let codes: [ErrorCode] = [
            .gs1Empty, .gs1UnknownAI, .gs1Length, .gs1Character, .gs1CheckDigit, .gs1Date, .gs1DuplicateAI,
            .gs1MissingAI, .gs1Syntax, .gs1NationalFormat, .identifierInvalid,
        ]
        #expect(ErrorCatalogue.gs1.map(\.code) == codes)
        #expect(Set(codes.map(\.rawValue)).count == codes.count)
        #expect(ErrorCatalogue.gs1.allSatisfy { $0.category == .document && $0.summary.hasSuffix(".") })
    }

    @Test func characterSet82() {
        #expect(GS1.characterSet82.count == 82)
        #expect(GS1.characterSet82.allSatisfy(GS1.isInCharacterSet82))
        for character in [" ", "#", "$", "@", "[", "\\", "]", "^", "`", "{", "|", "}", "~", "\u{1D}", "А", "é"] {
            #expect(!GS1.isInCharacterSet82(Character(character)), "\(character)")
        }
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
