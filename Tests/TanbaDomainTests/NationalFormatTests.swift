import TanbaDomain
import TanbaErrors
import TanbaTestSupport
import Testing

/// Kazakh marking codes have national lengths per product group (reference data): a code of the wrong shape — most
/// often one whose GS separator a scanner dropped, so that the serial swallowed the next element — is refused at
/// the column where it goes wrong, not found later as "not found" or "forged".
@Suite struct NationalFormatTests {
    static let gs = "\u{1D}"
    static let gtin = "04870001000011"
    static let serial = "5Kq8ZtR2mWx9Q"
    static let tail = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn"  // 44 characters
    static let formats = ReferenceDataTests.data.codeFormats

    static func parse(_ text: String, group: String?) throws -> MarkingCode {
        try MarkingCode.parse(text, formats: formats) { _ in group.flatMap { formats[$0] } }
    }

    @Test func theReferenceDataGivesEveryMarkedGroupAFormat() throws {
        let shoes = try #require(Self.formats["shoes"])
        #expect(shoes.length(of: .serial) == 13 && shoes.length(of: .verificationKeyID) == 4)
        #expect(shoes.length(of: .verificationCode) == 44)
        #expect(
            Self.formats["tobacco"]?.length(of: .serial) == 7 && Self.formats["tobacco"]?.length(of: .crypto93) == 4)
        #expect(Self.formats["milk"]?.length(of: .serial) == 6 && Self.formats["water"]?.length(of: .serial) == 6)
        #expect(Self.formats["alcohol"] == nil)  // marked with excise stamps, not codes the hub issues
        #expect(Self.tail.count == 44)
    }

    @Test(arguments: [
        "01\(gtin)21\(serial)\(gs)91EE06\(gs)92\(tail)", "]d201\(gtin)21\(serial)\(gs)91EE06\(gs)92\(tail)",
        "(01)\(gtin)(21)\(serial)(91)EE06(92)\(tail)", "01\(gtin)21\(serial)",
    ])
    func aCodeOfItsGroupsShapeParses(text: String) throws {
        #expect(try Self.parse(text, group: "shoes").serial == Self.serial)
        #expect(try Self.parse(text, group: nil).serial == Self.serial)  // and fits some group when the GTIN is unknown
    }

    @Test func shortTailGroupsParse() throws {
        let milk = try Self.parse("01\(Self.gtin)21AbC123\(Self.gs)93dGVz", group: "milk")
        #expect(milk.crypto93 == "dGVz" && milk.serial == "AbC123")
        #expect(try Self.parse("01\(Self.gtin)21AbC1234\(Self.gs)93dGVz", group: "tobacco").serial == "AbC1234")
    }

    struct Wrong: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let group: String?
        let column: Int?
        let says: String
        var testDescription: String { name }
    }

    static let wrong: [Wrong] = [
        // 01 + GTIN = 16 characters, 21 = 2 more: the serial starts at column 19, so its 14th character is column 32.
        .init(
            name: "GS missing after the serial", input: "01\(gtin)21\(serial)91EE06\(gs)92\(tail)", group: "shoes",
            column: 32, says: "GS separator is probably missing"),
        .init(
            name: "every GS missing", input: "01\(gtin)21\(serial)91EE0692\(tail)", group: "shoes", column: 32,
            says: "GS separator is missing"),
        .init(
            name: "serial of 12 for shoes", input: "01\(gtin)21\(serial.dropLast())", group: "shoes", column: 19,
            says: "requires 13"),
        .init(
            name: "serial of 13 for milk", input: "01\(gtin)21\(serial)\(gs)93dGVz", group: "milk", column: 25,
            says: "requires 6"),
        .init(
            name: "AI 92 of 43", input: "01\(gtin)21\(serial)\(gs)91EE06\(gs)92\(tail.dropLast())", group: "shoes",
            column: 42, says: "AI (92) has 43 characters"),
        .init(
            name: "AI 91 of 5", input: "(01)\(gtin)(21)\(serial)(91)EE06X(92)\(tail)", group: "shoes", column: 40,
            says: "AI (91) has 5 characters"),
        .init(
            name: "AI 93 on a 91/92 group", input: "01\(gtin)21\(serial)\(gs)93dGVz", group: "shoes", column: 33,
            says: "not part of a marking code of product group shoes"),
        .init(
            name: "AI 92 without 91", input: "01\(gtin)21\(serial)\(gs)92\(tail)", group: "shoes", column: nil,
            says: "(91) missing"),
        .init(
            name: "serial of 20, group unknown", input: "01\(gtin)21\(serial)ABCDEFG", group: nil, column: 32,
            says: "requires 6 or 7 or 13"),
    ]

    @Test(arguments: wrong)
    func aCodeOfAnotherShapeIsRefusedAtItsColumn(_ test: Wrong) {
        let error = expectCode(.gs1NationalFormat) { _ = try Self.parse(test.input, group: test.group) }
        #expect(error?.diagnostics.count == 1)
        #expect(error?.diagnostics.first?.column == test.column, "\(error.map(\.description) ?? "")")
        #expect(error?.message.contains(test.says) == true, "\(error?.message ?? "")")
    }

    /// Syntax errors that are not a missing separator stay syntax errors.
    @Test func otherSyntaxErrorsKeepTheirCode() {
        expectCode(.gs1CheckDigit) { _ = try Self.parse("0104870001000012215Kq8", group: "shoes") }
        expectCode(.gs1UnknownAI) { _ = try Self.parse("01\(Self.gtin)22X", group: "shoes") }
    }

    // MARK: One parser for look-ups: marking code or SSCC

    @Test(arguments: [
        "106141411234567897", "00106141411234567897", "(00)106141411234567897", "]C100106141411234567897",
    ])
    func anSSCCIsAPackage(text: String) throws {
        #expect(try CodeReference.parse(text) == .package(SSCC("106141411234567897")))
        #expect(try CodeReference.parse(text).identification == "00106141411234567897")
    }

    @Test func aMarkingCodeIsAUnit() throws {
        let reference = try CodeReference.parse("]d201\(Self.gtin)21\(Self.serial)")
        #expect(reference.identification == "01\(Self.gtin)21\(Self.serial)")
        #expect(reference.markingCode?.serial == Self.serial)
    }

    /// One mistake, one answer: a mistyped SSCC is a check-digit error with or without its `00`.
    @Test(arguments: [("048700010000000012", 1), ("00048700010000000012", 3), ("(00)048700010000000012", 5)])
    func aMistypedSSCCIsACheckDigitErrorInEveryForm(text: String, column: Int) {
        let error = expectCode(.gs1CheckDigit) { _ = try CodeReference.parse(text) }
        #expect(error?.diagnostics.first?.column == column)
    }
}
