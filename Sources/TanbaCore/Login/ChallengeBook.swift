import Foundation
import Synchronization
import TanbaErrors

/// The login challenges outstanding: each works once, only before it expires, and there are never more than
/// `capacity` of them.
///
/// Anyone may ask for a challenge without logging in, so nothing here may grow or slow with what strangers ask:
/// a challenge is found by its nonce in a dictionary, and expiry pops the front of a queue in issue order (every
/// challenge lives as long as the others, so issue order is expiry order) instead of scanning the table. Each
/// call does O(1) amortised work however many challenges are outstanding. Over the cap, a new challenge is
/// refused until the oldest expires (503 `SERVICE_BUSY` with Retry-After) rather than evicting one a real client
/// is signing.
final class ChallengeBook: Sendable {
    let lifetime: TimeInterval
    let capacity: Int
    private let state = Mutex(State())

    struct State {
        var expiries: [String: Date] = [:]
        /// Issue order; entries before `head` are gone. Consumed nonces stay queued until they expire, harmlessly.
        var queue: [(nonce: String, expires: Date)] = []
        var head = 0

        mutating func expire(now: Date) {
            while head < queue.count, queue[head].expires <= now {
                expiries.removeValue(forKey: queue[head].nonce)
                head += 1
            }
            // Compact once the dead prefix is the larger half: amortised O(1) per challenge.
            if head > 1024, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
        }
    }

    init(lifetime: TimeInterval, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// Records a new challenge for `nonce`.
    /// - Throws: `Busy` with the seconds until the oldest challenge expires when `capacity` are outstanding.
    func issue(_ nonce: String, now: Date) throws(Busy) -> Date {
        let expires = now + lifetime
        let wait: Int? = state.withLock { state in
            state.expire(now: now)
            guard state.expiries.count < capacity else {
                // Every outstanding challenge is queued, so the front exists and is the next to expire.
                let oldest = state.queue[state.head...].first { state.expiries[$0.nonce] != nil }?.expires ?? now
                return max(1, Int(oldest.timeIntervalSince(now).rounded(.up)))
            }
            state.expiries[nonce] = expires
            state.queue.append((nonce, expires))
            return nil
        }
        if let wait { throw Busy(retryAfter: wait) }
        return expires
    }

    /// Uses a challenge up; false if it is unknown, used or expired.
    func consume(_ nonce: String, now: Date) -> Bool {
        state.withLock { state in
            state.expire(now: now)
            guard let expires = state.expiries.removeValue(forKey: nonce) else { return false }
            return expires > now
        }
    }

    /// Challenges outstanding (issued, not used, not expired) as of the last call.
    var outstanding: Int { state.withLock { $0.expiries.count } }

    /// The cap was reached: come back after `retryAfter` seconds.
    struct Busy: Error {
        let retryAfter: Int
    }
}
