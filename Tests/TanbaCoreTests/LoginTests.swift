import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// Login by signed challenge and the sessions it opens, on the core: a challenge works once and only in time, a
/// session ends when it expires, and both live in the store, so a second core on the same store honours them;
/// on both stores.
@Suite struct LoginTests {
    @Test(arguments: TestBackend.available) func aSignedChallengeLogsTheSignersParticipantIn(_ backend: TestBackend)
        throws
    {
        let fixture = try CoreFixture(backend)
        let challenge = try fixture.core.beginLogin()
        let token = try fixture.core.finishLogin(signed: try CoreFixture.signed(challenge, by: .companyHead))
        #expect(token.participant == CoreFixture.seller)
        #expect(try fixture.core.authenticate(token: token.token).participant == CoreFixture.seller)
    }

    @Test(arguments: TestBackend.available) func aChallengeIsConsumedOnceOnly(_ backend: TestBackend) throws {
        let fixture = try CoreFixture(backend)
        let challenge = try fixture.core.beginLogin()
        let signed = try CoreFixture.signed(challenge, by: .companyHead)
        _ = try fixture.core.finishLogin(signed: signed)
        expectCode(.authChallenge) { _ = try fixture.core.finishLogin(signed: signed) }
    }

    @Test(arguments: TestBackend.available) func anExpiredChallengeIsRefused(_ backend: TestBackend) throws {
        let fixture = try CoreFixture(backend)
        let issued = Date()
        let challenge = try fixture.core.beginLogin(now: issued)
        let late = issued + LoginService.challengeLifetime + 1
        expectCode(.authChallenge) {
            _ = try fixture.core.finishLogin(signed: try CoreFixture.signed(challenge, by: .companyHead), now: late)
        }
    }

    @Test(arguments: TestBackend.available) func aChallengeTheHubNeverIssuedIsRefused(_ backend: TestBackend) throws {
        let fixture = try CoreFixture(backend)
        expectCode(.authChallenge) { try fixture.core.login.consume("made-up") }
    }

    @Test(arguments: TestBackend.available) func aSignerWhoDoesNotRepresentTheParticipantIsRefused(
        _ backend: TestBackend
    ) throws {
        let fixture = try CoreFixture(backend)
        // The seller requires a registered representative now; the head's certificate names no such person.
        try fixture.store.write { tx in
            var seller = try #require(try tx.participant(CoreFixture.seller))
            seller.representatives = [.init(iin: "870412300122")]
            try tx.save(seller)
        }
        let challenge = try fixture.core.beginLogin()
        expectCode(.authNotRepresentative) {
            _ = try fixture.core.finishLogin(signed: try CoreFixture.signed(challenge, by: .companyHead))
        }
    }

    @Test(arguments: TestBackend.available) func anExpiredSessionAuthenticatesNobody(_ backend: TestBackend) throws {
        let fixture = try CoreFixture(backend)
        let opened = Date()
        let token = try fixture.core.login.open(Caller(participant: CoreFixture.buyer), now: opened)
        #expect(try fixture.core.authenticate(token: token.token, now: opened + 60).participant == CoreFixture.buyer)
        let expired = opened + LoginService.tokenLifetime + 1
        expectCode(.authRequired) { _ = try fixture.core.authenticate(token: token.token, now: expired) }
        // Known to this process or not, an expired token is refused: a second core asks the store.
        let second = try CoreFixture(path: fixture.path)
        expectCode(.authRequired) { _ = try second.core.authenticate(token: token.token, now: expired) }
    }

    @Test(arguments: TestBackend.available) func noTokenOrAMadeUpOneIsRefused(_ backend: TestBackend) throws {
        let fixture = try CoreFixture(backend)
        expectCode(.authRequired) { _ = try fixture.core.authenticate(token: nil) }
        expectCode(.authRequired) { _ = try fixture.core.authenticate(token: "made-up") }
    }

    @Test(arguments: TestBackend.available) func aSessionIsUsableFromASecondCoreOverTheSameStoreFile(
        _ backend: TestBackend
    ) throws {
        let first = try CoreFixture(backend)
        let second = try CoreFixture(path: first.path)
        // Begun at one hub process, finished at the other.
        let challenge = try first.core.beginLogin()
        let token = try second.core.finishLogin(signed: try CoreFixture.signed(challenge, by: .buyerHead))
        #expect(try first.core.authenticate(token: token.token).participant == CoreFixture.buyer)
        // And the challenge is used up for both.
        expectCode(.authChallenge) { try first.core.login.consume(challenge.nonce) }
    }

    /// The per-process cache of sessions is bounded: past its capacity it forgets (expired ones first), and a
    /// forgotten session still works, read again from the store.
    @Test func theSessionCacheDoesNotGrowPastItsBound() throws {
        let fixture = try CoreFixture(sessionCapacity: 3)
        let now = Date()
        let tokens = try (0..<10).map { _ in
            try fixture.core.login.open(Caller(participant: CoreFixture.seller), now: now).token
        }
        #expect(fixture.core.login.cachedSessions <= 3)
        for token in tokens {
            #expect(try fixture.core.authenticate(token: token, now: now + 1).participant == CoreFixture.seller)
        }
        #expect(fixture.core.login.cachedSessions <= 3)
    }

    @Test func theMostChallengesOutstandingAreBusyWithTheWait() throws {
        let fixture = try CoreFixture(challengeCapacity: 2)
        let now = Date()
        _ = try fixture.core.beginLogin(now: now)
        _ = try fixture.core.beginLogin(now: now + 30)
        do {
            _ = try fixture.core.beginLogin(now: now + 60)
            Issue.record("a third challenge was issued over the cap")
        } catch let busy as LoginBusy {
            #expect(busy.error.code == .serviceBusy && busy.retryAfter == 60)
        }
    }
}

/// The state register's word on a participant: suspended or liquidated, it can no longer log in (nor sign: the
/// pipeline asks the same rule, `RegistersCLITests`); active again, it can.
@Suite struct RegisterStandingLoginTests {
    @Test(arguments: TestBackend.available) func aParticipantLiquidatedInTheRegisterCannotLogIn(_ backend: TestBackend)
        throws
    {
        let fixture = try CoreFixture(backend)
        for status in [RegisterStatus.liquidated, .suspended] {
            var seller = try #require(try fixture.store.read { try $0.participant(CoreFixture.seller) })
            seller.register = RegisterStanding(
                status: status, registerCode: status.rawValue.uppercased(), checkedAt: Date())
            try fixture.store.write { try $0.save(seller) }
            let challenge = try fixture.core.beginLogin()
            expectCode(.authParticipantInactive) {
                _ = try fixture.core.finishLogin(signed: try CoreFixture.signed(challenge, by: .companyHead))
            }
        }
        var seller = try #require(try fixture.store.read { try $0.participant(CoreFixture.seller) })
        seller.register = RegisterStanding(status: .active, checkedAt: Date())
        try fixture.store.write { try $0.save(seller) }
        let challenge = try fixture.core.beginLogin()
        #expect(
            try fixture.core.finishLogin(signed: try CoreFixture.signed(challenge, by: .companyHead)).participant
                == CoreFixture.seller)
    }
}
