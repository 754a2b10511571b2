import TanbaErrors

/// A Kazakh individual identification number (IIN, ЖСН/ИИН) of a person or business identification number (BIN,
/// БСН/БИН) of an organisation: 12 digits, the last a check digit.
///
/// Both share one checksum: with d1…d11 weighted 1…11, the sum mod 11 is the check digit; a result of 10 is
/// retried with weights 3…11, 1, 2; a second 10 means no such number is ever issued.
public struct KazakhIdentifier: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Whether the number names a person or an organisation.
    public enum Kind: Hashable, Sendable {
        /// An IIN: digits 1–6 are the birth date YYMMDD, digit 7 the century and sex.
        case individual
        /// A BIN: digits 1–4 are the registration year and month, digit 5 the kind of organisation (4–6).
        case organisation
    }

    /// The 12 digits.
    public let value: String

    /// Validates an IIN or BIN.
    /// - Throws: `ID_INVALID` when `text` is not 12 ASCII digits or its check digit is wrong; `column` points at
    ///   the offending character (12 for the check digit). Messages do not repeat the number: an IIN is personal
    ///   data, and the caller already has it.
    public init(_ text: String) throws {
        let scalars = Array(text.unicodeScalars)
        if let offset = scalars.firstIndex(where: { !GS1Text.isDigit($0) }) {
            throw TanbaError(
                .identifierInvalid, "an IIN/BIN has digits only, found \(GS1Text.describe(scalars[offset]))",
                column: offset + 1)
        }
        guard scalars.count == 12 else {
            throw TanbaError(.identifierInvalid, "an IIN/BIN has 12 digits, found \(scalars.count)")
        }
        let values = scalars.map { Int($0.value - 0x30) }
        guard let expected = Self.checkDigit(ofBody: values.prefix(11)) else {
            throw TanbaError(
                .identifierInvalid,
                "no IIN/BIN has these first 11 digits: the checksum is 10 with both weight sets", column: 12)
        }
        guard values[11] == expected else {
            throw TanbaError(
                .identifierInvalid, "the IIN/BIN check digit is \(values[11]), expected \(expected)", column: 12)
        }
        value = text
    }

    /// Whether `text` is a valid IIN or BIN.
    public static func isValid(_ text: String) -> Bool { (try? KazakhIdentifier(text)) != nil }

    /// The check digit for an 11-digit body, or nil if `body` is not 11 ASCII digits or no check digit exists.
    public static func checkDigit(forBody body: String) -> Int? {
        guard let values = GS1Text.digitValues(body), values.count == 11 else { return nil }
        return checkDigit(ofBody: values.map(Int.init))
    }

    private static let firstWeights = Array(1...11)
    private static let secondWeights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]

    private static func checkDigit(ofBody body: some Collection<Int>) -> Int? {
        for weights in [firstWeights, secondWeights] {
            let sum = zip(body, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11
            if sum != 10 { return sum }
        }
        return nil
    }

    /// Person or organisation, from digit 5: it is the first digit of the birth day (0–3) in an IIN and the kind
    /// of organisation (4–6) in a BIN. Nil for 7–9, which neither uses.
    public var kind: Kind? {
        switch value.unicodeScalars.dropFirst(4).first!.value - 0x30 {
        case 0...3: .individual
        case 4...6: .organisation
        default: nil
        }
    }

    public var description: String { value }
    public static func < (lhs: KazakhIdentifier, rhs: KazakhIdentifier) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws { try self.init(decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
