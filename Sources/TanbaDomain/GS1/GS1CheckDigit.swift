/// The GS1 mod-10 check digit of GTIN-8/12/13/14, SSCC and the other GS1 keys (GS1 General Specifications §7.9).
///
/// From the rightmost digit of the body leftwards the digits are weighted 3, 1, 3, 1…; the check digit brings
/// the weighted sum up to a multiple of ten. Because the weights start at the right, leading zeros change
/// nothing: a GTIN-13 and its GTIN-14 form (a zero in front) share their check digit.
public enum GS1CheckDigit {
    /// The check digit to append to `digitsWithoutCheck`.
    ///
    /// - Precondition: `digitsWithoutCheck` is one or more ASCII digits. Untrusted input goes through `isValid`
    ///   or the `GTIN`/`SSCC` initialisers, which report errors instead.
    public static func compute(_ digitsWithoutCheck: String) -> Character {
        guard let body = GS1Text.digitValues(digitsWithoutCheck), !body.isEmpty else {
            preconditionFailure("GS1 check digit of a body that is not ASCII digits")
        }
        return GS1Text.digitCharacter(value(ofBody: body))
    }

    /// Whether `digits` (body and check digit, at least two ASCII digits) ends with the right check digit.
    public static func isValid(_ digits: String) -> Bool {
        guard let values = GS1Text.digitValues(digits), values.count >= 2 else { return false }
        return value(ofBody: values.dropLast()) == values.last
    }

    static func value(ofBody body: some BidirectionalCollection<UInt8>) -> UInt8 {
        var sum = 0
        for (index, digit) in body.reversed().enumerated() { sum += Int(digit) * (index.isMultiple(of: 2) ? 3 : 1) }
        return UInt8((10 - sum % 10) % 10)
    }
}

/// Character-level helpers shared by the GS1 and identifier parsers. Works on Unicode scalars so that a column is
/// the position of one code point of the input, whatever grapheme clustering would make of control characters.
enum GS1Text {
    /// The ASCII group separator that stands for FNC1 between variable-length elements.
    static let groupSeparator: Unicode.Scalar = "\u{1D}"
    /// What some scanners send for FNC1 (ASCII 232 in the Latin-1 code page).
    static let fnc1Latin1: Unicode.Scalar = "\u{E8}"

    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool { scalar == groupSeparator || scalar == fnc1Latin1 }

    /// ASCII digits only: `Character.isNumber` would also accept Arabic-Indic and other digits.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }

    /// GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
    static func isInSet82(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21, 0x22, 0x25...0x3F, 0x41...0x5A, 0x5F, 0x61...0x7A: true
        default: false
        }
    }

    /// The digits' values, or nil if any scalar is not an ASCII digit.
    static func digitValues(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard isDigit(scalar) else { return nil }
            values.append(UInt8(scalar.value - 0x30))
        }
        return values
    }

    static func digitCharacter(_ value: UInt8) -> Character { Character(Unicode.Scalar(0x30 + value)) }

    /// A scalar as a message shows it: printable ASCII quoted, anything else (space, controls, Cyrillic…) also by
    /// code point, since a look-alike letter is the usual reason a code is refused.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        if hex.count < 4 { hex = String(repeating: "0", count: 4 - hex.count) + hex }
        if scalar.value > 0x20 && scalar.value < 0x7F { return "'\(Character(scalar))'" }
        if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control { return "U+\(hex)" }
        return "'\(Character(scalar))' (U+\(hex))"
    }

    /// `string(_:)` of a slice of the parser's scalars: read from contiguous memory, not through an iterator.
    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        scalars.withUnsafeBufferPointer { slice in
            guard slice.allSatisfy(\.isASCII) else { return string(slice.lazy.map { $0 }) }
            return String(unsafeUninitializedCapacity: slice.count) { buffer in
                for (index, scalar) in slice.enumerated() { buffer[index] = UInt8(truncatingIfNeeded: scalar.value) }
                return slice.count
            }
        }
    }

    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        // ASCII (every value a valid code carries) is written straight into the string's own storage: no array
        // between, and no allocation at all for the short values (GTIN, serial, key id) Swift keeps inline.
        var ascii = true
        let direct = String(unsafeUninitializedCapacity: scalars.underestimatedCount) { buffer in
            var count = 0
            for scalar in scalars {
                guard scalar.isASCII, count < buffer.count else {
                    ascii = false
                    return 0
                }
                buffer[count] = UInt8(truncatingIfNeeded: scalar.value)
                count += 1
            }
            return count
        }
        if ascii { return direct }
        // Otherwise encoded to UTF-8 bytes first: appending scalars to a `String.UnicodeScalarView` one by one
        // costs several times more, and codes are parsed on every public check.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.underestimatedCount)
        for scalar in scalars {
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else {
                bytes.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
