/// A page of a document list as the HTTP API answers it and `tanba documents list --json` prints it: the items
/// and the cursor of the next page (`DocumentCursor.encoded`), written as `null` on the last page rather than left
/// out, since "no more pages" is an answer, not a missing field.
public struct PageJSON<Item: Encodable>: Encodable {
    public let documents: [Item]
    public let next: String?

    public init(documents: [Item], next: String?) {
        self.documents = documents
        self.next = next
    }

    enum CodingKeys: CodingKey { case documents, next }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(documents, forKey: .documents)
        try container.encode(next, forKey: .next)
    }
}
