import TanbaErrors

/// A Global Trade Item Number, always held in its 14-digit form (GTIN-8/12/13 padded with leading zeros).
///
/// The 14-digit form is what AI (01) carries and what marking codes and the product catalogue are keyed by, so
/// normalising once here means two spellings of one product never compare unequal.
public struct GTIN: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The 14 digits, check digit last.
    public let value: String

    /// Validates a GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14 and normalises it to 14 digits.
    /// - Throws: `GS1_CHARACTER` (not digits), `GS1_LENGTH` (not 8, 12, 13 or 14 digits), `GS1_CHECK_DIGIT`;
    ///   `column` is 1-based within `text`.
    public init(_ text: String) throws {
        let checked = try GS1Key.gtin.checked(text, column: 1)
        value = String(repeating: "0", count: 14 - checked.count) + checked
    }

    /// Digits already known to be a valid GTIN-14 (from the parser, which validated them in context).
    init(trusted value: String) { self.value = value }

    /// Whether `text` is a GTIN-8/12/13/14 with a correct check digit.
    public static func isValid(_ text: String) -> Bool { (try? GTIN(text)) != nil }

    /// The GTIN-13 (EAN-13) form, when the first digit is the zero a GTIN-13 is padded with.
    public var gtin13: String? { value.hasPrefix("0") ? String(value.dropFirst()) : nil }

    public var description: String { value }
    public static func < (lhs: GTIN, rhs: GTIN) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws { try self.init(decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A Serial Shipping Container Code: 18 digits identifying one logistic unit (a transport package), check digit
/// last.
public struct SSCC: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The 18 digits, extension digit first, check digit last.
    public let value: String

    /// Validates 18 bare digits. For the `00…` and `(00)…` forms a label scanner sends, use `GS1.parseSSCC(_:)`.
    /// - Throws: `GS1_CHARACTER`, `GS1_LENGTH`, `GS1_CHECK_DIGIT`.
    public init(_ text: String) throws { value = try GS1Key.sscc.checked(text, column: 1) }

    init(trusted value: String) { self.value = value }

    /// Whether `text` is 18 digits with a correct check digit.
    public static func isValid(_ text: String) -> Bool { (try? SSCC(text)) != nil }

    public var description: String { value }
    public static func < (lhs: SSCC, rhs: SSCC) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws { try self.init(decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// The GS1 keys with a mod-10 check digit, and the one validation both the bare initialisers and the element
/// parser use, so that a GTIN is refused with the same words wherever it comes from.
enum GS1Key {
    case gtin, sscc

    var name: String { self == .gtin ? "GTIN" : "SSCC" }
    var lengths: [Int] { self == .gtin ? [8, 12, 13, 14] : [18] }
    var article: String { self == .gtin ? "a" : "an" }

    /// `text` if it is digits of an allowed length with the right check digit.
    ///
    /// `column` is that of `text`'s first character in the input, for diagnostics. (Inside an element string the
    /// parser checks characters and length itself and calls `verifyCheckDigit` with the AI as context.)
    func checked(_ text: String, column: Int) throws -> String {
        for (offset, scalar) in text.unicodeScalars.enumerated() where !GS1Text.isDigit(scalar) {
            throw TanbaError(
                .gs1Character, "\(article) \(name) has digits only, found \(GS1Text.describe(scalar))",
                column: column + offset)
        }
        let count = text.unicodeScalars.count
        guard lengths.contains(count) else {
            let allowed = lengths.count == 1 ? "\(lengths[0])" : "8, 12, 13 or 14"
            throw TanbaError(
                .gs1Length, "\(article) \(name) has \(allowed) digits, found \(count)", column: column)
        }
        try verifyCheckDigit(text, column: column, context: "")
        return text
    }

    /// Checks the last digit of `digits` (ASCII digits of a valid length).
    func verifyCheckDigit(_ digits: String, column: Int, context: String) throws {
        // Over the bytes, with no string or array made: this runs for the GTIN of every code read.
        var text = digits
        let (expected, actual) = text.withUTF8 { utf8 -> (UInt8, UInt8?) in
            (GS1CheckDigit.value(ofBody: utf8.dropLast().lazy.map { $0 &- 0x30 }), utf8.last.map { $0 &- 0x30 })
        }
        guard let actual, actual != expected else { return }
        throw TanbaError(
            .gs1CheckDigit, "\(context)\(name) \(digits) has check digit \(actual), expected \(expected)",
            column: column)
    }
}
