import HTTPTypes
import Hummingbird
import Synchronization

/// The router's paths and their methods, to tell "no such route" (404) from "not with this method" (405, with
/// `Allow`) for a request the router could not match. Hummingbird's router answers both with the same empty 404
/// and keeps its own table private, so the hub keeps this copy, filled from `Router.routes` once they are all
/// registered, and matches with the router's own element rules.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: HTTPRequest.Method, path: RouterPath)]>([])

    /// Replaces the table with `routes`.
    func set(_ routes: [(method: HTTPRequest.Method, path: RouterPath)]) {
        self.routes.withLock { $0 = routes }
    }

    /// The methods some route allows on `path`, with HEAD wherever GET is (the router answers HEAD with GET's
    /// headers). Empty when no route has this path.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/")
        var methods = Set(routes.withLock { $0.filter { Self.matches($0.path, segments) }.map(\.method) })
        if methods.contains(.get) { methods.insert(.head) }
        return methods
    }

    /// Each element matches its segment as the router's do; `**` matches everything that is left.
    static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        for (index, element) in pattern.enumerated() {
            if "\(element)" == "**" { return index < segments.count }
            guard index < segments.count, element ~= segments[index] else { return false }
        }
        return pattern.count == segments.count
    }

    /// The `Allow` header's value: methods in a stable order.
    static func allow(_ methods: Set<HTTPRequest.Method>) -> String {
        methods.map(\.rawValue).sorted().joined(separator: ", ")
    }
}
