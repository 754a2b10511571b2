import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaErrors
import TanbaStore
import Testing

@testable import TanbaHTTP

/// Issue #11, items 4 and 5, over real HTTP: the rate limit cannot be escaped with made-up tokens, and login
/// challenges are limited, audited, bounded in number and expire without scanning.
@Suite struct LoginAbuseTests {
    static func api(_ hub: HTTPTests.Hub, rate: Double = 1000, burst: Double? = nil, challenges: Int = 10_000) -> HubAPI
    {
        HubAPI(
            pipeline: hub.api.pipeline, verifier: hub.api.verifier, limiter: RateLimiter(rate: rate, burst: burst),
            logger: HTTPTests.quiet, challengeCapacity: challenges)
    }

    static func audit(_ hub: HTTPTests.Hub) throws -> [AuditRecord] {
        try hub.store.read { try $0.audit(after: 0, limit: 1000) }
    }

    // MARK: Item 4

    @Test func madeUpBearerTokensDoNotEscapeTheAddressRateLimit() async throws {
        let hub = try HTTPTests.hub()
        let ledger = try hub.store.contentFingerprint()
        try await Self.api(hub, rate: 0.01, burst: 2).application(host: "127.0.0.1", port: 0).test(.live) { client in
            for attempt in 1...2 {
                try await client.execute(
                    uri: "/v1/inbox", method: .get, headers: HTTPTests.bearer("made-up-\(attempt)")
                ) { #expect($0.status == .unauthorized) }
            }
            // A third new string is still the same client: its address.
            try await client.execute(uri: "/v1/inbox", method: .get, headers: HTTPTests.bearer("made-up-3")) {
                response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "100")
                #expect(String(buffer: response.body).contains("RATE_LIMITED"))
            }
            try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer("made-up-4"),
                body: ByteBuffer(string: "<x/>")
            ) { #expect($0.status == .tooManyRequests) }
        }
        #expect(try hub.store.contentFingerprint() == ledger)
        let refused = try Self.audit(hub).filter { $0.result == "429 RATE_LIMITED" }
        #expect(refused.map(\.action) == ["list-inbox", "submit"])
        #expect(refused.allSatisfy { $0.participant == nil && $0.address == "127.0.0.1" })
    }

    // MARK: Item 5

    @Test func loginChallengesAreRateLimitedAndAudited() async throws {
        let hub = try HTTPTests.hub()
        try await Self.api(hub, rate: 0.01, burst: 2).application(host: "127.0.0.1", port: 0).test(.live) { client in
            for _ in 1...2 {
                try await client.execute(uri: "/v1/auth/challenge", method: .post) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/v1/auth/challenge", method: .post) { response in
                #expect(response.status == .tooManyRequests && response.headers[.retryAfter] == "100")
                #expect(String(buffer: response.body).contains("RATE_LIMITED"))
            }
        }
        let challenges = try Self.audit(hub).filter { $0.action == "challenge" }
        #expect(challenges.map(\.result) == ["200", "200", "429 RATE_LIMITED"])
        #expect(challenges.allSatisfy { $0.channel == "http" && $0.address == "127.0.0.1" })
    }

    @Test func challengesOverTheCapAreRefusedWithRetryAfterAndLoginStillWorks() async throws {
        let hub = try HTTPTests.hub()
        let ledger = try hub.store.contentFingerprint()
        try await Self.api(hub, challenges: 3).application(host: "127.0.0.1", port: 0).test(.live) { client in
            var documents: [String] = []
            for _ in 1...3 {
                documents.append(
                    try await client.execute(uri: "/v1/auth/challenge", method: .post) { response in
                        #expect(response.status == .ok)
                        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                        return body?["document"] as? String ?? ""
                    })
            }
            try await client.execute(uri: "/v1/auth/challenge", method: .post) { response in
                #expect(response.status == .serviceUnavailable)
                let seconds = Int(response.headers[.retryAfter] ?? "") ?? 0
                #expect(seconds >= 1 && seconds <= 120, "Retry-After \(seconds)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("\"code\":\"SERVICE_BUSY\""))
            }
            // The challenges given out still work: signing one frees its place.
            try await client.execute(
                uri: "/v1/auth/token", method: .post, body: try HTTPTests.signed(documents[0], by: .companyHead)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/auth/challenge", method: .post) { #expect($0.status == .ok) }
        }
        #expect(try hub.store.contentFingerprint() == ledger)
        let challenges = try Self.audit(hub).filter { $0.action == "challenge" }
        #expect(challenges.map(\.result) == ["200", "200", "200", "503 SERVICE_BUSY", "200"])
    }
}
