import TanbaErrors

/// What a person or a scanner names when looking a code up: a unit's or group package's marking code, or a
/// transport package's SSCC. One parser decides which by the form, so one mistake gets one answer whichever
/// command or route it reaches.
public enum CodeReference: Hashable, Sendable, CustomStringConvertible {
    /// A marking code (unit or group package): `01` GTIN `21` serial and its tails.
    case marking(MarkingCode)
    /// A transport package: its SSCC.
    case package(SSCC)

    /// Parses any form a scanner, a printer or a person gives.
    ///
    /// An SSCC is told by its form alone: 18 bare digits, or an element string that starts with AI (00) (behind a
    /// symbology identifier or FNC1, or bracketed). A marking code always starts with (01) and is longer than 18
    /// characters, so no string is both. An 18-digit string is an SSCC even with a wrong check digit: it is then
    /// a mistyped SSCC (`GS1_CHECK_DIGIT`), not an unknown AI.
    /// - Throws: the codes of `GS1.parseSSCC(_:)` for an SSCC and of `MarkingCode.parse(_:)` otherwise.
    public static func parse(_ text: String) throws -> CodeReference {
        if try isPackage(GS1Parser(text)) { return .package(try GS1.parseSSCC(text)) }
        return .marking(try MarkingCode.parse(text))
    }

    /// `parse(_:)`, with a marking code checked against its national format (`MarkingCode.parse(_:formats:format:)`)
    /// in the same pass.
    public static func parse(
        _ text: String, formats: [String: NationalCodeFormat], format: (GTIN) -> NationalCodeFormat?
    ) throws -> CodeReference {
        let parser = GS1Parser(text)
        if try isPackage(parser) { return .package(try GS1.parseSSCC(text)) }
        return .marking(try MarkingCode.parse(parser, formats: formats, format: format))
    }

    /// Whether the parser's text is an SSCC's form rather than a marking code's.
    private static func isPackage(_ parser: GS1Parser) throws -> Bool {
        let start = try parser.dataStart()
        let data = parser.scalars[start...]
        let startsWithSSCC = data.starts(with: "00".unicodeScalars) || data.starts(with: "(00)".unicodeScalars)
        return parser.isBareSSCC(from: start) || startsWithSSCC
    }

    /// The key the store knows the code by: `01` GTIN `21` serial, or `00` + SSCC.
    public var identification: String {
        switch self {
        case .marking(let code): code.identification
        case .package(let sscc): "00" + sscc.value
        }
    }

    /// The marking code, when this is one.
    public var markingCode: MarkingCode? {
        if case .marking(let code) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .marking(let code): code.description
        case .package(let sscc): "(00)" + sscc.value
        }
    }
}
