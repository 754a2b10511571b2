import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `Authorization: bearer TOKEN` is the same as `Bearer TOKEN`.
@Suite struct BearerSchemeTests {
    /// RFC 9110 §11.1: the scheme name is case-insensitive.
    @Test func theBearerSchemeIsCaseInsensitive() async throws {
        let hub = try HTTPTests.hub()
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .companyHead)
            for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
                try await client.execute(
                    uri: "/v1/outbox", method: .get, headers: [.authorization: "\(scheme) \(token)"]
                ) { #expect($0.status == .ok, "\(scheme)") }
            }
            for header in ["Basic \(token)", "Bearer", "Bearer ", token] {
                try await client.execute(uri: "/v1/outbox", method: .get, headers: [.authorization: header]) {
                    #expect($0.status == .unauthorized, "\(header)")
                }
            }
        }
    }
}
