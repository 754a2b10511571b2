import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaTestSupport
import Testing

/// The core's read operations ask the policy with what the store holds: a document, a refusal, a code, a list.
@Suite struct HubCoreReadTests {
    static let (seller, buyer, entrepreneur, inspector) = (
        CoreFixture.seller, CoreFixture.buyer, CoreFixture.entrepreneur, CoreFixture.inspector
    )

    static func stored() throws -> CoreFixture {
        let fixture = try CoreFixture()
        try fixture.store.write { tx in
            try tx.save(
                DocumentRecord(
                    id: "DOC-1", type: "shipment", sender: seller, number: "1", date: "2026-11-20", recipient: buyer,
                    receivedAt: Date(), status: .waitingForCounterparty, digest: "d1", content: Array("<x/>".utf8),
                    receipt: Array("<r/>".utf8)))
            try tx.save(
                RejectionRecord(
                    id: "DOC-2", submitter: entrepreneur, type: "shipment", sender: seller, number: "2",
                    receivedAt: Date(), code: "AUTH_FORBIDDEN", receipt: Array("<refused/>".utf8)))
        }
        return fixture
    }

    @Test func aDocumentIsReadByItsPartiesAndAStateBodyAndForbiddenToOthers() throws {
        let fixture = try Self.stored()
        for reader in [Self.seller, Self.buyer, Self.inspector] {
            let visible = try fixture.core.document("DOC-1", as: Caller(participant: reader))
            #expect(visible.summary.status == "waitingForCounterparty")
        }
        expectCode(.authForbidden) {
            _ = try fixture.core.document("DOC-1", as: Caller(participant: Self.entrepreneur))
        }
    }

    @Test func aRefusalIsReadByItsSubmitterAsRejectedWithItsCode() throws {
        let fixture = try Self.stored()
        let visible = try fixture.core.document("DOC-2", as: Caller(participant: Self.entrepreneur))
        #expect(visible.summary.status == "rejected" && visible.summary.code == "AUTH_FORBIDDEN")
        #expect(visible.receipt == Array("<refused/>".utf8))
        expectCode(.authForbidden) { _ = try fixture.core.document("DOC-2", as: Caller(participant: Self.buyer)) }
    }

    @Test func aDocumentThatDoesNotExistIsNotFound() throws {
        let fixture = try Self.stored()
        expectCode(.notFound) { _ = try fixture.core.document("DOC-404", as: Caller(participant: Self.inspector)) }
    }

    @Test func theInboxAndOutboxHoldTheirParticipantsDocumentsOnly() throws {
        let fixture = try Self.stored()
        let inbox = try fixture.core.list(.inbox, [], as: Caller(participant: Self.buyer))
        #expect(inbox.documents.map(\.id) == ["DOC-1"] && inbox.next == nil)
        #expect(try fixture.core.list(.inbox, [], as: Caller(participant: Self.seller)).documents.isEmpty)
        let outbox = try fixture.core.list(
            .outbox, [("status", "waitingForCounterparty")], as: Caller(participant: Self.seller))
        #expect(outbox.documents.map(\.id) == ["DOC-1"])
        expectCode(.requestParameterInvalid) {
            _ = try fixture.core.list(.outbox, [("status", "lost")], as: Caller(participant: Self.seller))
        }
    }

    @Test func aCodeSomeoneElseHoldsIsNotFoundLikeAMadeUpOne() throws {
        let fixture = try CoreFixture()
        let id = "0104870001000011215ABCDEFGHIJKL"
        try fixture.store.write { tx in
            try tx.insert(
                [
                    CodeRecord(
                        id: id, level: .unit, gtin: "04870001000011", status: .issued, owner: Self.seller,
                        emitter: Self.seller, issuedAt: Date())
                ], origin: "ORDER")
        }
        #expect(try fixture.core.code(id, as: Caller(participant: Self.seller)).scope == .full)
        #expect(try fixture.core.code(id, as: Caller(participant: Self.inspector)).scope == .full)
        let stranger = expectCode(.notFound) { _ = try fixture.core.code(id, as: Caller(participant: Self.buyer)) }
        let madeUp = expectCode(.notFound) {
            _ = try fixture.core.code("0104870001000011215ZZZZZZZZZZZZ", as: Caller(participant: Self.buyer))
        }
        #expect(stranger?.message.hasPrefix("no code ") == true && madeUp?.message.hasPrefix("no code ") == true)
    }

    @Test func aTextThatIsNoCodeIsRefusedNamingTheParameter() throws {
        let fixture = try CoreFixture()
        let error = expectCode(.requestParameterInvalid) {
            _ = try fixture.core.codeIdentity("(01)04870001000012(21)ABC", parameter: "query parameter 'code'")
        }
        #expect(error?.diagnostics.map(\.code).contains(.gs1CheckDigit) == true)
    }
}
