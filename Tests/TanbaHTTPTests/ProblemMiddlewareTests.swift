import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TanbaErrors
import Testing

@testable import TanbaHTTP

/// An error no route turned into an answer still reaches the client as problem+json, and says nothing of the
/// hub's insides (the error itself is for the log).
@Suite struct ProblemMiddlewareTests {
    struct Secret: Error, CustomStringConvertible {
        var description: String { "disk /var/lib/tanba/store.sqlite: I/O error at page 42" }
    }

    @Test func anUnexpectedErrorIsAnInternalProblemWithoutItsDetails() async throws {
        let router = Router(context: HubContext.self)
        let lines = StoreFullTests.Lines()
        router.add(middleware: ProblemMiddleware(routes: RouteTable(), logger: lines.logger))
        router.get("/boom") { _, _ -> Response in throw Secret() }
        router.get("/refused") { _, _ -> Response in throw HTTPError(.badRequest) }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { client in
                try await client.execute(uri: "/boom", method: .get) { response in
                    #expect(response.status == .internalServerError)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let body = String(buffer: response.body)
                    // The error's own words, not a bare "42": the random incident id may contain those digits.
                    #expect(
                        body.contains("\"code\":\"INTERNAL\"") && !body.contains("sqlite") && !body.contains("page 42")
                            && !body.contains("I/O error"))
                    // The client gets an incident id; the operator's log has the error under the same id.
                    let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let incident = try #require(problem?["incident"] as? String)
                    #expect(incident.hasPrefix("INC-") && incident.count == 16)
                    let logged = lines.lines.withLock { $0.filter { $0.2["incident"] == .string(incident) } }
                    #expect(logged.count == 1 && logged.first?.0 == .error)
                    #expect(logged.first?.2["error"] == .string(Secret().description))
                }
                try await client.execute(uri: "/refused", method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("\"code\":\"REQUEST_INVALID\""))
                }
            }
    }

    /// The hub shedding load is not a fault: SERVICE_BUSY answers 503 without an incident id and is logged at
    /// warning level, while a store that cannot be written (STORE_UNAVAILABLE) stays an incident for the operator.
    @Test func aCapacityLimitIsAWarningWithoutAnIncidentAndAStoreFailureIsAnIncident() async throws {
        let router = Router(context: HubContext.self)
        let lines = StoreFullTests.Lines()
        router.add(middleware: ProblemMiddleware(routes: RouteTable(), logger: lines.logger))
        router.get("/busy") { _, _ -> Response in throw TanbaError(.serviceBusy, "the body budget is full") }
        router.get("/down") { _, _ -> Response in throw TanbaError(.storeUnavailable, "the disk is full") }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { client in
                try await client.execute(uri: "/busy", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(problem?["code"] as? String == "SERVICE_BUSY")
                    #expect(problem?["incident"] == nil)
                }
                try await client.execute(uri: "/down", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect((problem?["incident"] as? String)?.hasPrefix("INC-") == true)
                }
            }
        let logged = lines.lines.withLock { $0.map { ($0.0, $0.1) } }
        #expect(logged.contains { $0.0 == .warning && $0.1 == "capacity limit" })
        #expect(logged.filter { $0.0 == .error }.count == 1, "\(logged)")
    }
}
