/// A page of a list as the HTTP API answers it and the command line's `--json` prints it: the items under the
/// list's name (`documents`, `exports`) and the cursor of the next page (`DocumentCursor.encoded`,
/// `MoFExportCursor.encoded`), written as `null` on the last page rather than left out, since "no more pages" is an
/// answer, not a missing field.
public struct PageJSON<Item: Encodable>: Encodable {
    /// The key the items are written under.
    public let name: String
    public let items: [Item]
    public let next: String?

    public init(_ name: String, items: [Item], next: String?) {
        self.name = name
        self.items = items
        self.next = next
    }

    /// The list's name as a key: one page type for every list, each keeping the name its clients read.
    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { return nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(name))
        try container.encode(next, forKey: Key("next"))
    }
}

extension PageJSON: Sendable where Item: Sendable {}
