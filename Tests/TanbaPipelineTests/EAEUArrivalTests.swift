import Foundation
import TanbaDomain
import TanbaErrors
import TanbaIntegrations
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaPipeline
@testable import TanbaXML

/// A partner state's goods message (P.LS.03) arriving for a Kazakh receiver: the pipeline's checks, the pinned
/// partner signature, the codes it introduces, and every refusal leaving nothing but its audit entry.
@Suite struct EAEUArrivalTests {
    /// Russia's system signs with a certificate of a CA the Kazakh trust store does not hold (as a foreign state's
    /// would); the test PKI's `untrusted` participant is such a certificate.
    static let partner = TestPKI.Participant.untrusted
    static let partnerTaxId = "7707083893"

    struct Arrival {
        let world: World
        let pipeline: DocumentPipeline

        init(backend: TestBackend) throws {
            world = try World(backend: backend)
            let pinned = try Certificate.load(contentsOf: World.pki.certificateFile(EAEUArrivalTests.partner))
            pipeline = DocumentPipeline(
                store: world.store, schemas: World.schemas, verifier: World.verifier, reference: World.reference,
                hub: World.hub, partners: EAEUPartners([.russia: pinned]))
        }

        func receive(_ bytes: [UInt8]) throws -> (decision: Decision, answer: EAEUAnswer) {
            try pipeline.receiveEAEU(bytes) { decision in
                Audit.Event(
                    channel: "eaeu", action: "eaeu-receive", object: decision.documentID, result: decision.outcome)
            }
        }

        var auditCount: Int64 { ((try? world.store.read { try $0.lastAudit()?.seq }) ?? nil) ?? 0 }
        var codeCount: Int { (try? world.store.read { try $0.codeCount() }) ?? -1 }
        var documentCount: Int {
            (try? world.store.read { try $0.documents(DocumentFilter(recipient: World.buyer)).count }) ?? -1
        }
    }

    /// Fresh identification codes of the catalogue's water: `01` + GTIN + `21` + a serial the hub never issued.
    static func newCodes(_ count: Int) -> [String] {
        (0..<count).map { _ in
            "01\(World.water)21RU" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(11))
        }
    }

    static func message(
        codes: [String], id: String = UUID().uuidString.lowercased(), refId: String? = nil,
        country: EAEUCountry = .russia, taxId: String = partnerTaxId, receiver: String = World.buyer,
        gtin: String = World.water, date: String = "2026-11-20"
    ) -> EAEUArrival {
        EAEUArrival(
            edocId: id, edocRefId: refId, sourceDocumentId: "UPD-77-1", dateTime: Date(), senderCountry: country,
            senderTaxId: taxId, senderName: "ООО «Волга Воды»", receiverBIN: receiver,
            receiverName: "ТОО «Шымкент Сауда»",
            documentNumber: "UPD-77-1", documentDate: date, lines: [.init(gtin: gtin, codes: codes)])
    }

    static func signed(_ arrival: EAEUArrival, by signer: TestPKI.Participant = partner) throws -> [UInt8] {
        try DocumentSigner(keyFile: World.pki.keyFile(signer), certificateFile: World.pki.certificateFile(signer))
            .sign(EAEUMessages.arrival(arrival))
    }

    @Test(arguments: TestBackend.available) func anArrivalPutsItsUnitsIntoCirculationForTheReceiver(
        _ backend: TestBackend
    ) throws {
        let hub = try Arrival(backend: backend)
        let codes = Self.newCodes(3)
        let (decision, answer) = try hub.receive(try Self.signed(Self.message(codes: codes)))
        #expect(decision.accepted, "\(decision.diagnostics)")
        #expect(decision.type == "eaeuArrival" && decision.changes.count == 3)
        for code in codes {
            let record = try hub.world.code(code)
            #expect(record.status == .inCirculation && record.owner == World.buyer)
            #expect(record.emitter == "RU:\(Self.partnerTaxId)" && record.verificationCode == nil)
            let history = try hub.world.store.read { try $0.events(of: code) }
            #expect(history.map(\.operation) == ["issue", "introduce"])
            #expect(history.last?.document == decision.documentID)
        }
        // Where the goods came from, for the public check: imported by the receiver, from Russia.
        let origin = try hub.world.store.read { try $0.origin(document: decision.documentID, gtin: World.water) }
        #expect(origin?.introducer == World.buyer && origin?.country == "RU" && origin?.kind == .import)
        // The receiver sees the arrival in its inbox.
        #expect(hub.documentCount == 1)
        // The answer: a processing result accepting it, signed by the hub.
        guard case .result(let result, let signed) = answer else {
            Issue.record("no processing result")
            return
        }
        #expect(result.accepted && result.code == "ACCEPTED")
        #expect(try EAEUMessages.parseProcessingResult(signed).refEdocId == decision.number)
        #expect(try World.verifier.verify(try XMLDocument.parse(signed)).signer.bin == TestPKI.operatorBIN)
    }

    /// Goods the seller shipped to Russia come back, with a new unit, for the Kazakh buyer: the returning codes are
    /// back in circulation for the buyer with `reimport` in their history and their first origin kept; the new unit
    /// is introduced. Failure modes: a returning code refused as "known", a returned code arriving a second time
    /// (`EAEU_CODE_KNOWN`), and a code withdrawn for another reason (exported outside the EAEU) let back in.
    @Test(arguments: TestBackend.available) func goodsShippedToAMemberStateComeBackForTheReceiver(
        _ backend: TestBackend
    ) throws {
        let hub = try Arrival(backend: backend)
        let world = hub.world
        let shipped = Array(world.codes[0..<2])
        let departure = try world.pipeline.submit(
            try World.signed(EAEUShipmentRuleTests.shipment(shipped, country: "RU", taxId: "7707083893")))
        #expect(departure.accepted, "\(departure.diagnostics)")
        #expect(try world.code(shipped[0]).withdrawalReason == .eaeuShipment)
        // Another of the seller's codes left Kazakhstan outside the EAEU: it cannot come back by an arrival.
        let exported = world.codes[2]
        try world.store.write { tx in
            _ = try Ledger.perform(
                .withdraw(by: World.seller, reason: .export), on: [exported], document: "EXPORT-1", at: Date(),
                in: tx)
        }
        let fresh = Self.newCodes(1)
        let (decision, answer) = try hub.receive(try Self.signed(Self.message(codes: shipped + fresh)))
        #expect(decision.accepted, "\(decision.diagnostics)")
        #expect(decision.changes.count == 3)
        for code in shipped {
            let record = try world.code(code)
            #expect(record.status == .inCirculation && record.owner == World.buyer && record.withdrawalReason == nil)
            #expect(record.emitter == World.seller, "a returning code stays the hub's own")
            let history = try world.store.read { try $0.events(of: code) }
            #expect(history.map(\.operation).suffix(2) == ["withdraw", "reimport"], "\(history.map(\.operation))")
            #expect(history.last?.document == decision.documentID && history.last?.owner == World.buyer)
        }
        #expect(try world.code(fresh[0]).owner == World.buyer)
        guard case .result(let result, _) = answer else {
            Issue.record("no processing result")
            return
        }
        #expect(result.accepted)
        // Back in circulation now: a second message naming them (another EDocId) is refused, as is the exported code.
        for (name, code) in [("returned already", shipped[0]), ("exported outside the EAEU", exported)] {
            let (codes, audit) = (hub.codeCount, hub.auditCount)
            let refused = try hub.receive(try Self.signed(Self.message(codes: [code])))
            #expect(!refused.decision.accepted, "\(name)")
            #expect(
                refused.decision.diagnostics.map(\.code) == [.eaeuCodeKnown], "\(name): \(refused.decision.diagnostics)"
            )
            #expect(hub.codeCount == codes && hub.auditCount == audit + 1, "\(name)")
        }
        #expect(try world.code(exported).status == .withdrawn && world.code(exported).withdrawalReason == .export)
        #expect(try world.code(shipped[0]).owner == World.buyer)
    }

    /// A partner retrying (a lost answer): the same message is applied once and accepted again.
    @Test(arguments: TestBackend.available) func theSameMessageAgainChangesNothing(_ backend: TestBackend) throws {
        let hub = try Arrival(backend: backend)
        let message = try Self.signed(Self.message(codes: Self.newCodes(2)))
        let first = try hub.receive(message)
        let codes = hub.codeCount
        let again = try hub.receive(message)
        #expect(again.decision.accepted && again.decision.repeated)
        #expect(again.decision.documentID == first.decision.documentID && hub.codeCount == codes)
        guard case .result(let one, _) = first.answer, case .result(let two, _) = again.answer else {
            Issue.record("no processing result")
            return
        }
        #expect(one.edocId == two.edocId && two.accepted)
    }

    /// Eight copies of one message at once (a partner's retries overlapping): one document, the codes once.
    @Test(arguments: TestBackend.available) func eightCopiesAtOnceApplyOnce(_ backend: TestBackend) async throws {
        let hub = try Arrival(backend: backend)
        let codes = Self.newCodes(5)
        let message = try Self.signed(Self.message(codes: codes))
        let before = hub.codeCount
        let decisions = try await withThrowingTaskGroup(of: Decision.self) { group in
            for _ in 0..<8 { group.addTask { try hub.receive(message).decision } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions.allSatisfy { $0.accepted })
        #expect(Set(decisions.map(\.documentID)).count == 1)
        #expect(decisions.filter { !$0.repeated }.count == 1)
        #expect(hub.codeCount == before + 5 && hub.documentCount == 1)
    }

    /// Each bad message is refused with its own code, changes no code and no document, and is audited.
    @Test(arguments: TestBackend.available) func badMessagesAreRefusedWithTheirCodeAndLeaveOnlyTheirAuditEntry(
        _ backend: TestBackend
    ) throws {
        let hub = try Arrival(backend: backend)
        let accepted = Self.message(codes: Self.newCodes(1))
        #expect(try hub.receive(try Self.signed(accepted)).decision.accepted)
        let cases: [(String, [UInt8], ErrorCode)] = [
            ("unsigned", EAEUMessages.arrival(Self.message(codes: Self.newCodes(1))), .sigMissing),
            // A Kazakh participant's valid certificate is not Russia's system.
            (
                "wrong signer", try Self.signed(Self.message(codes: Self.newCodes(1)), by: .companyHead),
                .certUntrusted
            ),
            (
                "a state with no pinned system",
                try Self.signed(Self.message(codes: Self.newCodes(1), country: .belarus, taxId: "190123456")),
                .eaeuPartnerUnknown
            ),
            (
                "receiver's BIN with a wrong check digit",
                try Self.signed(
                    Self.message(
                        codes: Self.newCodes(1),
                        receiver: String(World.buyer.dropLast()) + (World.buyer.hasSuffix("0") ? "1" : "0"))),
                .eaeuMessageInvalid
            ),
            (
                "receiver not a participant",
                try Self.signed(Self.message(codes: Self.newCodes(1), receiver: TestPKI.operatorBIN)),
                .flcCounterpartyUnknown
            ),
            (
                "GTIN not in the catalogue",
                try Self.signed(
                    Self.message(codes: ["0104600000000015" + "21RUX1"], gtin: "04600000000015")),
                .catalogUnknownGTIN
            ),
            ("a code the hub issued", try Self.signed(Self.message(codes: [hub.world.codes[0]])), .eaeuCodeKnown),
            (
                "out of order: refers to a message never received",
                try Self.signed(Self.message(codes: Self.newCodes(1), refId: UUID().uuidString.lowercased())),
                .eaeuReferenceUnknown
            ),
            (
                "replayed id with other content",
                try Self.signed(Self.message(codes: Self.newCodes(1), id: accepted.edocId)), .flcNumberUsed
            ),
            (
                "dated tomorrow", try Self.signed(Self.message(codes: Self.newCodes(1), date: "2999-01-01")),
                .flcDateInFuture
            ),
            ("not XML", Array("<GoodsDeparture".utf8), .xmlMalformed),
            (
                "a participant's document", try World.signed(World.shipment(codes: [hub.world.codes[1]])),
                .xsdUnknownDocument
            ),
        ]
        for (name, bytes, code) in cases {
            let (codes, documents, audit) = (hub.codeCount, hub.documentCount, hub.auditCount)
            let (decision, answer) = try hub.receive(bytes)
            #expect(!decision.accepted, "\(name)")
            #expect(decision.diagnostics.map(\.code).contains(code), "\(name): \(decision.diagnostics)")
            #expect(hub.codeCount == codes && hub.documentCount == documents, "\(name) left a trace")
            #expect(hub.auditCount == audit + 1, "\(name) was not audited")
            switch answer {
            case .result(let result, _):
                #expect(!result.accepted && result.code == decision.diagnostics.first?.code.rawValue, "\(name)")
            case .unidentified(let error):
                // Only what has no readable EDocId is answered by a fault.
                #expect(decision.number == nil || decision.type != "eaeuArrival", "\(name): \(error)")
            }
        }
    }

    /// A participant cannot pass a partner's message off as its own through the documents API.
    @Test(arguments: TestBackend.available) func aParticipantCannotSubmitAnArrival(_ backend: TestBackend) throws {
        let hub = try Arrival(backend: backend)
        let message = try Self.signed(Self.message(codes: Self.newCodes(1)))
        let decision = try hub.pipeline.submit(message, submitter: World.buyer)
        #expect(!decision.accepted && decision.diagnostics.map(\.code) == [.authForbidden])
    }
}
