import Hummingbird
import TanbaCore
import TanbaErrors

extension HubContext {
    /// The path parameter `name`, percent-decoded: the router hands over the segment as it came on the wire, and
    /// a client may encode any character of it (`DOC%2D1` is `DOC-1`). A `%` that starts no valid escape is
    /// taken literally.
    /// - Throws: `NOT_FOUND` for a value with a control character: no id or name has one, so nothing is found by
    ///   it, and it never reaches the store (a NUL does not even fit in PostgreSQL's text).
    package func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        let value = raw.removingPercentEncoding ?? raw
        guard !QueryText.hasControlCharacter(value) else {
            throw TanbaError(.notFound, "no \(name) holds a control character")
        }
        return value
    }
}
