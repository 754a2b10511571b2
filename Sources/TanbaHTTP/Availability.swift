import HTTPTypes
import Hummingbird
package import TanbaErrors

/// Answers that tell a client to come back later: 503 with `Retry-After`, for the hub's own limits and for a store
/// that cannot take writes. The client did nothing wrong and nothing was changed, so it may send the same request
/// again; the header says when (a `Refusal` may name a closer moment, such as when the oldest challenge expires).
package enum Availability {
    /// Seconds a client is told to wait after an answer with `code`, for the codes answered 503; nil otherwise.
    ///
    /// A store out of space needs an operator, so clients are told to wait long enough not to hammer it; a
    /// capacity limit frees up as requests in flight finish.
    package static func retryAfter(_ code: ErrorCode) -> Int? {
        switch code {
        case .storeUnavailable: 30
        case .serviceBusy: 1
        default: nil
        }
    }
}
