import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaHTTP
import TanbaPipeline
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaCore

/// The public check without login, on both stores: what anyone learns of a code (genuine or not, its status in
/// plain words, the product and where it came from), what they never learn (owner, documents), and the signals
/// the hub raises from the checks.
@Suite struct PublicCheckTests {
    /// A hub whose first two codes were introduced by a signed introduction document (dates, batch), with two
    /// more codes issued and applied but never introduced.
    struct World {
        let hub: HTTPTests.Hub
        let introduced: [CodeRecord]
        let notIntroduced: [CodeRecord]
    }

    static func world(_ backend: TestBackend) async throws -> World {
        let hub = try HTTPTests.hub(backend)
        let ledger = Ledger(store: hub.store)
        // The emission key the hub checks tails with.
        let key = EmissionKey.generate()
        try hub.store.write {
            try $0.save(StoredEmissionKey(id: key.id, secret: key.exported, createdAt: key.createdAt))
        }
        let issued = try CodeEmitter(key: key, format: hub.api.core.reference.codeFormat(ofGroup: "shoes")!).issue(
            gtin: HTTPTests.shoes, count: 4, owner: HTTPTests.seller, at: Date())
        try ledger.issue(issued, order: "ORDER-PUBLIC")
        _ = try ledger.perform(.apply(by: HTTPTests.seller), on: issued.map(\.id), document: nil, at: Date())
        let items = issued.prefix(2).map { "<Code>\($0.id)</Code>" }.joined()
        let document = """
            <IntroductionProduction xmlns="urn:kz:tanba:introduction-production:1" version="1.0">
              <Header><DocumentNumber>IP-PUBLIC-1</DocumentNumber><DocumentDate>2026-11-20</DocumentDate>
                <Sender><BIN>\(HTTPTests.seller)</BIN><Name>ТОО</Name></Sender></Header>
              <Lines><Line><GTIN>\(HTTPTests.shoes)</GTIN><ProductionDate>2026-11-19</ProductionDate>
                <ExpiryDate>2027-11-30</ExpiryDate><Batch>L-77</Batch><Items>\(items)</Items></Line></Lines>
            </IntroductionProduction>
            """
        let decision = try hub.api.pipeline.submit(
            Array(HTTPTests.signed(document, by: .companyHead).readableBytesView))
        #expect(decision.accepted, "\(decision.diagnostics)")
        return World(hub: hub, introduced: Array(issued.prefix(2)), notIntroduced: Array(issued.suffix(2)))
    }

    /// The code as a scanner gives it: GS-separated, with its tail.
    static func scanned(_ code: CodeRecord, _ hub: HTTPTests.Hub) -> String {
        GS1.raw(hub.api.core.reference.codeFormat(ofGroup: "shoes")!.elements(of: code))
    }

    static func check(
        _ text: String, location: String? = nil, language: String? = nil, _ client: some TestClientProtocol
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        var query = "code=" + text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        if let location { query += "&location=" + location }
        var headers = HTTPFields()
        if let language { headers[.acceptLanguage] = language }
        return try await client.execute(uri: "/v1/public/check?\(query)", method: .get, headers: headers) {
            ($0.status, (try? JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any]) ?? [:])
        }
    }

    @Test(arguments: TestBackend.available)
    func aGenuineCodeShowsItsProductAndOriginAndNothingPrivate(_ backend: TestBackend) async throws {
        let world = try await Self.world(backend)
        let hub = world.hub
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let (status, body) = try await Self.check(Self.scanned(world.introduced[0], hub), client)
            #expect(status == .ok)
            #expect(body["genuine"] as? Bool == true && body["authenticity"] as? String == "genuine")
            #expect(body["status"] as? String == "inCirculation")
            #expect(body["name"] as? String == "Етік" && body["manufacturer"] as? String == "ТОО")
            #expect(body["producer"] as? String == "ТОО «Алатау Дистрибьюшн»")
            #expect(body["producerBIN"] as? String == HTTPTests.seller)
            #expect(body["productionDate"] as? String == "2026-11-19")
            #expect(body["expiryDate"] as? String == "2027-11-30" && body["expired"] as? Bool == false)
            #expect(body["country"] as? String == "KZ" && body["productGroup"] as? String == "shoes")
            // Private things are not in the answer at all: no owner, no documents, no history.
            let text = try String(decoding: JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            for secret in ["owner", "history", "lockedBy", "DOC-", "ORDER-PUBLIC"] { #expect(!text.contains(secret)) }
        }
    }

    @Test(arguments: TestBackend.available)
    func eachVerdictAndStatusInPlainWords(_ backend: TestBackend) async throws {
        let world = try await Self.world(backend)
        let hub = world.hub
        // Sold: withdrawn as a retail sale.
        _ = try Ledger(store: hub.store).perform(
            .withdraw(by: HTTPTests.seller, reason: .retailSale), on: [world.introduced[1].id], document: nil,
            at: Date())
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let genuine = Self.scanned(world.introduced[0], hub)
            // A tail altered by one character: forged, whatever the code's state.
            var altered = Array(genuine)
            altered[altered.count - 1] = altered.last == "A" ? "B" : "A"
            var (status, body) = try await Self.check(String(altered), client)
            #expect(status == .ok && body["genuine"] as? Bool == false && body["authenticity"] as? String == "forged")
            #expect((body["problems"] as? [[String: Any]])?.first?["code"] as? String == "CODE_FORGED")
            // Typed by hand without the tail: known, but the label is not proven.
            (status, body) = try await Self.check(world.introduced[0].id, client)
            #expect(body["authenticity"] as? String == "tailNotGiven" && body["genuine"] as? Bool == false)
            #expect(body["status"] as? String == "inCirculation")
            // Checked after the expiry date (in Kazakhstan's day, UTC+5): expired.
            let late = try hub.api.core.checker.check(genuine, now: Date(timeIntervalSince1970: 1_827_601_200))
            #expect(late.expired == true && late.expiryDate == "2027-11-30")
            let lastDay = try hub.api.core.checker.check(genuine, now: Date(timeIntervalSince1970: 1_827_601_199))
            #expect(lastDay.expired == false)
            (status, body) = try await Self.check(Self.scanned(world.introduced[1], hub), client)
            #expect(body["status"] as? String == "sold" && body["withdrawalReason"] as? String == "retailSale")
            (status, body) = try await Self.check(Self.scanned(world.notIntroduced[0], hub), client)
            #expect(body["status"] as? String == "notIntroduced" && body["genuine"] as? Bool == true)
            #expect(body["productionDate"] == nil)
            // A well-formed code the hub never issued.
            (status, body) = try await Self.check("01\(HTTPTests.shoes)21ZZZZZZZZZZZZZ", client)
            #expect(
                status == .ok && body["authenticity"] as? String == "unknown" && body["status"] as? String == "unknown")
            #expect((body["problems"] as? [[String: Any]])?.first?["code"] as? String == "CODE_NOT_FOUND")
        }
    }

    @Test(arguments: TestBackend.available)
    func aPackageShowsWhatItContains(_ backend: TestBackend) async throws {
        let world = try await Self.world(backend)
        let hub = world.hub
        let sscc = "148700010000000018"
        try Ledger(store: hub.store).aggregate(
            world.introduced.map(\.id), into: "00" + sscc, by: HTTPTests.seller, document: nil, at: Date())
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let (status, body) = try await Self.check("(00)\(sscc)", client)
            #expect(
                status == .ok && body["authenticity"] as? String == "knownPackage" && body["genuine"] as? Bool == true)
            #expect(body["level"] as? String == "transport")
            let contents = body["contents"] as? [[String: Any]]
            #expect(contents?.count == 1 && contents?.first?["count"] as? Int == 2)
            #expect(
                contents?.first?["gtin"] as? String == HTTPTests.shoes && contents?.first?["name"] as? String == "Етік")
        }
    }

    /// Malformed codes in every form, a bad location, an unknown parameter: 400 naming it, in the caller's language.
    @Test func malformedInputIsRefusedByName() async throws {
        let hub = try HTTPTests.hub()
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            for text in ["", "hello", "01123", "0104870001000012" + "21ABC", "(01)04870001000011(21)", "]d2", "00123"] {
                let (status, body) = try await Self.check(text, client)
                #expect(status == .badRequest, "\(text)")
                #expect(body["code"] as? String == "REQUEST_PARAMETER_INVALID", "\(text): \(body)")
            }
            for location in ["91,0", "0,181", "abc", "1", "1,2,3", "nan,0"] {
                let (status, body) = try await Self.check(
                    "01\(HTTPTests.shoes)21ZZZZZZZZZZZZZ", location: location, client)
                #expect(status == .badRequest && (body["detail"] as? String ?? "").contains("location"), "\(location)")
            }
            try await client.execute(uri: "/v1/public/check?code=x&owner=1", method: .get) {
                #expect($0.status == .badRequest && String(buffer: $0.body).contains("owner"))
            }
            let (_, russian) = try await Self.check("hello", language: "ru", client)
            #expect(russian["title"] as? String == ErrorMessages.text(.requestParameterInvalid, in: .ru))
        }
        // Nothing of it is journalled: refused input is no check.
        hub.api.core.journal.flush()
        let page = try hub.store.read { try $0.violations(ViolationFilter()) }
        #expect(page.reports.isEmpty)
    }

    /// Checks of a code not in circulation, and forged ones, raise signals for the inspectors: one per kind, code
    /// and day however often it is checked; one code checked in Almaty and Astana within hours is a copied label.
    @Test(arguments: TestBackend.available)
    func checksRaiseOneSignalPerKindCodeAndDay(_ backend: TestBackend) async throws {
        let world = try await Self.world(backend)
        let hub = world.hub
        let core = hub.api.core
        for _ in 0..<3 {
            _ = try core.publicCheck(Self.scanned(world.notIntroduced[0], hub), address: "10.0.0.1")
        }
        var forged = Array(Self.scanned(world.introduced[0], hub))
        forged[forged.count - 2] = forged[forged.count - 2] == "x" ? "y" : "x"
        _ = try core.publicCheck(String(forged), address: "10.0.0.2")
        let genuine = Self.scanned(world.introduced[1], hub)
        _ = try core.publicCheck(genuine, address: "10.0.0.3", location: "43.2389,76.8897")
        _ = try core.publicCheck(genuine, address: "10.0.0.4", location: "43.25,76.90")
        // Nothing raised yet for two checks in one city.
        core.journal.flush()
        var signals = try hub.store.read { try $0.violations(ViolationFilter()).reports }
        #expect(signals.count == 2)
        #expect(Set(signals.map(\.kind)) == [.notInCirculation, .notGenuine])
        #expect(signals.allSatisfy { $0.source == .signal && $0.participant == HTTPTests.seller })
        _ = try core.publicCheck(genuine, address: "10.0.0.5", location: "51.1694,71.4491")
        _ = try core.publicCheck(genuine, address: "10.0.0.6", location: "51.17,71.45")
        core.journal.flush()
        signals = try hub.store.read { try $0.violations(ViolationFilter()).reports }
        #expect(signals.count == 3 && signals.filter { $0.kind == .clonedCode }.count == 1)
        #expect(core.journal.counts.failed == 0)
    }

    /// Concurrent checks from many threads journal every check once, and the signal once (the store's unique
    /// key, not a check before the insert).
    @Test(arguments: TestBackend.available)
    func concurrentChecksRaiseOneSignal(_ backend: TestBackend) async throws {
        let world = try await Self.world(backend)
        let hub = world.hub
        let core = hub.api.core
        let text = Self.scanned(world.notIntroduced[1], hub)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask { _ = try? core.publicCheck(text, address: "10.1.0.\(index)") }
            }
        }
        // Two journals (two hub processes) flushing the same kind of check.
        let other = CheckJournal(store: hub.store)
        other.note(
            try core.checker.check(text), participant: HTTPTests.seller, address: "10.2.0.1", latitude: nil,
            longitude: nil, at: Date())
        async let a: Void = core.journal.flush()
        async let b: Void = other.flush()
        _ = await (a, b)
        let signals = try hub.store.read { try $0.violations(ViolationFilter()).reports }
        #expect(signals.count == 1 && signals[0].kind == .notInCirculation)
        #expect(core.journal.counts.failed == 0 && other.counts.failed == 0)
    }

    /// A flood from one address gets 429 with Retry-After at once; the logged-in API keeps answering meanwhile.
    @Test func aFloodFromOneAddressIsRefusedAtOnce() async throws {
        let base = try HTTPTests.hub()
        let api = HubAPI(
            pipeline: base.api.pipeline, verifier: base.api.verifier,
            publicLimiter: RateLimiter(rate: 0.01, burst: 3), logger: HTTPTests.quiet)
        try await api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<10 {
                statuses.append(try await Self.check("01\(HTTPTests.shoes)21ZZZZZZZZZZZZZ", client).0)
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .ok })
            #expect(statuses.dropFirst(3).allSatisfy { $0 == .tooManyRequests })
            try await client.execute(uri: "/v1/public/check?code=x", method: .get) {
                #expect($0.status == .tooManyRequests && $0.headers[.retryAfter] == "100")
            }
            // The rest of the hub is not this address's bucket.
            let token = try await HTTPTests.login(client, as: .companyHead)
            try await client.execute(uri: "/v1/inbox", method: .get, headers: HTTPTests.bearer(token)) {
                #expect($0.status == .ok)
            }
        }
    }
}
