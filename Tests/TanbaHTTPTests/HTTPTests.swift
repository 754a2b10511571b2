import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaHTTP
import TanbaPipeline
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaXML

/// The HTTP API over real HTTP on loopback: two participants log in with their certificates, one ships, the
/// other accepts part; the receipt and the ownership change are visible through the API; nobody reads another's.
@Suite struct HTTPTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let pki: TestPKI = {
        try! TestPKI.create(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("tanba-http-pki-\(UUID().uuidString)"))
    }()
    static let seller = "050140001238"
    static let buyer = "031240500125"
    /// Footwear: its codes have the 91 + 92 national format (serial 13, AI 91 of 4, AI 92 of 44).
    static let shoes = "04870001000011"

    struct Hub {
        let api: HubAPI
        let store: any HubStore
        let codes: [String]
    }

    /// A hub on a new store on `backend`: three participants, a catalogue, three codes in circulation.
    /// - Parameter registered: false leaves the register of participants empty (registration tests).
    static func hub(_ backend: TestBackend = .sqlite, registered: Bool = true) throws -> Hub {
        let store = try backend.makeStore()
        let reference = try ReferenceData(
            files: try FileManager.default.contentsOfDirectory(
                at: repository.appendingPathComponent("reference"), includingPropertiesForKeys: nil
            ).filter { $0.pathExtension == "json" }.map { ($0.lastPathComponent, try Data(contentsOf: $0)) })
        let verifier = SignatureVerifier(
            trustStore: try TrustStore(caDirectory: pki.trustDirectory, crlDirectory: pki.crlDirectory))
        let pipeline = DocumentPipeline(
            store: store, schemas: try SchemaSet(directory: repository.appendingPathComponent("xsd")),
            verifier: verifier,
            reference: reference,
            hub: try DocumentSigner(keyFile: pki.keyFile(.hub), certificateFile: pki.certificateFile(.hub)))
        try store.write { tx in
            try tx.save([
                try ProductCard(
                    gtin: shoes, name: "Етік", manufacturer: "ТОО", tnved: "6403", productGroup: "shoes", country: "KZ")
            ])
            guard registered else { return }
            try tx.save(
                try Participant(
                    id: seller, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true,
                    roles: [.producer, .wholesaler], productGroups: ["shoes"]))
            try tx.save(
                try Participant(
                    id: buyer, name: "ТОО «Шымкент Сауда»", isOrganisation: true, roles: [.wholesaler],
                    productGroups: ["shoes"]))
            try tx.save(
                try Participant(id: "850315300128", name: "ИП Нұрланов", isOrganisation: false, roles: [.retailer]))
        }
        let ledger = Ledger(store: store)
        let issued = try CodeEmitter(key: EmissionKey.generate()).issue(
            gtin: shoes, count: 3, owner: seller, at: Date())
        try ledger.issue(issued, order: "ORDER")
        let codes = issued.map(\.id)
        _ = try ledger.perform(.apply(by: seller), on: codes, document: nil, at: Date())
        _ = try ledger.perform(.introduce(by: seller), on: codes, document: nil, at: Date())
        return Hub(api: HubAPI(pipeline: pipeline, verifier: verifier, logger: Self.quiet), store: store, codes: codes)
    }

    /// The request log is for operators; tests read the audit trail and metrics.
    static let quiet: Logger = {
        var logger = Logger(label: "tanba.http.test")
        logger.logLevel = .error
        return logger
    }()

    static func signed(_ text: String, by participant: TestPKI.Participant) throws -> ByteBuffer {
        let signer = try DocumentSigner(
            keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
        return ByteBuffer(bytes: try signer.sign(Array(text.utf8)))
    }

    static func login(_ client: some TestClientProtocol, as participant: TestPKI.Participant) async throws -> String {
        let challenge = try await client.execute(uri: "/v1/auth/challenge", method: .post) { response in
            #expect(response.status == .ok)
            return try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
        }
        let body = try signed(challenge["document"] as! String, by: participant)
        return try await client.execute(uri: "/v1/auth/token", method: .post, body: body) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let token = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
            return token["token"] as! String
        }
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// The submitter of a refused document reads its receipt, byte for byte, and its status: rejected, first code.
    static func expectRefusal(
        _ id: String, receipt: String, code: String, as token: String, _ client: some TestClientProtocol
    ) async throws {
        try await client.execute(uri: "/v1/documents/\(id)/receipt", method: .get, headers: bearer(token)) {
            #expect($0.status == .ok && String(buffer: $0.body) == receipt)
        }
        try await client.execute(uri: "/v1/documents/\(id)/status", method: .get, headers: bearer(token)) {
            let status = try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any]
            #expect(status?["status"] as? String == "rejected" && status?["code"] as? String == code)
        }
    }

    static func shipment(_ codes: [String]) -> String {
        let items = codes.map { "<Code>\($0)</Code>" }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Shipment xmlns="urn:kz:tanba:shipment:1" version="1.0">
              <Header><DocumentNumber>ESD-HTTP-1</DocumentNumber><DocumentDate>2026-11-20</DocumentDate>
                <ShipmentDate>2026-11-20</ShipmentDate>
                <Seller><BIN>\(seller)</BIN><Name>ТОО</Name></Seller><Buyer><BIN>\(buyer)</BIN><Name>ТОО</Name></Buyer>
                <Currency>KZT</Currency></Header>
              <Lines><Line number="1"><GTIN>\(shoes)</GTIN><Name>Етік</Name><Quantity>\(codes.count)</Quantity>
                <UnitPrice>100.00</UnitPrice><VATRate>NoVAT</VATRate><VATAmount>0.00</VATAmount>
                <Amount>\(codes.count * 100).00</Amount><Items>\(items)</Items></Line></Lines>
              <Totals><Quantity>\(codes.count)</Quantity><VATAmount>0.00</VATAmount><Amount>\(codes.count * 100).00</Amount></Totals>
            </Shipment>

            """
    }

    @Test(arguments: TestBackend.available) func shipAndAcceptPartOverHTTP(_ backend: TestBackend) async throws {
        let hub = try Self.hub(backend)
        let app = hub.api.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let seller = try await Self.login(client, as: .companyHead)
            let buyer = try await Self.login(client, as: .buyerHead)
            let documentID = try await client.execute(
                uri: "/v1/documents", method: .post, headers: Self.bearer(seller),
                body: try Self.signed(Self.shipment(hub.codes), by: .companyHead)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(String(buffer: response.body).contains("<Result>accepted</Result>"))
                return response.headers[HTTPField.Name("X-Tanba-Document")!] ?? ""
            }
            try await client.execute(uri: "/v1/inbox", method: .get, headers: Self.bearer(buyer)) { response in
                #expect(String(buffer: response.body).contains(documentID))
            }
            let answer = """
                <?xml version="1.0" encoding="UTF-8"?>
                <ShipmentAnswer xmlns="urn:kz:tanba:shipment-answer:1" version="1.0">
                  <Header><DocumentNumber>PR-HTTP-1</DocumentNumber><DocumentDate>2026-11-20</DocumentDate>
                    <Sender><BIN>\(Self.buyer)</BIN><Name>ТОО</Name></Sender></Header>
                  <Shipment><Number>ESD-HTTP-1</Number><Date>2026-11-20</Date></Shipment>
                  <Seller><BIN>\(Self.seller)</BIN><Name>ТОО</Name></Seller>
                  <Decision>AcceptPart</Decision>
                  <Accepted><Code>\(hub.codes[0])</Code><Code>\(hub.codes[1])</Code></Accepted>
                  <Rejected><Item><Code>\(hub.codes[2])</Code><Reason>Сынған</Reason></Item></Rejected>
                </ShipmentAnswer>

                """
            try await client.execute(
                uri: "/v1/documents", method: .post, headers: Self.bearer(buyer),
                body: try Self.signed(answer, by: .buyerHead)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            try await client.execute(
                uri: "/v1/documents/\(documentID)/status", method: .get, headers: Self.bearer(seller)
            ) {
                #expect(String(buffer: $0.body).contains("partlyAcceptedByCounterparty"))
            }
            try await client.execute(
                uri: "/v1/documents/\(documentID)/receipt", method: .get, headers: Self.bearer(buyer)
            ) {
                #expect($0.status == .ok && String(buffer: $0.body).contains("<ds:Signature"))
            }
            // The accepted code is the buyer's now: the buyer sees it all, the seller only its own part.
            try await client.execute(uri: "/v1/codes/\(hub.codes[0])", method: .get, headers: Self.bearer(buyer)) {
                #expect($0.status == .ok && String(buffer: $0.body).contains("\"owner\":\"\(Self.buyer)\""))
            }
            try await client.execute(uri: "/v1/codes/\(hub.codes[0])", method: .get, headers: Self.bearer(seller)) {
                #expect($0.status == .ok && String(buffer: $0.body).contains("\"scope\":\"formerHolder\""))
            }
            try await client.execute(uri: "/v1/codes/\(hub.codes[2])", method: .get, headers: Self.bearer(seller)) {
                #expect($0.status == .ok)  // rejected: back with the seller
            }
            // What happened shows in the metrics: two accepted documents, the code look-ups, latencies.
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(text.contains(#"tanba_documents_total{type="shipment",result="accepted"} 1"#), "\(text)")
                #expect(text.contains(#"tanba_documents_total{type="shipmentAnswer",result="accepted"} 1"#))
                #expect(text.contains(#"tanba_http_requests_total{action="submit",status="200"} 2"#))
                #expect(text.contains(#"tanba_http_requests_total{action="read-code",status="200"} 3"#))
                #expect(text.contains(#"tanba_http_request_duration_seconds_count{action="login"} 2"#))
            }
        }
    }

    @Test(.blocking, arguments: TestBackend.available) func nobodyReadsOrSendsAnothersDocuments(_ backend: TestBackend)
        async throws
    {
        let hub = try Self.hub(backend)
        let app = hub.api.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let seller = try await Self.login(client, as: .companyHead)
            let entrepreneur = try await Self.login(client, as: .entrepreneur)
            let buyer = try await Self.login(client, as: .buyerHead)
            let documentID = try await client.execute(
                uri: "/v1/documents", method: .post, headers: Self.bearer(seller),
                body: try Self.signed(Self.shipment(hub.codes), by: .companyHead)
            ) { $0.headers[HTTPField.Name("X-Tanba-Document")!] ?? "" }
            for path in ["", "/receipt", "/status"] {
                try await client.execute(
                    uri: "/v1/documents/\(documentID)\(path)", method: .get, headers: Self.bearer(entrepreneur)
                ) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(String(buffer: response.body).contains("\"code\":\"AUTH_FORBIDDEN\""))
                }
            }
            // The buyer cannot submit a document in the seller's name, even one the seller signed.
            var other = Self.shipment(hub.codes).replacingOccurrences(of: "ESD-HTTP-1", with: "ESD-HTTP-2")
            other = other.replacingOccurrences(of: "</Items>", with: "</Items>")
            try await client.execute(
                uri: "/v1/documents", method: .post, headers: Self.bearer(buyer),
                body: try Self.signed(other, by: .companyHead)
            ) { #expect($0.status == .forbidden) }
            // No token, or a made-up one.
            try await client.execute(uri: "/v1/inbox", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("AUTH_REQUIRED"))
            }
            try await client.execute(uri: "/v1/outbox", method: .get, headers: Self.bearer("forged")) {
                #expect($0.status == .unauthorized)
            }
        }
        // Every action is in the audit trail, refusals included, with who, from where and the result.
        let entries = try hub.store.read { try $0.audit(after: 0, limit: 1000) }
        #expect(try Audit.verify(hub.store) == entries.count)
        #expect(entries.filter { $0.action == "login" }.count == 3)
        #expect(entries.allSatisfy { $0.channel == "http" && $0.address == "127.0.0.1" })
        let refused = entries.filter { $0.result == "403 AUTH_FORBIDDEN" && $0.action == "read" }
        #expect(
            refused.count == 3 && refused.allSatisfy { $0.participant == "850315300128" && $0.iin == "850315300128" })
        #expect(
            entries.contains { $0.action == "list-inbox" && $0.result == "401 AUTH_REQUIRED" && $0.participant == nil })
        // Changing one entry breaks the chain from there on.
        let tampering = try Self.sql("UPDATE audit SET result = 'tampered' WHERE seq = 2", on: hub.store, backend)
        #expect(tampering.status == 0, "\(tampering.error)")
        expectCode(.auditBroken) { _ = try Audit.verify(hub.store) }
    }

    /// Runs `sql` on the store behind the hub's back, with the engine's own client (sqlite3, psql), as someone
    /// with access to the database could.
    static func sql(_ sql: String, on store: any HubStore, _ backend: TestBackend) throws -> (
        status: Int32, output: String, error: String
    ) {
        let client = try #require(
            (backend == .sqlite ? ["/usr/bin/sqlite3", "/bin/sqlite3"] : ["/usr/bin/psql"]).first {
                FileManager.default.isExecutableFile(atPath: $0)
            }, "sqlite3 and postgresql-15 are installed by make deps")
        return try runProcess(client, backend == .sqlite ? [store.location, sql] : [store.location, "-Atc", sql])
    }

    /// A client over its limit gets 429 RATE_LIMITED with Retry-After, audited; another client is not affected.
    @Test(arguments: TestBackend.available) func aClientOverItsRateLimitIsRefused(_ backend: TestBackend) async throws {
        let hub = try Self.hub(backend)
        let api = HubAPI(
            pipeline: hub.api.pipeline, verifier: hub.api.verifier, limiter: RateLimiter(rate: 0.01, burst: 3),
            logger: Self.quiet)
        try await api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            // Logging in (challenge and token) counts against the address too (it has no token yet): a brake on
            // guessing.
            let token = try await Self.login(client, as: .companyHead)
            try await client.execute(uri: "/v1/inbox", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/inbox", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "100")
                #expect(String(buffer: response.body).contains("RATE_LIMITED"))
            }
            // A logged-in client is counted by its token, not by the shared address.
            try await client.execute(uri: "/v1/outbox", method: .get, headers: Self.bearer(token)) {
                #expect($0.status == .ok)
            }
        }
        let refused = try hub.store.read { try $0.audit(after: 0, limit: 1000) }.filter { $0.result.hasPrefix("429") }
        #expect(refused.count == 1 && refused.first?.action == "list-inbox")
    }

    /// Paths and methods no route takes count against the address like every request: probing cannot outrun the
    /// limit. They are counted in the metrics (action `unrouted`), and not audited (no participant's data).
    @Test(arguments: TestBackend.available) func probingUnknownRoutesIsRateLimitedToo(_ backend: TestBackend)
        async throws
    {
        let hub = try Self.hub(backend)
        let api = HubAPI(
            pipeline: hub.api.pipeline, verifier: hub.api.verifier, limiter: RateLimiter(rate: 0.01, burst: 2),
            logger: Self.quiet)
        let before = try hub.store.read { try $0.audit(after: 0, limit: 1000) }.count
        try await api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            try await client.execute(uri: "/v2/a", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/inbox", method: .delete) { #expect($0.status == .methodNotAllowed) }
            try await client.execute(uri: "/v2/b", method: .get) { response in
                #expect(response.status == .tooManyRequests && response.headers[.retryAfter] == "100")
                #expect(String(buffer: response.body).contains("RATE_LIMITED"))
            }
            // The address is over its limit for the routes too.
            try await client.execute(uri: "/v1/inbox", method: .get) { #expect($0.status == .tooManyRequests) }
        }
        let metrics = api.metrics.text()
        #expect(metrics.contains(#"action="unrouted""#) && metrics.contains(#"status="429""#), "\(metrics)")
        let audited = try hub.store.read { try $0.audit(after: 0, limit: 1000) }
        #expect(audited.count == before + 1 && audited.last?.action == "list-inbox")
    }

    /// A body over the hub's limit is refused with 413 REQUEST_TOO_LARGE as problem+json, audited, nothing stored.
    @Test(arguments: TestBackend.available) func aTooLargeBodyIsRefused(_ backend: TestBackend) async throws {
        let hub = try Self.hub(backend)
        let api = HubAPI(pipeline: hub.api.pipeline, verifier: hub.api.verifier, maxBodySize: 4096, logger: Self.quiet)
        try await api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await Self.login(client, as: .companyHead)
            try await client.execute(
                uri: "/v1/documents", method: .post, headers: Self.bearer(token),
                body: ByteBuffer(string: Self.shipment(hub.codes) + String(repeating: " ", count: 8192))
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType]?.contains("problem+json") == true)
                #expect(String(buffer: response.body).contains("REQUEST_TOO_LARGE"))
            }
        }
        #expect(try hub.store.read { try $0.documents(DocumentFilter(limit: 10)) }.isEmpty)
        let refused = try hub.store.read { try $0.audit(after: 0, limit: 1000) }.filter { $0.result.hasPrefix("413") }
        #expect(refused.count == 1 && refused.first?.action == "submit")
    }

    /// The served OpenAPI description names exactly the routes the router has, with their methods.
    @Test(arguments: TestBackend.available) func openAPIDescribesEveryRouteAndNoOther(_ backend: TestBackend)
        async throws
    {
        let hub = try Self.hub(backend)
        let served = Set(
            hub.api.router().routes.map { route in
                // `**` is the code route's catch-all: the code may hold `/` (GET /v1/codes/{code}).
                let path = "\(route.path)".split(separator: "/").map {
                    $0 == "**" ? "{code}" : $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0
                }
                return "\(route.method.rawValue.lowercased()) /" + path.joined(separator: "/")
            })
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                let described = Set(paths.flatMap { path, methods in methods.keys.map { "\($0) \(path)" } })
                #expect(
                    described == served,
                    "documented only: \(described.subtracting(served)); served only: \(served.subtracting(described))")
                // The statuses a list may be filtered by are exactly the statuses a document can have.
                let parameters = (document["components"] as? [String: Any])?["parameters"] as? [String: Any]
                let status = (parameters?["status"] as? [String: Any])?["schema"] as? [String: Any]
                #expect(Set(status?["enum"] as? [String] ?? []) == Set(DocumentStatus.allCases.map(\.rawValue)))
            }
        }
    }

    @Test(arguments: TestBackend.available) func aChallengeWorksOnceAndOnlyForRegisteredSigners(_ backend: TestBackend)
        async throws
    {
        let hub = try Self.hub(backend)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let challenge = try await client.execute(uri: "/v1/auth/challenge", method: .post) {
                try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as! [String: Any]
            }
            let signed = try Self.signed(challenge["document"] as! String, by: .companyHead)
            try await client.execute(uri: "/v1/auth/token", method: .post, body: signed) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/auth/token", method: .post, body: signed) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("AUTH_CHALLENGE"))
            }
            // A revoked certificate cannot log in.
            let again = try await client.execute(uri: "/v1/auth/challenge", method: .post) {
                try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as! [String: Any]
            }
            try await client.execute(
                uri: "/v1/auth/token", method: .post, body: try Self.signed(again["document"] as! String, by: .revoked)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("CERT_REVOKED"))
            }
        }
    }
}
