public import TanbaDomain

/// A reference list as `GET /v1/reference` names it.
public struct ReferenceSummary: Encodable, Sendable {
    public let name: String
    public let version: String
    public let validFrom: String
    public let items: Int
    public let source: String?

    public init(_ list: ReferenceList) {
        name = list.name
        version = list.version
        validFrom = list.validFrom
        items = list.items.count
        source = list.source
    }
}
