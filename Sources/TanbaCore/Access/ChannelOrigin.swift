/// Where a request came from, for the audit trail: the channel's name (`http`, `folder`) and the client's
/// address on it (an IP address, the folder).
public struct ChannelOrigin: Sendable, Hashable {
    public let name: String
    public let address: String?

    public init(_ name: String, address: String?) {
        self.name = name
        self.address = address
    }
}
