/// Limits the safe parser enforces before and while building a tree.
public struct ParseLimits: Sendable, Hashable, Codable {
    /// Largest accepted input in bytes. The default, 64 MiB, holds an accompanying document with
    /// several hundred thousand marking codes.
    public var maxBytes: Int
    /// Deepest accepted element nesting. libxml2 refuses more than 256 levels without XML_PARSE_HUGE,
    /// which the hub never sets, so values above 256 act as 256.
    public var maxDepth: Int

    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    public static let `default` = ParseLimits()
}
