import TanbaErrors

/// The national rule for a product group's marking codes: which elements follow (01) and how long each is
/// exactly — a serial of 13 characters with AI (91) of 4 and AI (92) of 44, or a serial of 7 (tobacco) or 6
/// (milk, water) with AI (93) of 4.
///
/// GS1 syntax alone allows a serial of 1 to 20 characters, so a scanner that drops a GS separator produces a
/// syntactically valid code whose serial has swallowed the next element; it would fail only later, at look-up, as
/// "not found" or "forged". The national lengths catch it where it happens, with the column where the separator
/// is missing. The rules come from reference data (`product-groups.json`, `codeElements`), never from constants
/// here.
public struct NationalCodeFormat: Sendable, Hashable {
    /// One element of the format: an AI and the exact length of its value.
    public struct Element: Sendable, Hashable, Codable {
        public let ai: String
        public let length: Int

        public init(ai: String, length: Int) {
            self.ai = ai
            self.length = length
        }
    }

    /// The product group, or nil for the union of every group's format (used when the code's group is unknown).
    public let group: String?
    /// The elements after (01), in the order a code carries them (the serial first).
    public let elements: [Element]
    /// The lengths each AI may have: one per AI for a group; the union may allow several.
    let lengths: [String: Set<Int>]
    /// The AIs of some group's tail that this format must not carry (AI 93 on a group whose tail is 91 + 92).
    let foreign: Set<String>
    /// The AIs of the verification tail: every element but the serial.
    let tail: [String]
    /// `lengths`, `foreign` and `tail` by the AIs' numeric keys (`GS1ApplicationIdentifier.key`): `check` runs for
    /// every code read, and hashing the AIs' strings there cost more than the rest of the check.
    private let keyed: (lengths: [(key: Int, allowed: [Int])], foreign: [Int], tail: [Int?])

    /// The format of one product group. `others` are the AIs other groups' formats use, so that a tail of another
    /// group is refused rather than ignored.
    public init(group: String, elements: [Element], otherGroupsAIs others: Set<String> = []) {
        self.group = group
        self.elements = elements
        lengths = Dictionary(grouping: elements, by: \.ai).mapValues { Set($0.map(\.length)) }
        foreign = others.subtracting(elements.map(\.ai))
        tail = elements.map(\.ai).filter { $0 != GS1ApplicationIdentifier.serial.code }
        keyed = Self.keyed(lengths: lengths, foreign: foreign, tail: tail)
    }

    private init(union formats: [NationalCodeFormat]) {
        group = nil
        elements = []
        lengths = formats.reduce(into: [:]) { result, format in result.merge(format.lengths) { $0.union($1) } }
        foreign = []
        tail = []
        keyed = Self.keyed(lengths: lengths, foreign: foreign, tail: tail)
    }

    private static func keyed(lengths: [String: Set<Int>], foreign: Set<String>, tail: [String])
        -> (lengths: [(key: Int, allowed: [Int])], foreign: [Int], tail: [Int?])
    {
        // An AI that is not all digits can never be parsed, so no element can match it: left out of the lengths
        // and the foreign AIs, and always missing from a tail (nil).
        (
            lengths.compactMap { ai, allowed in
                GS1ApplicationIdentifier.key(of: ai).map { (key: $0, allowed: allowed.sorted()) }
            },
            foreign.compactMap(GS1ApplicationIdentifier.key(of:)),
            tail.map(GS1ApplicationIdentifier.key(of:))
        )
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.group == rhs.group && lhs.elements == rhs.elements && lhs.lengths == rhs.lengths
            && lhs.foreign == rhs.foreign && lhs.tail == rhs.tail
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(group)
        hasher.combine(elements)
    }

    /// Every product group's format from the reference data's product groups, by group code.
    public static func formats(productGroups: [ReferenceItem]) -> [String: NationalCodeFormat] {
        let groups = productGroups.compactMap { item in item.codeElements.map { (item.code, $0) } }
        let all = Set(groups.flatMap { $0.1.map(\.ai) })
        return Dictionary(
            groups.map { ($0.0, NationalCodeFormat(group: $0.0, elements: $0.1, otherGroupsAIs: all)) },
            uniquingKeysWith: { first, _ in first })
    }

    /// What any Kazakh marking code satisfies whatever its group: each AI's length is one some group uses.
    public static func union(_ formats: some Sequence<NationalCodeFormat>) -> NationalCodeFormat {
        NationalCodeFormat(union: Array(formats))
    }

    /// The exact length of `ai` in this format, when it has exactly one.
    public func length(of ai: GS1ApplicationIdentifier) -> Int? {
        guard let allowed = lengths[ai.code], allowed.count == 1 else { return nil }
        return allowed.first
    }

    /// A unit code's elements as printed on its label: (01), (21), then the format's tail — AI 91 the key id, AI 92
    /// or 93 the verification code. A transport package (SSCC) is (00).
    public func elements(of record: CodeRecord) -> [GS1Element] {
        if record.id.hasPrefix("00") { return [GS1Element(ai: .sscc, value: String(record.id.dropFirst(2)))] }
        var result = [
            GS1Element(ai: .gtin, value: String(record.id.dropFirst(2).prefix(14))),
            GS1Element(ai: .serial, value: String(record.id.dropFirst(18))),
        ]
        for element in elements {
            let value: String? =
                switch element.ai {
                case GS1ApplicationIdentifier.verificationKeyID.code: record.keyID
                case GS1ApplicationIdentifier.verificationCode.code, GS1ApplicationIdentifier.crypto93.code:
                    record.verificationCode
                default: nil
                }
            if let value, let ai = GS1ApplicationIdentifier.named(element.ai) {
                result.append(GS1Element(ai: ai, value: value))
            }
        }
        return result
    }

    /// Where the format is described in messages.
    var name: String { group.map { "product group \($0)" } ?? "any Kazakh product group" }

    /// Checks parsed elements against the format.
    /// - Throws: `GS1_NATIONAL_FORMAT` at the first element that breaks it, with its column.
    func check(_ located: [GS1Parser.Located], raw: Bool) throws {
        for item in located {
            let ai = item.element.ai
            if keyed.foreign.contains(ai.key) {
                throw TanbaError(
                    .gs1NationalFormat,
                    "AI (\(ai.code)) is not part of a marking code of \(name), whose elements after (01) are "
                        + elements.map { "(\($0.ai)) of \($0.length)" }.joined(separator: ", "),
                    column: item.column)
            }
            guard let allowed = keyed.lengths.first(where: { $0.key == ai.key })?.allowed else { continue }
            // Every value the parser lets through is ASCII (digits or set 82): its bytes are its characters.
            let count = item.element.value.utf8.count
            guard !allowed.contains(count) else { continue }
            let expected = allowed.sorted().map(String.init).joined(separator: " or ")
            var message = "AI (\(ai.code)) has \(count) characters; \(name) requires \(expected)"
            var column = item.valueColumn
            if raw, let longest = allowed.max(), count > longest, !ai.hasPredefinedLength {
                // Too long in the raw form: the value ran on past where its GS separator should have been.
                message += ": a GS separator is probably missing after character \(longest) of the value"
                column = item.valueColumn + longest
            }
            throw TanbaError(.gs1NationalFormat, message, column: column)
        }
        // A group's tail comes whole or not at all: the identification form (01 + 21) carries none of it.
        let missing = zip(keyed.tail, tail).filter { key, _ in !located.contains { $0.element.ai.key == key } }.map(
            \.1)
        if group != nil, !missing.isEmpty, missing.count < tail.count {
            throw TanbaError(
                .gs1NationalFormat,
                "the code carries part of the verification tail of \(name): "
                    + missing.map { "(\($0))" }.joined(separator: ", ") + " missing")
        }
    }

    /// For a raw code that failed GS1 syntax: whether it is exactly a code of this format with its GS separators
    /// left out, and if so the column where the first one is missing.
    func missingSeparator(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard group != nil else { return nil }
        // Positions in the input of the data characters, separators dropped.
        let positions = (start..<scalars.count).filter { !GS1Text.isSeparator(scalars[$0]) }
        let data = positions.map { scalars[$0] }
        let gtin = GS1ApplicationIdentifier.gtin
        var index = 0
        func take(_ code: String, _ length: Int) -> Bool {
            let ai = Array(code.unicodeScalars)
            guard index + ai.count + length <= data.count, Array(data[index..<(index + ai.count)]) == ai else {
                return false
            }
            index += ai.count + length
            return true
        }
        guard take(gtin.code, gtin.maxLength) else { return nil }
        var firstMissing: Int?
        for (offset, element) in elements.enumerated() {
            guard take(element.ai, element.length) else { return nil }
            // After a variable-length value that is not last a separator must follow in the input.
            let last = offset == elements.count - 1
            if !last, firstMissing == nil, let variable = GS1ApplicationIdentifier.named(element.ai),
                !variable.hasPredefinedLength
            {
                let nextPosition = positions[index]
                if !GS1Text.isSeparator(scalars[nextPosition - 1]) { firstMissing = nextPosition + 1 }
            }
        }
        return index == data.count ? firstMissing : nil
    }
}

extension MarkingCode {
    /// Parses a marking code and checks it against the national format of its product group.
    ///
    /// - Parameter format: the format for the code's GTIN (its product group's, from the catalogue), or nil when
    ///   the group is not known; then the union of `formats` is checked.
    /// - Throws: the codes of `parse(_:)`, and `GS1_NATIONAL_FORMAT` with the column for a code of the wrong
    ///   shape — also for a raw code that fails GS1 syntax only because its GS separators were left out.
    public static func parse(
        _ text: String, formats: [String: NationalCodeFormat], format: (GTIN) -> NationalCodeFormat?
    ) throws -> MarkingCode {
        try parse(GS1Parser(text), formats: formats, format: format)
    }

    /// `parse(_:formats:format:)` on a text already split into scalars.
    static func parse(
        _ parser: GS1Parser, formats: [String: NationalCodeFormat], format: (GTIN) -> NationalCodeFormat?
    ) throws -> MarkingCode {
        let start = try parser.dataStart()
        let raw = parser.scalars[start] != "("
        let located: [GS1Parser.Located]
        do {
            located = try parser.parse(from: start)
        } catch let error as TanbaError {
            // A raw code that is exactly some group's code without its separators: say so, not "unknown AI".
            if raw, let candidate = try? GTIN(GS1Text.string(parser.scalars.dropFirst(start + 2).prefix(14))),
                let chosen = format(candidate), let column = chosen.missingSeparator(in: parser.scalars, from: start)
            {
                throw TanbaError(
                    .gs1NationalFormat,
                    "a GS separator is missing: the code is one of \(chosen.name) with its elements run together",
                    column: column)
            }
            throw error
        }
        let code = try MarkingCode(located.map { $0.element })
        try (format(code.gtin) ?? .union(formats.values)).check(located, raw: raw)
        return code
    }
}
