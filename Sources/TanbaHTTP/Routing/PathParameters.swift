import Hummingbird

extension HubContext {
    /// The path parameter `name`, percent-decoded: the router hands over the segment as it came on the wire, and
    /// a client may encode any character of it (`DOC%2D1` is `DOC-1`). A `%` that starts no valid escape is
    /// taken literally.
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
