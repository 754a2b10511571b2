import Foundation
import TanbaCore
import TanbaStoreTestSupport
import Testing

/// A browser's session: idle and absolute expiry, a deadline that cannot be moved, a logout that holds on every hub
/// process at once, and no use as a bearer token; on both stores.
@Suite struct WebSessionTests {
    let caller = Caller(participant: CoreFixture.seller, iin: "781112400128")

    @Test(arguments: TestBackend.available) func idleTooLongEndsTheSessionUseKeepsItAlive(_ backend: TestBackend)
        throws
    {
        let fixture = try CoreFixture(backend)
        let login = fixture.core.login
        let start = Date()
        let token = try login.openWeb(caller, now: start).token
        // Used every 20 minutes, it lives past the idle lifetime of 30 minutes…
        for step in 1...4 {
            #expect(login.webSession(token: token, now: start + Double(step) * 20 * 60) == caller)
        }
        // …but 31 minutes without a request end it.
        #expect(login.webSession(token: token, now: start + 80 * 60 + 31 * 60) == nil)
    }

    @Test(arguments: TestBackend.available) func theAbsoluteDeadlineHoldsHoweverOftenItIsUsed(_ backend: TestBackend)
        throws
    {
        let fixture = try CoreFixture(backend)
        let login = fixture.core.login
        let start = Date()
        let token = try login.openWeb(caller, now: start).token
        var now = start
        while now < start + LoginService.webAbsoluteLifetime - 10 * 60 {
            now += 10 * 60
            #expect(login.webSession(token: token, now: now) == caller)
        }
        #expect(login.webSession(token: token, now: start + LoginService.webAbsoluteLifetime + 1) == nil)
        // The deadline is part of the token: moving it makes a token the store does not know.
        let parts = token.split(separator: ".")
        let moved = "\(parts[0]).\(Int(parts[1])! + 86_400)"
        #expect(login.webSession(token: moved, now: start + 60) == nil)
    }

    @Test(arguments: TestBackend.available) func logoutOnOneProcessEndsTheSessionOnAnother(_ backend: TestBackend)
        throws
    {
        let first = try CoreFixture(backend)
        let second = try CoreFixture(path: first.path)
        let token = try first.core.login.openWeb(caller).token
        #expect(second.core.login.webSession(token: token) == caller)
        try second.core.login.logout(token: token)
        #expect(first.core.login.webSession(token: token) == nil)
        #expect(second.core.login.webSession(token: token) == nil)
    }

    @Test(arguments: TestBackend.available) func browserAndBearerTokensDoNotStandInForEachOther(
        _ backend: TestBackend
    ) throws {
        let fixture = try CoreFixture(backend)
        let login = fixture.core.login
        let web = try login.openWeb(caller).token
        let api = try login.open(caller).token
        #expect(login.session(token: web) == nil)
        #expect(login.webSession(token: api) == nil)
        #expect(login.webSession(token: web) == caller && login.session(token: api) == caller)
    }
}
