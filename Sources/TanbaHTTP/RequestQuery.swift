import Hummingbird
import TanbaCore

/// A request's query string as the core reads parameters: name=value pairs, in order, repeats kept (so that
/// `QueryText` can refuse a parameter given twice).
extension Request {
    var queryPairs: [(String, String)] { uri.queryParameters.map { (String($0.0), String($0.1)) } }
}

extension QueryText {
    /// A request's query parameters, read strictly (`QueryText`): one not in `known` is refused with
    /// `REQUEST_PARAMETER_INVALID` naming it.
    init(_ request: Request, known: Set<String>) throws { try self.init(request.queryPairs, known: known) }
}
