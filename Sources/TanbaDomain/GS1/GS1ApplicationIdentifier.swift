/// A GS1 Application Identifier the hub understands, with its format from the GS1 General Specifications and the
/// GS1 Barcode Syntax Dictionary.
///
/// Only the AIs Kazakh marking codes and transport labels use are known; any other AI is refused with
/// `GS1_UNKNOWN_AI` rather than passed through unchecked, since the hub stores and compares what it accepts.
public struct GS1ApplicationIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// Which characters a value may have.
    public enum Content: Hashable, Sendable {
        /// ASCII digits (GS1 format `N`).
        case numeric
        /// GS1 AI encodable character set 82 (GS1 format `X`).
        case characterSet82
    }

    /// What is checked beyond characters and length.
    public enum Check: Hashable, Sendable {
        case none
        /// The last digit is a GS1 mod-10 check digit.
        case checkDigit
        /// YYMMDD, DD = 00 allowed (GS1 linter `yymmd0`).
        case date
    }

    /// The AI's digits, e.g. `01`.
    public let code: String
    /// The GS1 data title, e.g. `GTIN`.
    public let title: String
    public let content: Content
    public let minLength: Int
    public let maxLength: Int
    public let check: Check
    /// Whether the AI is in GS1's table of predefined lengths, so that no FNC1 separator follows its value. This
    /// is not the same as being fixed-length: (8005) has six digits yet still needs a separator.
    public let hasPredefinedLength: Bool

    /// The digits' count × 10,000 + their value (`01` is 20,001): the AI as a number, compared and looked up
    /// without hashing a string (`byDigits`, `NationalCodeFormat.check`).
    let key: Int

    /// Whether every value has exactly `maxLength` characters.
    public var isFixedLength: Bool { minLength == maxLength }
    /// The AI as printed in the human-readable form, e.g. `(01)`.
    public var description: String { "(\(code))" }

    /// (00) Serial Shipping Container Code, n18.
    public static let sscc = Self(
        code: "00", title: "SSCC", content: .numeric, length: 18...18, check: .checkDigit, predefined: true)
    /// (01) GTIN, n14.
    public static let gtin = Self(
        code: "01", title: "GTIN", content: .numeric, length: 14...14, check: .checkDigit, predefined: true)
    /// (10) Batch or lot number, X..20.
    public static let batch = Self(code: "10", title: "BATCH/LOT", content: .characterSet82, length: 1...20)
    /// (11) Production date, n6 YYMMDD.
    public static let productionDate = Self(
        code: "11", title: "PROD DATE", content: .numeric, length: 6...6, check: .date, predefined: true)
    /// (17) Expiration date, n6 YYMMDD.
    public static let expiry = Self(
        code: "17", title: "USE BY OR EXPIRY", content: .numeric, length: 6...6, check: .date, predefined: true)
    /// (21) Serial number, X..20.
    public static let serial = Self(code: "21", title: "SERIAL", content: .characterSet82, length: 1...20)
    /// (3103) Net weight in kilograms with three decimals, n6 (weighed dairy and similar goods).
    public static let netWeightKilograms = Self(
        code: "3103", title: "NET WEIGHT (kg)", content: .numeric, length: 6...6, predefined: true)
    /// (8005) Price per unit of measure, n6 (the maximum retail price on tobacco codes). Needs a separator.
    public static let pricePerUnit = Self(code: "8005", title: "PRICE PER UNIT", content: .numeric, length: 6...6)
    /// (91) Company internal information, X..90: the id of the key that made the verification code.
    public static let verificationKeyID = Self(
        code: "91", title: "INTERNAL (verification key)", content: .characterSet82, length: 1...90)
    /// (92) Company internal information, X..90: the verification code (cryptographic signature).
    public static let verificationCode = Self(
        code: "92", title: "INTERNAL (verification code)", content: .characterSet82, length: 1...90)
    /// (93) Company internal information, X..90: the short cryptographic tail some product groups use instead.
    public static let crypto93 = Self(
        code: "93", title: "INTERNAL (crypto tail)", content: .characterSet82, length: 1...90)

    /// Every AI the hub knows.
    public static let all: [GS1ApplicationIdentifier] = [
        .sscc, .gtin, .batch, .productionDate, .expiry, .serial, .netWeightKilograms, .pricePerUnit,
        .verificationKeyID, .verificationCode, .crypto93,
    ]

    /// The known AI with these digits, e.g. `named("01")`.
    public static func named(_ code: String) -> GS1ApplicationIdentifier? { all.first { $0.code == code } }

    /// The known AIs by their digits' count × 10,000 + their value (`01` is 20,001), for the parser, which reads
    /// the digits as a number: leading zeros count through the length.
    static let byDigits: [Int: GS1ApplicationIdentifier] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    /// `key` of any string of ASCII digits (an AI a format names, known here or not); nil for anything else.
    static func key(of code: String) -> Int? {
        guard !code.isEmpty, code.utf8.count <= 6, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return code.utf8.count * 10_000 + code.utf8.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// An AI is its code: comparing and hashing the code alone keeps element look-ups (done for every code parsed)
    /// from comparing titles too.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    init(
        code: String, title: String, content: Content, length: ClosedRange<Int>, check: Check = .none,
        predefined: Bool = false
    ) {
        self.code = code
        self.title = title
        self.content = content
        self.minLength = length.lowerBound
        self.maxLength = length.upperBound
        self.check = check
        self.hasPredefinedLength = predefined
        key = Self.key(of: code)!
    }
}

/// One element of a GS1 element string: an application identifier and its value, validated for that AI.
public struct GS1Element: Hashable, Sendable, CustomStringConvertible {
    public let ai: GS1ApplicationIdentifier
    public let value: String

    /// Values come only from the parser, so every element in circulation is valid for its AI.
    init(ai: GS1ApplicationIdentifier, value: String) {
        self.ai = ai
        self.value = value
    }

    /// `(AI)value`.
    public var description: String { "(\(ai.code))\(value)" }
}
