/// Limits the safe parser enforces before and while building a tree.
public struct ParseLimits: Sendable, Hashable, Codable {
    /// Largest accepted input in bytes. The default, 64 MiB, holds an accompanying document with
    /// several hundred thousand marking codes.
    public var maxBytes: Int
    /// Deepest accepted element nesting. libxml2 refuses more than 256 levels without XML_PARSE_HUGE,
    /// which the hub never sets, so values above 256 act as 256.
    public var maxDepth: Int
    /// Longest accepted text: the bytes of one run of adjacent text and CDATA nodes. The default is libxml2's own
    /// limit without XML_PARSE_HUGE (10,000,000 bytes), which libxml2 enforces only on some paths and, on one of
    /// them, by cutting the text short; the parser enforces it on the whole tree. A value above the default
    /// parses with XML_PARSE_HUGE: only for the hub's own output (receipts listing a million codes).
    public var maxTextBytes: Int

    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 64, maxTextBytes: Int = Self.libxml2TextLimit) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxTextBytes = maxTextBytes
    }

    /// libxml2's `XML_MAX_TEXT_LENGTH`.
    public static let libxml2TextLimit = 10_000_000

    public static let `default` = ParseLimits()
}
