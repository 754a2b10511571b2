import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaHTTP
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// Two hub processes on one store share logins: a challenge issued by one is redeemed at the other, once; a token
/// works on both and after a restart; the store keeps no token, only its hash.
@Suite struct SharedSessionTests {
    @Test(.blocking, arguments: TestBackend.available) func aLoginStartedOnOneHubWorksOnAnotherOnceAndAfterARestart(
        _ backend: TestBackend
    ) async throws {
        let hub = try HTTPTests.hub(backend)
        let first = hub.api
        let second = HubAPI(pipeline: hub.api.pipeline, verifier: hub.api.verifier, logger: HTTPTests.quiet)
        let restarted = HubAPI(pipeline: hub.api.pipeline, verifier: hub.api.verifier, logger: HTTPTests.quiet)
        try await first.application(host: "127.0.0.1", port: 0).test(.live) { one in
            try await second.application(host: "127.0.0.1", port: 0).test(.live) { two in
                let challenge = try await one.execute(uri: "/v1/auth/challenge", method: .post) {
                    try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as! [String: Any]
                }
                let signed = try HTTPTests.signed(challenge["document"] as! String, by: .companyHead)
                let token = try await two.execute(uri: "/v1/auth/token", method: .post, body: signed) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                    return body["token"] as! String
                }
                // The same signed challenge again, at the hub that issued it: used up, whichever hub redeemed it.
                try await one.execute(uri: "/v1/auth/token", method: .post, body: signed) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body).contains("AUTH_CHALLENGE"))
                }
                for client in [one, two] as [any TestClientProtocol] {
                    try await client.execute(uri: "/v1/outbox", method: .get, headers: HTTPTests.bearer(token)) {
                        #expect($0.status == .ok)
                    }
                }
                try await restarted.application(host: "127.0.0.1", port: 0).test(.live) { three in
                    try await three.execute(uri: "/v1/outbox", method: .get, headers: HTTPTests.bearer(token)) {
                        #expect($0.status == .ok)
                    }
                    try await three.execute(
                        uri: "/v1/outbox", method: .get, headers: HTTPTests.bearer(token + "x")
                    ) { #expect($0.status == .unauthorized) }
                }
                // A copy of the store logs nobody in: it holds the token's hash, not the token.
                let path = hub.store.location
                let dump =
                    backend == .sqlite
                    ? try Data(contentsOf: URL(fileURLWithPath: path))
                        + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
                    : Data(try runProcess("/usr/bin/pg_dump", [path]).output.utf8)
                #expect(!dump.isEmpty)
                #expect(dump.range(of: Data(token.utf8)) == nil)
            }
        }
    }

    /// One signed challenge posted to both hubs at the same moment: exactly one of them logs it in.
    @Test(arguments: TestBackend.available) func oneChallengeRedeemedAtTwoHubsAtOnceLogsInOnce(_ backend: TestBackend)
        async throws
    {
        let hub = try HTTPTests.hub(backend)
        let second = HubAPI(pipeline: hub.api.pipeline, verifier: hub.api.verifier, logger: HTTPTests.quiet)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { one in
            try await second.application(host: "127.0.0.1", port: 0).test(.live) { two in
                for _ in 0..<5 {
                    let challenge = try await one.execute(uri: "/v1/auth/challenge", method: .post) {
                        try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as! [String: Any]
                    }
                    let signed = try HTTPTests.signed(challenge["document"] as! String, by: .companyHead)
                    async let a = one.execute(uri: "/v1/auth/token", method: .post, body: signed) { $0.status }
                    async let b = two.execute(uri: "/v1/auth/token", method: .post, body: signed) { $0.status }
                    let statuses = try await [a, b]
                    #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                    #expect(statuses.filter { $0 == .unauthorized }.count == 1, "\(statuses)")
                }
            }
        }
    }
}
