import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` on the HTTP/1.1 channel, which neither Hummingbird 2 nor SwiftNIO does.
///
/// A client that sends this header holds the body back until the server says `100 Continue` or gives its final
/// answer; curl adds it to every body over 1 MB and, hearing nothing, waits a second before sending anyway. So:
///
/// - a request the hub will serve, judged from its headers (`HubAPI.admits`: a declared `Content-Length` within
///   the limit and the shared body budget, and a verified token where the route needs a login) is told
///   `100 Continue` at once, and its body follows;
/// - any other is not: the route refuses it from the headers alone (413 `REQUEST_TOO_LARGE`, 401
///   `AUTH_REQUIRED`, 503 `SERVICE_BUSY`, audited), and since the client never sends that body, the answer
///   carries `Connection: close` and the connection is closed after it rather than left waiting for bytes that
///   will not come.
///
/// It sits after the HTTP/1 codec and its conversion to HTTP types, before Hummingbird's request handling.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Whether the request with this head will be served (then its body is wanted).
    let admits: @Sendable (HTTPRequest) -> Bool
    /// The current request asked for 100-continue and was not given it: its answer ends the connection. One flag
    /// is enough because a client waiting on `Expect` sends nothing more on the connection until it is answered,
    /// so the next response written is that request's (a client pipelining requests ahead of it could see an
    /// earlier answer close the connection, which HTTP/1.1 allows; curl and common ERPs do not pipeline).
    private var closeAfterAnswer = false

    init(admits: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.admits = admits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
            let expect = request.headerFields[.expect], expect.lowercased() == "100-continue"
        {
            if !admits(request) {
                closeAfterAnswer = true
            } else {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard closeAfterAnswer else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var response):
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            closeAfterAnswer = false
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
        }
    }
}
