import TanbaErrors

/// GS1 element strings: parsing the forms scanners, printers and ERPs send, and printing them back.
///
/// Accepted input forms (all give the same elements):
/// - raw, with GS (U+001D) after each variable-length value that is not last: `0104870001000011215Kq8…␝91EE06`;
///   a GS after the last element is tolerated (label printers and ERP exports write one; GS1's parser accepts it);
/// - the raw form behind a GS1 symbology identifier (`]d2` DataMatrix, `]C1` GS1-128, `]Q3` QR, `]e0` DataBar,
///   `]J1` DotCode) or a leading FNC1 sent as GS or as U+00E8 (ASCII 232, which some scanners also send for
///   every separating FNC1): this is what a scanner sends;
/// - the bracketed human-readable form `(01)04870001000011(21)5Kq8…(91)EE06`, as people read and type it, with no
///   prefix; every `(` inside a value is written `\(` (GS1 syntax: any other `(` starts an AI);
/// - the identification form documents carry: `01` + GTIN + `21` + serial, serial last and so unterminated.
///
/// Every error is a `TanbaError` whose diagnostic has the 1-based column (in Unicode scalars of the input as
/// received) and names the AI. Parsing stops at the first error: after one, where the next element starts is
/// guesswork.
public enum GS1 {
    /// The ASCII group separator that stands for FNC1 in raw element strings.
    public static let groupSeparator: Character = "\u{1D}"

    /// GS1 AI encodable character set 82, in code point order: what serials, batches and the AI 91–93 values may
    /// contain. Emission draws serials from it.
    public static let characterSet82: String = GS1Text.string(
        (UInt8(0x21)...0x7A).map(Unicode.Scalar.init).filter(GS1Text.isInSet82))

    /// Whether `character` is in GS1 character set 82.
    public static func isInCharacterSet82(_ character: Character) -> Bool {
        character.unicodeScalars.count == 1 && GS1Text.isInSet82(character.unicodeScalars.first!)
    }

    /// Parses any element string of known AIs, in any accepted form, without requiring particular AIs.
    /// - Throws: `GS1_EMPTY`, `GS1_SYNTAX`, `GS1_UNKNOWN_AI`, `GS1_LENGTH`, `GS1_CHARACTER`, `GS1_CHECK_DIGIT`,
    ///   `GS1_DATE`, `GS1_DUPLICATE_AI`.
    public static func parse(_ text: String) throws -> [GS1Element] { try GS1Parser(text).parse().map { $0.element } }

    /// Parses the SSCC of a transport label: `00` + 18 digits (possibly behind a symbology identifier such as
    /// `]C1`), `(00)` + 18 digits, or 18 bare digits.
    /// - Throws: as `parse(_:)`; `GS1_MISSING_AI` when the string has no (00); `GS1_SYNTAX` when it has other AIs.
    public static func parseSSCC(_ text: String) throws -> SSCC {
        let parser = GS1Parser(text)
        let start = try parser.dataStart()
        let data = parser.scalars[start...]
        if parser.isBareSSCC(from: start) {
            return try SSCC(trusted: GS1Key.sscc.checked(GS1Text.string(data), column: start + 1))
        }
        let elements = try parser.parse(from: start)
        guard let sscc = elements.first(where: { $0.element.ai == .sscc }) else {
            throw TanbaError(
                .gs1MissingAI,
                "an SSCC string needs AI (00) or 18 bare digits; this one has \(data.count) "
                    + "characters and no (00)")
        }
        if let other = elements.first(where: { $0.element.ai != .sscc }) {
            throw TanbaError(
                .gs1Syntax, "AI (\(other.element.ai.code)) beside the SSCC: an SSCC string carries AI (00) only",
                column: other.column)
        }
        return SSCC(trusted: sscc.element.value)
    }

    /// The raw form: AIs and values with GS after every value whose AI has no predefined length, except the last.
    /// No symbology identifier or leading FNC1: a printer adds what its symbology needs.
    public static func raw(_ elements: [GS1Element]) -> String {
        var text = ""
        for (index, element) in elements.enumerated() {
            text += element.ai.code + element.value
            if !element.ai.hasPredefinedLength && index < elements.count - 1 { text.append(groupSeparator) }
        }
        return text
    }

    /// The bracketed human-readable form, `(01)…(21)…`. Every `(` inside a value is written `\(`, as GS1's syntax
    /// requires (any other `(` starts an AI), so the form parses back to the same elements here and in GS1's tools.
    public static func bracketed(_ elements: [GS1Element]) -> String {
        var text = ""
        for element in elements {
            text += "(\(element.ai.code))"
            for scalar in element.value.unicodeScalars {
                if scalar == "(" { text += "\\" }
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}

/// The scanner behind `GS1.parse`, `GS1.parseSSCC` and `MarkingCode.parse`.
struct GS1Parser {
    /// An element and the column of its AI, for diagnostics raised after the element was read.
    struct Located {
        let element: GS1Element
        /// The column of the AI's first digit.
        let column: Int
        /// The column of the value's first character.
        let valueColumn: Int
    }

    /// The GS1 symbology identifiers (ISO/IEC 15424); each announces GS1 data, standing for the leading FNC1.
    static let symbologyIdentifiers = ["]d2", "]C1", "]Q3", "]e0", "]J1"]

    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        // Codes are ASCII: their bytes are their scalars, copied in one pass that stops at the first byte that is
        // not (counting the scalars first, then copying them, was an eighth of reading a code; a pass of its own
        // checking every byte before the copy made this half as costly again: 2,060 instructions a code, now 1,400).
        var bytes = text
        let ascii: [Unicode.Scalar]? = bytes.withUTF8 { utf8 in
            var isASCII = true
            let copied = [Unicode.Scalar](unsafeUninitializedCapacity: utf8.count) { buffer, count in
                for byte in utf8 {
                    guard byte < 0x80 else {
                        isASCII = false
                        return
                    }
                    buffer[count] = Unicode.Scalar(byte)
                    count += 1
                }
            }
            return isASCII ? copied : nil
        }
        scalars = ascii ?? Array(text.unicodeScalars)
    }

    func parse() throws -> [Located] { try parse(from: dataStart()) }

    func parse(from start: Int) throws -> [Located] {
        // A symbology identifier or a leading FNC1 comes from a scanner, and a scanner sends the raw form; the
        // bracketed form is what people read and type. Behind a scanner's prefix it is not a scan at all.
        if scalars[start] == "(" && start > 0 {
            throw TanbaError(
                .gs1Syntax,
                "the bracketed form (AI) is for people to read and type; behind a symbology identifier or FNC1 a "
                    + "scan carries the raw form (AIs without brackets, GS between elements)",
                column: start + 1)
        }
        let located = scalars[start] == "(" ? try parseBracketed(from: start) : try parseRaw(from: start)
        // A code has a handful of elements: comparing each with those before it costs less than a hash table.
        for (index, item) in located.enumerated() {
            if let first = located[..<index].first(where: { $0.element.ai == item.element.ai }) {
                throw TanbaError(
                    .gs1DuplicateAI, "AI (\(item.element.ai.code)) appears twice (first at column \(first.column))",
                    column: item.column)
            }
        }
        return located
    }

    /// Whether the data from `start` is 18 bare digits: an SSCC without its AI. Eighteen digits are a bare SSCC
    /// even when they start with 00 (a 0 extension digit and a US company prefix): as an AI string they would be
    /// one digit short.
    func isBareSSCC(from start: Int) -> Bool {
        scalars.count - start == 18 && scalars[start...].allSatisfy(GS1Text.isDigit)
    }

    /// The index of the first data character, past a symbology identifier or a leading FNC1.
    func dataStart() throws -> Int {
        guard !scalars.isEmpty else { throw TanbaError(.gs1Empty, "the code is empty") }
        var start = 0
        if scalars[0] == "]" {
            let identifier = GS1Text.string(scalars.prefix(3))
            guard Self.symbologyIdentifiers.contains(identifier) else {
                throw TanbaError(
                    .gs1Syntax,
                    "symbology identifier \(identifier) does not announce GS1 data (expected "
                        + Self.symbologyIdentifiers.joined(separator: ", ") + ")",
                    column: 1)
            }
            start = 3
            // The identifier already stands for the leading FNC1; a second one is not part of any GS1 form.
            if start < scalars.count && GS1Text.isSeparator(scalars[start]) {
                throw TanbaError(
                    .gs1Syntax,
                    "a separator right after the symbology identifier \(identifier), which already "
                        + "stands for the leading FNC1",
                    column: start + 1)
            }
        } else if GS1Text.isSeparator(scalars[0]) {
            start = 1
        }
        guard start < scalars.count else { throw TanbaError(.gs1Empty, "the code has a prefix and no data") }
        return start
    }

    // MARK: Raw form

    private func parseRaw(from start: Int) throws -> [Located] {
        var located: [Located] = []
        // A marking code has four or five elements: one allocation, not three as the array grows.
        located.reserveCapacity(6)
        var index = start
        while index < scalars.count {
            if GS1Text.isSeparator(scalars[index]) {
                throw TanbaError(
                    .gs1Syntax, "a separator where an application identifier is expected", column: index + 1)
            }
            let aiColumn = index + 1
            let ai = try identifier(at: index)
            index += ai.code.unicodeScalars.count
            let valueStart = index
            // A predefined-length value ends by its length; any other runs to the next separator. A separator
            // after a predefined-length value is unnecessary but harmless, so it is skipped below.
            let limit = ai.hasPredefinedLength ? min(scalars.count, index + ai.maxLength) : scalars.count
            while index < limit && !GS1Text.isSeparator(scalars[index]) { index += 1 }
            located.append(
                Located(
                    element: try validated(ai, range: valueStart..<index, column: valueStart + 1),
                    column: aiColumn, valueColumn: valueStart + 1))
            // A separator after the last element is accepted: label printers and ERP exports write one, and GS1's
            // own parser accepts it. Two separators in a row are still refused (above: no AI starts with GS).
            if index < scalars.count && GS1Text.isSeparator(scalars[index]) { index += 1 }
        }
        return located
    }

    /// The known AI starting at `index`. GS1 AIs are prefix-free, so the first match of 2, 3 or 4 digits is it.
    private func identifier(at index: Int) throws -> GS1ApplicationIdentifier {
        // Digits read as a number and looked up by (length, number): no string made per element.
        var number = 0
        var length = 0
        for scalar in scalars[index..<min(scalars.count, index + 4)] {
            guard GS1Text.isDigit(scalar) else { break }
            number = number * 10 + Int(scalar.value - 0x30)
            length += 1
            if length >= 2, let ai = GS1ApplicationIdentifier.byDigits[length * 10_000 + number] { return ai }
        }
        guard index + 1 < scalars.count else {
            throw TanbaError(.gs1Syntax, "the code ends inside an application identifier", column: index + 1)
        }
        let shown = scalars[index...index + 1].map(GS1Text.describe).joined(separator: " ")
        throw TanbaError(
            .gs1UnknownAI,
            "no application identifier the hub supports starts with \(shown) (supported: "
                + GS1ApplicationIdentifier.all.map(\.code).joined(separator: ", ") + ")",
            column: index + 1)
    }

    // MARK: Bracketed form

    private func parseBracketed(from start: Int) throws -> [Located] {
        var located: [Located] = []
        located.reserveCapacity(6)
        var index = start
        // Each pass starts at a "(": the first character, or where the previous value stopped at an AI's start.
        while index < scalars.count {
            let open = index
            let window = (open + 1)..<min(scalars.count, open + 6)
            let close = window.first(where: { scalars[$0] == ")" })
            // The digits read as a number and looked up by (length, number), as the raw form does: this runs for
            // every element of every code a batch names, and a string per AI was a tenth of a till's batch.
            var number = 0
            var allDigits = true
            for position in (open + 1)..<(close ?? open + 1) {
                guard GS1Text.isDigit(scalars[position]) else {
                    allDigits = false
                    break
                }
                number = number * 10 + Int(scalars[position].value - 0x30)
            }
            guard let close, close > open + 1, allDigits else {
                throw TanbaError(
                    .gs1Syntax,
                    "'(' must start an application identifier written (AI), 2 to 4 digits closed by ')'; a '(' "
                        + "inside a value is written '\\('",
                    column: open + 1)
            }
            guard let ai = GS1ApplicationIdentifier.byDigits[(close - open - 1) * 10_000 + number] else {
                throw TanbaError(
                    .gs1UnknownAI,
                    "(\(GS1Text.string(scalars[(open + 1)..<close]))) is not an application identifier the hub "
                        + "supports (supported: " + GS1ApplicationIdentifier.all.map(\.code).joined(separator: ", ")
                        + ")",
                    column: open + 2)
            }
            index = close + 1
            let valueStart = index
            // GS1 syntax: a `(` inside a value is written `\(`; any other `(` starts the next AI. Reading an
            // unescaped `(` as data would turn a missing `)` into a wrong serial, found only at look-up as
            // "not found" or "forged".
            var escaped = false
            while index < scalars.count && scalars[index] != "(" {
                let scalar = scalars[index]
                if isEscape(at: index) {
                    escaped = true
                    index += 2
                    continue
                }
                if GS1Text.isSeparator(scalar) {
                    throw TanbaError(
                        .gs1Syntax, "a separator inside the bracketed form, where every AI is written (AI)",
                        column: index + 1)
                }
                index += 1
            }
            let element: GS1Element
            if escaped {
                element = try validated(ai, unescaped(valueStart..<index), column: valueStart + 1)
            } else {
                // Most values carry no escape: validated where they lie, no copy made.
                element = try validated(ai, range: valueStart..<index, column: valueStart + 1)
            }
            located.append(Located(element: element, column: open + 2, valueColumn: valueStart + 1))
        }
        return located
    }

    /// Whether a `\(` starts at `index`: the bracketed form's escape of a `(` inside a value.
    private func isEscape(at index: Int) -> Bool {
        scalars[index] == "\\" && index + 1 < scalars.count && scalars[index + 1] == "("
    }

    /// A bracketed value with each `\(` read as `(`, every character with its column (1-based) in the input.
    private func unescaped(_ range: Range<Int>) -> [(scalar: Unicode.Scalar, column: Int)] {
        var result: [(scalar: Unicode.Scalar, column: Int)] = []
        result.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            if isEscape(at: index) {
                result.append((scalar: "(", column: index + 2))
                index += 2
                continue
            }
            result.append((scalar: scalars[index], column: index + 1))
            index += 1
        }
        return result
    }

    // MARK: Values

    /// The value lying unescaped in the input at `range`, checked where it lies, as an element if it is valid for
    /// `ai`; `column` is that of its first character. Every code a batch or document names comes here: a
    /// per-character sequence of (scalar, column) pairs cost 50 instructions a character.
    private func validated(_ ai: GS1ApplicationIdentifier, range: Range<Int>, column: Int) throws -> GS1Element {
        // The common case tested in a tight loop; `check` (which throws the right error) only for a character that
        // fails it or the first one over the limit.
        let limit = range.lowerBound + ai.maxLength
        let numeric = ai.content == .numeric
        try scalars.withUnsafeBufferPointer { buffer in
            for position in range {
                let scalar = buffer[position]
                let allowed = numeric ? GS1Text.isDigit(scalar) : GS1Text.isInSet82(scalar)
                if !allowed || position == limit {
                    try check(
                        ai, scalar, offset: position - range.lowerBound, count: range.count, column: position + 1)
                }
            }
        }
        return try finished(ai, range.isEmpty ? "" : GS1Text.string(scalars[range]), count: range.count, column: column)
    }

    /// A value read with its escapes (`\(` as `(`), each character with its column in the input.
    private func validated(
        _ ai: GS1ApplicationIdentifier, _ value: [(scalar: Unicode.Scalar, column: Int)], column: Int
    ) throws -> GS1Element {
        for (offset, item) in value.enumerated() {
            try check(ai, item.scalar, offset: offset, count: value.count, column: item.column)
        }
        return try finished(ai, GS1Text.string(value.lazy.map { $0.scalar }), count: value.count, column: column)
    }

    /// One character of a value of `count`: errors in position order, the first bad character or the first
    /// character over the limit.
    @inline(__always)
    private func check(_ ai: GS1ApplicationIdentifier, _ scalar: Unicode.Scalar, offset: Int, count: Int, column: Int)
        throws
    {
        if offset == ai.maxLength {
            throw TanbaError(
                .gs1Length, "AI (\(ai.code)) allows at most \(ai.maxLength) characters, found \(count)", column: column)
        }
        switch ai.content {
        case .numeric where !GS1Text.isDigit(scalar):
            throw TanbaError(
                .gs1Character, "AI (\(ai.code)) allows digits only, found \(GS1Text.describe(scalar))", column: column)
        case .characterSet82 where !GS1Text.isInSet82(scalar):
            throw TanbaError(
                .gs1Character, "AI (\(ai.code)): \(GS1Text.describe(scalar)) is not in GS1 character set 82",
                column: column)
        default: break
        }
    }

    /// The checks of a whole value: its length, then its check digit or date.
    private func finished(_ ai: GS1ApplicationIdentifier, _ text: String, count: Int, column: Int) throws -> GS1Element
    {
        if count == 0 {
            throw TanbaError(.gs1Length, "AI (\(ai.code)) has an empty value", column: column)
        }
        if count < ai.minLength {
            throw TanbaError(
                .gs1Length,
                "AI (\(ai.code)) needs \(ai.minLength) \(ai.content == .numeric ? "digits" : "characters"), "
                    + "found \(count)",
                column: column)
        }
        switch ai.check {
        case .none: break
        case .checkDigit:
            try (ai == .sscc ? GS1Key.sscc : GS1Key.gtin).verifyCheckDigit(
                text, column: column, context: "AI (\(ai.code)): ")
        case .date:
            if case .failure(let problem) = GS1Date.validated(text) {
                throw TanbaError(
                    .gs1Date, "AI (\(ai.code)): \(text) is not a date YYMMDD: \(problem.reason)", column: column)
            }
        }
        return GS1Element(ai: ai, value: text)
    }
}
