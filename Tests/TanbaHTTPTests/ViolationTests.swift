import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TanbaDomain
import TanbaErrors
import TanbaHTTP
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaCore
@testable import TanbaXML

/// Violation reports on both stores: anyone files one and follows it by its reference; refused reports leave no
/// trace; inspectors of a state body list, open and decide them, each step audited; two inspectors deciding at
/// once cannot both win.
@Suite struct ViolationTests {
    static func inspectorHub(_ backend: TestBackend) throws -> HTTPTests.Hub {
        let hub = try HTTPTests.hub(backend)
        // The test PKI's operator certificate stands in for an inspectorate's (as in StateBodyTests).
        try hub.store.write { tx in
            try tx.save(
                try Participant(
                    id: TestPKI.operatorBIN, name: "Инспекция", isOrganisation: true, roles: [.stateBody]))
        }
        return hub
    }

    static func post(
        _ report: [String: Any], language: String? = nil, _ client: some TestClientProtocol
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let language { headers[.acceptLanguage] = language }
        return try await client.execute(
            uri: "/v1/public/violations", method: .post, headers: headers,
            body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: report))
        ) { ($0.status, (try? JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any]) ?? [:]) }
    }

    nonisolated(unsafe) static let valid: [String: Any] = [
        "kind": "notGenuine", "shop": "Магазин «Береке»", "address": "Алматы, Абай даңғылы 10", "region": "KZ-75",
        "location": ["latitude": 43.2389, "longitude": 76.8897], "description": "Код не читается\nи этикетка другая",
        "contact": "+7 701 000 0000",
    ]

    @Test(arguments: TestBackend.available)
    func aReportIsFiledFollowedAndDecided(_ backend: TestBackend) async throws {
        let hub = try Self.inspectorHub(backend)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            var report = Self.valid
            report["code"] = hub.codes[0]
            let (status, filed) = try await Self.post(report, client)
            #expect(status == .created, "\(filed)")
            let reference = try #require(filed["reference"] as? String)
            #expect(Violations.isReference(reference) && filed["status"] as? String == "new")
            try await client.execute(uri: "/v1/public/violations/\(reference.lowercased())", method: .get) {
                #expect($0.status == .ok && String(buffer: $0.body).contains("\"new\""))
            }
            // A participant is no inspector.
            let company = try await HTTPTests.login(client, as: .companyHead)
            try await client.execute(uri: "/v1/violations", method: .get, headers: HTTPTests.bearer(company)) {
                #expect($0.status == .forbidden)
            }
            let inspector = try await HTTPTests.login(client, as: .hub)
            let page = try await client.execute(
                uri: "/v1/violations?kind=notGenuine&region=KZ-75&group=shoes&participant=\(HTTPTests.seller)",
                method: .get, headers: HTTPTests.bearer(inspector)
            ) { try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any] }
            let listed = page?["reports"] as? [[String: Any]]
            #expect(listed?.count == 1 && listed?.first?["reference"] as? String == reference)
            try await client.execute(
                uri: "/v1/violations?region=KZ-71", method: .get, headers: HTTPTests.bearer(inspector)
            ) { #expect(String(buffer: $0.body).contains("\"reports\":[]")) }
            // The case: the report, its steps, the code's full history.
            try await client.execute(
                uri: "/v1/violations/\(reference)", method: .get, headers: HTTPTests.bearer(inspector)
            ) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((body?["history"] as? [Any])?.count ?? 0 >= 3)
                #expect((body?["report"] as? [String: Any])?["contact"] as? String == "+7 701 000 0000")
            }
            let decide: (String, String) async throws -> HTTPResponse.Status = { expected, status in
                try await client.execute(
                    uri: "/v1/violations/\(reference)/status", method: .post,
                    headers: [.authorization: "Bearer \(inspector)", .contentType: "application/json"],
                    body: ByteBuffer(
                        string: #"{"expected": "\#(expected)", "status": "\#(status)", "comment": "Проверено"}"#)
                ) { $0.status }
            }
            #expect(try await decide("new", "inReview") == .ok)
            #expect(try await decide("inReview", "confirmed") == .ok)
            // A decision on what the inspector no longer sees: refused, nothing changed.
            #expect(try await decide("new", "dismissed") == .badRequest)
            try await client.execute(uri: "/v1/public/violations/\(reference)", method: .get) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["status"] as? String == "confirmed" && (body?["steps"] as? [Any])?.count == 3)
                // The reporter sees statuses and dates, not the inspectors' comments or names.
                #expect(!String(buffer: response.body).contains("Проверено"))
            }
        }
        let audit = try hub.store.read { try $0.audit(after: 0, limit: 1000) }
        #expect(audit.filter { $0.action == "report-violation" && $0.result == "201" }.count == 1)
        #expect(
            audit.filter { $0.action == "set-violation-status" }.map(\.result) == [
                "200", "200", "400 VIOLATION_STATUS_CHANGED",
            ])
    }

    /// Each wrong report is refused with what is wrong, in the reporter's language, and stores nothing.
    @Test(arguments: TestBackend.available)
    func wrongReportsAreRefusedAndLeaveNoTrace(_ backend: TestBackend) async throws {
        let hub = try Self.inspectorHub(backend)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let cases: [(String, [String: Any], String)] = [
                ("no kind", Self.valid.filter { $0.key != "kind" }, "kind"),
                ("a signal's kind", Self.valid.merging(["kind": "clonedCode"]) { $1 }, "kind"),
                ("no shop", Self.valid.filter { $0.key != "shop" }, "shop"),
                ("blank address", Self.valid.merging(["address": "  \n "]) { $1 }, "address"),
                ("long contact", Self.valid.merging(["contact": String(repeating: "x", count: 201)]) { $1 }, "contact"),
                ("control character", Self.valid.merging(["shop": "A\u{7}B"]) { $1 }, "shop"),
                ("unknown region", Self.valid.merging(["region": "RU-MOW"]) { $1 }, "region"),
                (
                    "off the Earth", Self.valid.merging(["location": ["latitude": 95, "longitude": 0]]) { $1 },
                    "location"
                ),
                ("malformed code", Self.valid.merging(["code": "0104870001000012"]) { $1 }, "code"),
                ("photo not base64", Self.valid.merging(["photo": "%%%"]) { $1 }, "photo"),
            ]
            for (name, report, field) in cases {
                let (status, body) = try await Self.post(report, language: "kk", client)
                #expect(status == .badRequest, "\(name)")
                #expect(body["code"] as? String == "VIOLATION_INVALID", "\(name): \(body)")
                #expect((body["detail"] as? String ?? "").contains(field), "\(name): \(body)")
            }
            // Two wrong fields are both named.
            let (_, both) = try await Self.post(["kind": "x", "address": "a"], client)
            #expect((both["errors"] as? [Any])?.count ?? 0 >= 2, "\(both)")
            for body in ["", "[]", "{", "{\"kind\": 5}"] {
                try await client.execute(
                    uri: "/v1/public/violations", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: body)
                ) {
                    #expect($0.status == .badRequest && String(buffer: $0.body).contains("REQUEST_INVALID"), "\(body)")
                }
            }
            try await client.execute(uri: "/v1/public/violations/V-2222222222", method: .get) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/public/violations/..%2F..", method: .get) {
                #expect($0.status == .notFound)
            }
        }
        #expect(try hub.store.read { try $0.violations(ViolationFilter()).reports }.isEmpty)
    }

    /// Two inspectors decide one report at once, from the same status: exactly one decision holds.
    @Test(arguments: TestBackend.available)
    func twoInspectorsDecidingAtOnceCannotBothWin(_ backend: TestBackend) async throws {
        let hub = try Self.inspectorHub(backend)
        let core = hub.api.core
        var input = ViolationInput()
        input.kind = "expired"
        input.shop = "Дүкен"
        input.address = "Астана"
        let report = try core.fileViolation(input)
        let inspector = Caller(participant: TestPKI.operatorBIN, iin: "870101300125")
        let outcomes = await withTaskGroup(of: String.self) { group in
            for status in [ViolationStatus.confirmed, .dismissed, .inReview, .confirmed] {
                group.addTask {
                    do {
                        _ = try core.setViolationStatus(
                            report.reference, expected: .new, to: status, comment: nil, as: inspector)
                        return "ok"
                    } catch let error as TanbaError { return error.code.rawValue } catch { return "\(error)" }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "ok" }.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == "VIOLATION_STATUS_CHANGED" }.count == 3, "\(outcomes)")
        #expect(try hub.store.read { try $0.steps(of: report.reference) }.count == 2)
    }

    /// Paging: every report once, newest first, and a cursor not given out is refused by name.
    @Test func theListPagesEveryReportOnce() async throws {
        let hub = try Self.inspectorHub(.sqlite)
        let core = hub.api.core
        var references: [String] = []
        for index in 0..<7 {
            var input = ViolationInput()
            input.kind = "other"
            input.shop = "Shop \(index)"
            input.address = "Street"
            references.append(
                try core.fileViolation(input, now: Date(timeIntervalSince1970: 1_800_000_000 + Double(index))).reference
            )
        }
        let inspector = Caller(participant: TestPKI.operatorBIN)
        var seen: [String] = []
        var after: String?
        repeat {
            var parameters = [("limit", "3")]
            if let after { parameters.append(("after", after)) }
            let page = try core.violations(parameters, as: inspector)
            seen += page.reports.map(\.reference)
            after = page.next?.encoded
        } while after != nil
        #expect(seen == references.reversed())
        #expect(throws: TanbaError.self) { try core.violations([("after", "1_V-XXXXXXXXX1")], as: inspector) }
        #expect(throws: TanbaError.self) { try core.violations([("status", "open")], as: inspector) }
    }
}
