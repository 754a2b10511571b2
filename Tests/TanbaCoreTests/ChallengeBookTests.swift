import Foundation
import Testing

@testable import TanbaCore

/// The per-process cap on login challenges outstanding (`ChallengeBook`): O(1) per call however many there are,
/// and a full book names the wait.
@Suite struct ChallengeBookTests {
    @Test func challengesExpireInIssueOrderWithoutAScan() throws {
        let book = ChallengeBook(lifetime: 120, capacity: 1_000_000)
        let start = Date()
        // Many outstanding challenges cost nothing per call: 200,000 issued in well under the time a full scan per
        // call (the old table's filter) would take even for a tenth of them.
        let clock = ContinuousClock.now
        for index in 0..<200_000 {
            _ = try book.issue("n\(index)", now: index < 100_000 ? start : start + 60)
        }
        #expect(ContinuousClock.now - clock < .seconds(10))
        #expect(book.outstanding == 200_000)
        // Half of them expire: exactly those issued first.
        let later = start + 150
        #expect(!book.consume("n0", now: later))
        #expect(book.outstanding == 100_000)
        #expect(book.consume("n150000", now: later))
        #expect(!book.consume("n150000", now: later))  // once only
        #expect(!book.consume("n199999", now: start + 1000))  // expired
        #expect(book.outstanding == 0)
    }

    @Test func aFullBookNamesTheWaitUntilTheOldestExpires() throws {
        let book = ChallengeBook(lifetime: 120, capacity: 2)
        let start = Date()
        _ = try book.issue("a", now: start)
        _ = try book.issue("b", now: start + 30)
        #expect(throws: ChallengeBook.Busy.self) { _ = try book.issue("c", now: start + 60) }
        do { _ = try book.issue("c", now: start + 60) } catch { #expect(error.retryAfter == 60) }
        _ = try book.issue("c", now: start + 121)  // "a" expired: there is room again
        #expect(book.outstanding == 2)
    }
}
