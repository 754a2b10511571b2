import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaDomain
import TanbaHTTP
import TanbaStore
import Testing

/// A code is found exactly as a scanner read it, in the path or the query; transport packages are codes like any
/// other; a former holder sees its own part of the history; nobody else can tell a code exists.
@Suite struct CodeLookupTests {
    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    /// Percent-encodes everything but unreserved characters, as a client building a path or query does.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
    }

    @Test func aCodeIsFoundAsScannedInThePathAndTheQuery() async throws {
        let hub = try HTTPTests.hub()
        let id = hub.codes[0]
        let serial = String(id.dropFirst(18))
        // Scanner forms of the same unit, one with an AI 92 tail holding `/`, `+` and `=` (44 characters, as the
        // national format has it).
        let verification = "ab/cd+ef/gh" + String(repeating: "A", count: 31) + "=="
        let tail = "(91)EE06(92)\(verification)"
        let forms = [
            id, "0104870001000011" + "21" + serial + "\u{1D}91EE06\u{1D}92" + verification,
            "]d2" + id, "(01)04870001000011(21)\(serial)\(tail)",
        ]
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .companyHead)
            for form in forms {
                for uri in ["/v1/codes/\(Self.encoded(form))", "/v1/codes?code=\(Self.encoded(form))"] {
                    try await client.execute(uri: uri, method: .get, headers: HTTPTests.bearer(token)) { response in
                        #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
                        let code = try Self.object(response.body)["code"] as? [String: Any]
                        #expect(code?["id"] as? String == id, "\(uri)")
                    }
                }
            }
            // The tail's slashes left unencoded in the path still name the code.
            try await client.execute(
                uri:
                    "/v1/codes/(01)04870001000011(21)\(serial)(91)EE06(92)ab/cd/ef\(String(repeating: "B", count: 36))",
                method: .get,
                headers: HTTPTests.bearer(token)
            ) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
            // A malformed code is a bad parameter, 400 like a bad GTIN, with the GS1 error and its position.
            for uri in ["/v1/codes/0104870001000011", "/v1/codes?code=%2899%29x", "/v1/codes?code="] {
                try await client.execute(uri: uri, method: .get, headers: HTTPTests.bearer(token)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    let problem = try Self.object(response.body)
                    #expect(problem["code"] as? String == "REQUEST_PARAMETER_INVALID", "\(uri)")
                    #expect((problem["detail"] as? String)?.contains("'code'") == true, "\(uri)")
                }
            }
            try await client.execute(uri: "/v1/codes", method: .get, headers: HTTPTests.bearer(token)) {
                #expect($0.status == .badRequest && String(buffer: $0.body).contains("'code'"))
            }
        }
    }

    /// A serial may hold `%`, `?` and `/` (GS1 set 82): encoded as a client must (`%25`, `%3F`), the code is
    /// found; `%41` in a serial is the three characters, not `A`.
    @Test func aSerialWithPercentAndQuestionMarkIsFound() async throws {
        let hub = try HTTPTests.hub()
        let id = "01" + HTTPTests.shoes + "21" + "A%41/b?c+d=eX"
        try Ledger(store: hub.store).issue(
            [
                CodeRecord(
                    id: id, level: .unit, gtin: HTTPTests.shoes, status: .issued, owner: HTTPTests.seller,
                    emitter: HTTPTests.seller, issuedAt: Date())
            ], order: "ORDER-2")
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .companyHead)
            for uri in ["/v1/codes/\(Self.encoded(id))", "/v1/codes?code=\(Self.encoded(id))"] {
                try await client.execute(uri: uri, method: .get, headers: HTTPTests.bearer(token)) { response in
                    #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
                    let code = try Self.object(response.body)["code"] as? [String: Any]
                    #expect(code?["id"] as? String == id)
                }
            }
        }
    }

    @Test func aTransportPackageIsLookedUpLikeAnyCode() async throws {
        let hub = try HTTPTests.hub()
        let body = "04870001" + "000000123"
        let sscc = body + String(GS1CheckDigit.compute(body))
        try Ledger(store: hub.store).aggregate(
            hub.codes, into: "00" + sscc, by: HTTPTests.seller, document: nil, at: Date())
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .companyHead)
            for form in ["00" + sscc, "(00)" + sscc, sscc, "]C100" + sscc] {
                try await client.execute(
                    uri: "/v1/codes/\(CodeLookupTests.encoded(form))", method: .get, headers: HTTPTests.bearer(token)
                ) { response in
                    #expect(response.status == .ok, "\(form): \(String(buffer: response.body))")
                    let view = try Self.object(response.body)
                    let code = view["code"] as? [String: Any]
                    #expect(code?["id"] as? String == "00" + sscc && code?["owner"] as? String == HTTPTests.seller)
                    #expect(Set(view["contents"] as? [String] ?? []) == Set(hub.codes), "\(form)")
                    #expect((view["history"] as? [Any])?.isEmpty == false)
                }
            }
        }
    }

    @Test func aFormerOwnerSeesItsOwnPartAndStrangersCannotTellACodeExists() async throws {
        let hub = try HTTPTests.hub()
        let madeUpID = "0104870001000011" + "21" + "NOSUCHSERIAL1"
        let code = hub.codes[0]
        let ledger = Ledger(store: hub.store)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            let buyer = try await HTTPTests.login(client, as: .buyerHead)
            let stranger = try await HTTPTests.login(client, as: .entrepreneur)
            // Before the shipment the buyer never held the code: the same answer as for a code nobody issued.
            let madeUp = madeUpID
            func notFound(_ id: String, _ token: String) async throws -> [String: Any] {
                try await client.execute(uri: "/v1/codes/\(id)", method: .get, headers: HTTPTests.bearer(token)) {
                    #expect($0.status == .notFound, "\(String(buffer: $0.body))")
                    var problem = try Self.object($0.body)
                    #expect(problem["detail"] as? String == "no code \(id)")
                    let errors = problem["errors"] as? [[String: Any]]
                    #expect(errors?.count == 1 && errors?.first?["message"] as? String == "no code \(id)")
                    // Beyond the code named, the answers are the same.
                    problem["detail"] = nil
                    problem["errors"] = nil
                    return problem
                }
            }
            let absent = try await notFound(madeUp, buyer)
            #expect(NSDictionary(dictionary: try await notFound(code, buyer)).isEqual(to: absent))
            #expect(NSDictionary(dictionary: try await notFound(code, stranger)).isEqual(to: absent))
            // Shipped and accepted; then the buyer alone acts on it.
            _ = try ledger.perform(
                .lockForShipment(by: HTTPTests.seller, document: "ESD-1"), on: [code], document: "ESD-1", at: Date())
            _ = try ledger.perform(
                .acceptShipment(document: "ESD-1", buyer: HTTPTests.buyer), on: [code], document: "ESD-1", at: Date())
            _ = try ledger.perform(
                .lockForShipment(by: HTTPTests.buyer, document: "ESD-2"), on: [code], document: "ESD-2", at: Date())
            let full = try hub.store.read { try $0.events(of: code) }
            try await client.execute(uri: "/v1/codes/\(code)", method: .get, headers: HTTPTests.bearer(seller)) {
                #expect($0.status == .ok, "\(String(buffer: $0.body))")
                let view = try Self.object($0.body)
                #expect(view["scope"] as? String == "formerHolder")
                let shown = try #require(view["code"] as? [String: Any])
                #expect(shown["id"] as? String == code && shown["owner"] == nil && shown["status"] == nil)
                let history = try #require(view["history"] as? [[String: Any]])
                // Everything up to and including the acceptance that took it away; not the buyer's shipment.
                #expect(history.count == full.count - 1)
                #expect(history.last?["owner"] as? String == HTTPTests.buyer)
                #expect(!history.contains { $0["document"] as? String == "ESD-2" })
            }
            try await client.execute(uri: "/v1/codes/\(code)", method: .get, headers: HTTPTests.bearer(buyer)) {
                let view = try Self.object($0.body)
                #expect(view["scope"] as? String == "full")
                #expect((view["history"] as? [Any])?.count == full.count)
            }
            _ = try await notFound(code, stranger)
        }
        // Every probe is in the audit trail: who asked, for what, and the 404 they got.
        let reads = try hub.store.read { try $0.audit(after: 0, limit: 500) }.filter { $0.action == "read-code" }
        let strangers = reads.filter { $0.participant == "850315300128" }
        #expect(strangers.count == 2 && strangers.allSatisfy { $0.object == code && $0.result == "404 NOT_FOUND" })
        #expect(reads.contains { $0.object == madeUpID && $0.result == "404 NOT_FOUND" })
    }
}
