import Foundation
import TanbaErrors

/// Which web pages may ask the signer for a signature.
///
/// A signer without a person to confirm each signature would sign for any page the user happens to open: every
/// website can open `wss://127.0.0.1:13579`. Browsers name the page's origin in the upgrade request's `Origin`
/// header and scripts cannot change it, so the signer upgrades only requests whose origin was allowed at its start
/// (`--allow-origin`, exact scheme, host and port). Without `--allow-origin` every browser is refused. A request
/// without `Origin`, or whose `Origin` is a `ws://`/`wss://` URL, does not come from a web page (a test, a script of
/// the user's own): it is let through, as any local program could read the key files it would sign with.
public struct OriginPolicy: Sendable, Hashable {
    /// The allowed origins, normalised (`http://127.0.0.1:8080`, no default port, no trailing slash).
    public let allowed: Set<String>

    /// - Parameter origins: origins such as `https://hub.example.kz` or `http://127.0.0.1:8080`.
    /// - Throws: `CONFIG_INVALID` for anything that is not an http(s) origin (a path, `*`, `null`).
    public init(allowing origins: [String]) throws {
        allowed = Set(
            try origins.map { origin in
                guard let normalised = Self.normalise(origin) else {
                    throw TanbaError(
                        .configInvalid,
                        "'\(origin)' is not a web origin: scheme://host[:port], e.g. https://hub.example.kz")
                }
                return normalised
            })
    }

    /// Whether an upgrade with this `Origin` header (nil: none) may go through.
    public func admits(_ origin: String?) -> Bool { admits(origin.map { [$0] } ?? []) }

    /// Whether an upgrade with these `Origin` header values may go through: none, or one that is allowed, or one
    /// that names a websocket URL (`wss://127.0.0.1`: what non-browser clients such as swift-websocket's send; a
    /// browser names the page, whose scheme is never ws or wss). Two values are refused: which one would count?
    public func admits(_ values: [String]) -> Bool {
        guard let origin = values.first else { return true }
        guard values.count == 1 else { return false }
        if let scheme = URLComponents(string: origin)?.scheme?.lowercased(), scheme == "ws" || scheme == "wss" {
            return true
        }
        guard let normalised = Self.normalise(origin) else { return false }
        return allowed.contains(normalised)
    }

    /// `scheme://host[:port]` in lower case without a default port; nil for anything else.
    static func normalise(_ text: String) -> String? {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("/") { text.removeLast() }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty,
            components.path.isEmpty, components.query == nil, components.fragment == nil, components.user == nil,
            components.password == nil
        else { return nil }
        let port = components.port.flatMap {
            (scheme == "http" && $0 == 80) || (scheme == "https" && $0 == 443) ? nil : $0
        }
        return "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
    }
}
