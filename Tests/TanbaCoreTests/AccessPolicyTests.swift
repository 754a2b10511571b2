import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaTestSupport
import Testing

/// The access policy, role by role: each sees what it should and is refused what it should not, with the stable
/// code a channel answers.
@Suite struct AccessPolicyTests {
    let policy = AccessPolicy()
    static let (seller, buyer, stranger, inspector) = ("050140001238", "031240500125", "850315300128", "x")

    static func reader(_ participant: String) -> AccessPolicy.Reader {
        AccessPolicy.Reader(participant: participant, isStateBody: participant == inspector)
    }

    static let shipment = DocumentRecord(
        id: "DOC-1", type: "shipment", sender: seller, number: "1", date: "2026-11-20", recipient: buyer,
        receivedAt: Date(), status: .waitingForCounterparty, digest: "d", content: [], receipt: [])

    /// Submitted by the seller's login, naming the buyer as sender: both may read it, nobody else.
    static let refusal = RejectionRecord(
        id: "DOC-2", submitter: seller, type: "shipment", sender: buyer, number: "2", receivedAt: Date(),
        code: "SIG_DIGEST_MISMATCH", receipt: [])

    @Test(arguments: [seller, buyer, inspector])
    func aDocumentIsReadBySenderRecipientAndStateBody(reader: String) throws {
        try policy.checkRead(Self.shipment, by: Self.reader(reader))
    }

    @Test func aDocumentIsForbiddenToAThirdParticipant() {
        expectCode(.authForbidden) { try policy.checkRead(Self.shipment, by: Self.reader(Self.stranger)) }
    }

    @Test(arguments: [seller, buyer, inspector])
    func aRefusalIsReadBySubmitterNamedSenderAndStateBody(reader: String) throws {
        try policy.checkRead(Self.refusal, by: Self.reader(reader))
    }

    @Test func aRefusalIsForbiddenToAThirdParticipant() {
        expectCode(.authForbidden) { try policy.checkRead(Self.refusal, by: Self.reader(Self.stranger)) }
    }

    /// Emitted to the seller, shipped to the buyer (now the owner); the stranger never held it.
    static let code = CodeRecord(
        id: "0104870001000011215ABCDEFGHIJKL", level: .unit, gtin: "04870001000011", status: .inCirculation,
        owner: buyer, emitter: seller, issuedAt: Date())
    static let history = [
        CodeEvent(codeID: code.id, at: Date(), operation: "emit", status: .issued, owner: seller, document: "ORDER"),
        CodeEvent(
            codeID: code.id, at: Date(), operation: "introduce", status: .inCirculation, owner: seller, document: nil),
        CodeEvent(
            codeID: code.id, at: Date(), operation: "ship", status: .inCirculation, owner: seller, document: "DOC-1"),
        CodeEvent(
            codeID: code.id, at: Date(), operation: "accept", status: .inCirculation, owner: buyer, document: "DOC-1"),
        CodeEvent(
            codeID: code.id, at: Date(), operation: "ship", status: .inCirculation, owner: buyer, document: "DOC-9"),
    ]

    @Test func theOwnerAndAStateBodySeeTheWholeCode() {
        #expect(policy.codeScope(Self.code, history: Self.history, by: Self.reader(Self.buyer)) == .full)
        #expect(policy.codeScope(Self.code, history: Self.history, by: Self.reader(Self.inspector)) == .full)
    }

    @Test func aFormerHolderSeesItsOwnPartOnly() {
        #expect(policy.codeScope(Self.code, history: Self.history, by: Self.reader(Self.seller)) == .formerHolder)
        let part = policy.part(of: Self.history, for: Self.seller, documents: ["DOC-1"])
        // Its own events, the one that took the code away, its shipment's; not the buyer's later shipment.
        #expect(part.map(\.operation) == ["emit", "introduce", "ship", "accept"])
        #expect(!part.contains { $0.document == "DOC-9" })
    }

    @Test func aParticipantThatNeverHeldTheCodeSeesNothing() {
        #expect(policy.codeScope(Self.code, history: Self.history, by: Self.reader(Self.stranger)) == nil)
    }

    @Test func aSignerOfAnotherOrganisationIsNotItsRepresentative() throws {
        let company = try Participant(
            id: Self.seller, name: "ТОО", isOrganisation: true, roles: [.wholesaler],
            representatives: [Representative(iin: "850315300128")])
        try policy.checkSigner(bin: Self.seller, iin: "850315300128", actsFor: company)
        expectCode(.authNotRepresentative) { try policy.checkSigner(bin: Self.buyer, iin: nil, actsFor: company) }
        // The company's own BIN, but a person it did not register.
        expectCode(.authNotRepresentative) {
            try policy.checkSigner(bin: Self.seller, iin: "870412300122", actsFor: company)
        }
    }

    @Test func anEntrepreneurIsRepresentedOnlyByTheirOwnIIN() throws {
        let person = try Participant(id: Self.stranger, name: "ИП", isOrganisation: false, roles: [.retailer])
        try policy.checkSigner(bin: nil, iin: Self.stranger, actsFor: person)
        expectCode(.authNotRepresentative) { try policy.checkSigner(bin: nil, iin: Self.buyer, actsFor: person) }
    }
}
