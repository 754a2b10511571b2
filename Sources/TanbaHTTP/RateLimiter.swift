import Foundation
import Synchronization
import TanbaErrors

/// Per-client token buckets: a client may send `rate` requests a second on average, `burst` at once.
///
/// A client is its bearer token once the hub has verified it (many ERPs can sit behind one NAT address),
/// otherwise its IP address: a made-up token is not a client of its own, or anyone could bypass the limit by
/// sending a new string each time (the caller passes the key it decided on). Buckets of clients idle for a minute are dropped so the table stays as small as the active clients.
public final class RateLimiter: Sendable {
    public let rate: Double
    public let burst: Double
    private let buckets = Mutex<[String: (tokens: Double, at: ContinuousClock.Instant)]>([:])
    private let sweeps = Mutex<ContinuousClock.Instant>(.now)

    /// `rate` 0 disables the limit.
    public init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = burst ?? max(rate, 1)
    }

    /// Takes one token for `client`; false if it has none left (answer 429).
    package func allow(_ client: String, now: ContinuousClock.Instant = .now) -> Bool {
        guard rate > 0 else { return true }
        sweep(now: now)
        return buckets.withLock { table in
            var bucket = table[client] ?? (burst, now)
            let elapsed = bucket.at.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.at = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            table[client] = bucket
            return allowed
        }
    }

    /// Seconds until `client` has a token again (for Retry-After), at least 1.
    func retryAfter() -> Int { max(1, Int((1 / max(rate, 0.001)).rounded(.up))) }

    private func sweep(now: ContinuousClock.Instant) {
        let due = sweeps.withLock { last in
            guard last.duration(to: now) > .seconds(60) else { return false }
            last = now
            return true
        }
        guard due else { return }
        buckets.withLock { table in table = table.filter { $0.value.at.duration(to: now) < .seconds(60) } }
    }
}

extension RateLimiter {
    /// The bucket of a client no verified token names: its address. Made-up bearer strings get no buckets of their
    /// own, and requests no route takes count in the same bucket as the rest.
    package static func key(address: String?) -> String { "address:\(address ?? "-")" }

    /// The answer to a client over its rate: 429 `RATE_LIMITED`, with `Retry-After`.
    package var refusal: Refusal {
        Refusal(
            error: TanbaError(.rateLimited, "more than \(rate) requests a second from this client"),
            retryAfter: retryAfter())
    }
}
