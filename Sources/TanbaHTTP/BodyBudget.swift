import HTTPTypes
package import Hummingbird
import NIOCore
import Synchronization
package import TanbaErrors

/// The memory that request bodies in flight may hold together.
///
/// Each body may be up to `HubAPI.maxBodySize`; without a shared bound, a few hundred clients sending large bodies
/// at once hold tens of gigabytes. A body takes its bytes from this budget before they are read (its declared
/// `Content-Length` at once, a chunked body chunk by chunk) and gives them back when its request is answered. A
/// body that does not fit is not read: the request is answered 503 `SERVICE_BUSY` with `Retry-After` at once,
/// rather than made to wait, so a client holding its connection open costs the hub nothing while it waits.
final class BodyBudget: Sendable {
    let capacity: Int
    private let used = Mutex(0)

    init(capacity: Int) { self.capacity = max(0, capacity) }

    /// Takes `bytes` if they fit; false (and nothing taken) otherwise.
    func take(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard bytes <= capacity - used else { return false }
            used += bytes
            return true
        }
    }

    func give(_ bytes: Int) { used.withLock { $0 -= bytes } }

    /// Whether `bytes` would fit now (for answering `Expect: 100-continue`; the route takes them for real).
    func fits(_ bytes: Int) -> Bool { used.withLock { bytes <= capacity - $0 } }

    /// Bytes held by bodies in flight.
    var inUse: Int { used.withLock { $0 } }
}

/// What one request took from the budget; given back once, when the request is answered.
package final class BodyLease: Sendable {
    let budget: BodyBudget
    private let held = Mutex(0)

    init(_ budget: BodyBudget) { self.budget = budget }

    func take(_ bytes: Int) -> Bool {
        guard budget.take(bytes) else { return false }
        held.withLock { $0 += bytes }
        return true
    }

    package func release() {
        let bytes = held.withLock { held in
            defer { held = 0 }
            return held
        }
        budget.give(bytes)
    }

    deinit { release() }
}

/// A request body as read for a route: its bytes, or the refusal to answer inside `audited`, and its lease.
package struct Body: Sendable {
    package let bytes: Result<[UInt8], TanbaError>
    package let lease: BodyLease?
}

extension HubAPI {
    /// The largest body of `POST /v1/auth/token`: a signed challenge is a few kilobytes, and anyone may post one
    /// without logging in, so nobody gets to make the hub hold a document-sized body that way.
    static let maxLoginBody = 64 << 10

    /// The whole body, read only when the request may be served: a route that needs a login checks the token from
    /// the headers before a byte is read (401 `AUTH_REQUIRED`), a declared length over the route's limit (`limit`,
    /// at most `maxBodySize`) is refused from the headers (413), and the body's bytes must fit in the shared budget
    /// (503 `SERVICE_BUSY`). A client that sent `Expect: 100-continue` was told the same from the headers by
    /// `ExpectContinueHandler` (`admits`).
    func collect(_ request: Request, login: Bool, limit: Int? = nil) async -> Body {
        await collect(request, loggedIn: !login || (try? authenticate(request)) != nil, limit: limit)
    }

    /// `collect` for a channel that found its own session (a cookie): a request that needed one and has none is
    /// refused before a byte is read.
    package func collect(_ request: Request, loggedIn: Bool, limit: Int? = nil) async -> Body {
        let maxBodySize = min(limit ?? maxBodySize, maxBodySize)
        if !loggedIn {
            return Body(
                bytes: .failure(
                    TanbaError(.authRequired, "a valid bearer token is required: log in with your certificate")),
                lease: nil)
        }
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > maxBodySize {
            return Body(
                bytes: .failure(
                    TanbaError(.requestTooLarge, "the body (\(declared) bytes) is larger than \(maxBodySize) bytes")),
                lease: nil)
        }
        let lease = BodyLease(bodyBudget)
        let busy = TanbaError(.serviceBusy, "request bodies in flight fill the hub's budget; send again shortly")
        if let declared, !lease.take(declared) { return Body(bytes: .failure(busy), lease: lease) }
        var buffer = ByteBuffer()
        var taken = declared ?? 0
        do {
            for try await chunk in request.body {
                let total = buffer.readableBytes + chunk.readableBytes
                guard total <= maxBodySize else {
                    return Body(
                        bytes: .failure(TanbaError(.requestTooLarge, "the body is larger than \(maxBodySize) bytes")),
                        lease: lease)
                }
                // A body without a declared length (chunked) takes its bytes as they come.
                if total > taken {
                    guard lease.take(total - taken) else { return Body(bytes: .failure(busy), lease: lease) }
                    taken = total
                }
                var chunk = chunk
                buffer.writeBuffer(&chunk)
            }
        } catch {
            return Body(bytes: .failure(TanbaError(.requestTooLarge, "the body could not be read whole")), lease: lease)
        }
        return Body(bytes: .success(Array(buffer.readableBytesView)), lease: lease)
    }

    /// Whether a request with this head will be served, judged from the headers alone: the answer to `Expect:
    /// 100-continue`. A submission needs a verified token, a login body is small; every body must fit in the budget.
    func admits(_ head: HTTPRequest) -> Bool {
        let declared = head.headerFields[.contentLength].flatMap { Int($0) } ?? 0
        guard declared <= maxBodySize, bodyBudget.fits(declared) else { return false }
        let path = head.path.map { $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? $0 } ?? ""
        if head.method == .post, path == "/v1/auth/token", declared > Self.maxLoginBody { return false }
        if head.method == .post, path == "/v1/documents" {
            guard let token = bearer(head.headerFields), core.login.session(token: token) != nil else { return false }
        }
        return true
    }
}
