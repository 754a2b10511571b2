import Foundation
import HTTPTypes
import Hummingbird
import TanbaCore

/// Authentication: the bearer token of a request, and the caller the core's login service says it stands for.
extension HubAPI {
    /// The caller a request's bearer token stands for.
    /// - Throws: `AUTH_REQUIRED`.
    func authenticate(_ request: Request) throws -> Caller { try core.authenticate(token: bearer(request)) }

    func bearer(_ request: Request) -> String? { bearer(request.headers) }

    /// The token of an `Authorization: Bearer TOKEN` header; the scheme's name is case-insensitive (RFC 9110
    /// §11.1), so `bearer` and `BEARER` are the same scheme.
    func bearer(_ headers: HTTPFields) -> String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
