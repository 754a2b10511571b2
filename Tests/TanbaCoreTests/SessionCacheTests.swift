import Foundation
import Testing

@testable import TanbaCore

/// The per-process session cache stays within its capacity: expired sessions go first, then those expiring
/// soonest, a tenth at a time.
@Suite struct SessionCacheTests {
    static let caller = Caller(participant: "050140001238")

    @Test func aFullCacheSweepsExpiredSessionsBeforeForgettingLiveOnes() {
        let cache = SessionCache(capacity: 10)
        let now = Date()
        for index in 0..<5 { cache.remember("old\(index)", .init(caller: Self.caller, expires: now + 1), now: now) }
        for index in 0..<5 { cache.remember("live\(index)", .init(caller: Self.caller, expires: now + 900), now: now) }
        #expect(cache.count == 10)
        cache.remember("new", .init(caller: Self.caller, expires: now + 900), now: now + 2)
        #expect(cache.count == 6)
        for index in 0..<5 { #expect(cache.lookup("live\(index)", now: now + 2) == .some(Self.caller)) }
    }

    @Test func aCacheFullOfLiveSessionsForgetsTheSoonestToExpire() {
        let cache = SessionCache(capacity: 10)
        let now = Date()
        for index in 0..<10 {
            cache.remember("t\(index)", .init(caller: Self.caller, expires: now + Double(100 + index)), now: now)
        }
        cache.remember("new", .init(caller: Self.caller, expires: now + 900), now: now)
        // A tenth freed (one of ten): the soonest to expire, t0, is forgotten; the rest stay.
        #expect(cache.count == 10)
        #expect(cache.lookup("t0", now: now) == nil)
        #expect(
            cache.lookup("t1", now: now) == .some(Self.caller) && cache.lookup("new", now: now) == .some(Self.caller))
    }
}
