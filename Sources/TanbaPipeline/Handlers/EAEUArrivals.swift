import Foundation
import TanbaDomain
import TanbaErrors
public import TanbaIntegrations
import TanbaStore
public import TanbaXML

/// The partner states' systems whose goods messages the hub accepts: per member state, the certificate(s) its
/// system signs with, pinned by the operator (`tanba serve --eaeu-partner RU=FILE.pem`).
///
/// Why pinned and not a trust store: the partners' certificates come from their own states' CAs, which the hub's
/// Kazakh trust store does not hold and should not — a certificate trusted for arrivals must not also be able to
/// sign a Kazakh participant's documents. The pin is the agreement between the two states' operators.
public struct EAEUPartners: Sendable {
    public let certificates: [EAEUCountry: [Certificate]]

    public init(_ certificates: [EAEUCountry: [Certificate]] = [:]) {
        self.certificates = certificates
    }

    /// No partner: every arrival is refused with `EAEU_PARTNER_UNKNOWN`.
    public static let none = EAEUPartners()

    /// Verifies a message's signature against the pinned certificates of `country`'s system.
    /// - Throws: `EAEU_PARTNER_UNKNOWN` when no system of that country is pinned; `SIG_MISSING` for an unsigned
    ///   message; `CERT_UNTRUSTED` when it is signed by another certificate (another state's, a participant's);
    ///   the other `SIG_…`/`CERT_…` codes for a broken signature or an expired certificate.
    func verify(_ document: XMLDocument, country: EAEUCountry, at time: Date) throws -> VerifiedDocument {
        let pinned = certificates[country] ?? []
        guard let first = pinned.first else {
            throw TanbaError(
                .eaeuPartnerUnknown, "no system of \(country.rawValue) is a partner of the hub (none is pinned)",
                line: document.root.line, path: document.root.path)
        }
        var refusal: TanbaError?
        for certificate in pinned {
            do {
                return try SignatureVerifier.verify(document, pinnedTo: certificate, at: time)
            } catch let error as TanbaError where error.code == .certUntrusted {
                refusal = refusal ?? error
            }
        }
        throw TanbaError(
            .certUntrusted,
            "the message is not signed by the system of \(country.rawValue)"
                + (pinned.count == 1 ? " (\(first.subject))" : " (\(pinned.count) certificates pinned)"),
            line: refusal?.diagnostics.first?.line, path: refusal?.diagnostics.first?.path)
    }
}

/// Goods arriving from another EAEU member state: a partner system's goods message (`GoodsDeparture` with a
/// foreign sender and a Kazakh receiver) puts each unit into circulation for the receiver.
///
/// The message goes through every step a document goes through — safe parse, XSD, its identity by canonical
/// form (a repeat gets the first answer), the signature (of the pinned partner system instead of a participant's
/// representative), format-logical control, one atomic change set, the audit entry — and the hub answers it with a
/// signed processing result (`DocumentPipeline.receiveEAEU`). Its document number is the message's EDocId and
/// its sender the foreign party (`RU:7707083893`), so one message is applied once, ever.
struct EAEUArrivalHandler: DocumentHandler {
    static let typeCode = "eaeuArrival"
    static let namespace = EAEUMessages.departureNamespace

    let arrival: EAEUArrival
    let idElement: XMLElement
    let refElement: XMLElement?
    let receiverElement: XMLElement
    let dateElement: XMLElement
    /// Each goods item's element, GTIN, and its codes with their elements.
    let items: [(element: XMLElement, gtin: String, codes: [(id: String, element: XMLElement)])]

    init(root: XMLElement) throws {
        arrival = try EAEUMessages.readArrival(root)
        // The reader checked the structure; the elements are found again for the diagnostics to point at.
        let sdo = EAEUMessages.simpleDataObjects
        let own = Self.namespace
        func child(_ parent: XMLElement, _ name: String, _ namespace: String) throws -> XMLElement {
            guard let element = parent.child(named: name, namespace: namespace) else {
                throw TanbaError(.internal, "\(name) vanished after the arrival was read")
            }
            return element
        }
        idElement = try child(root, "EDocId", sdo)
        refElement = root.child(named: "EDocRefId", namespace: sdo)
        receiverElement = try child(try child(root, "Receiver", own), "TaxpayerId", sdo)
        dateElement = try child(try child(root, "AccompanyingDocument", own), "DocCreationDate", sdo)
        items = try child(root, "Goods", own).children.map { item in
            let codes = item.children.filter { $0.name == "IdentificationCode" }.map { ($0.text, $0) }
            return (item, try child(item, "GTIN", own).text, codes)
        }
    }

    var sender: String { arrival.sender }
    var number: String { arrival.edocId }
    var date: String { arrival.documentDate }
    var numberLine: Int? { idElement.line }
    var numberPath: String? { idElement.path }
    var partnerCountry: EAEUCountry? { arrival.senderCountry }

    static var rules: [any DocumentRule] {
        [DatesNotInFuture(), CounterpartyRegistered(), ProductInCatalogue()]
    }

    var facts: DocumentFacts {
        var facts = DocumentFacts(sender: sender, anchor: idElement)
        facts.dates = [dateElement]
        facts.counterparty = (arrival.receiverBIN, receiverElement)
        facts.lines = items.map { ProductLine(element: $0.element, gtin: $0.gtin) }
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
        // A message that refers to one the hub never received came out of order (or refers to another system's):
        // applying it before its predecessor could put goods in circulation twice.
        if let ref = arrival.edocRefId, let refElement, try tx.document(sender: sender, number: ref) == nil {
            problems.append(
                Diagnostic(
                    .eaeuReferenceUnknown,
                    "EDocRefId \(ref) names no message the hub received from \(sender); send that one first",
                    at: refElement))
        }
        // A code is issued once, ever: a unit the hub knows cannot arrive as new. Goods that left for a member
        // state (withdrawn by an EAEU shipment) come back instead: they return into circulation for the receiver,
        // whichever member state's system sends them (they may have travelled on from the first).
        let ids = items.flatMap { $0.codes.map(\.id) }
        let known = try tx.codes(ids)
        var returning: [String] = []
        for item in items {
            for code in item.codes {
                guard let record = known[code.id] else { continue }
                if record.status == .withdrawn, record.withdrawalReason == .eaeuShipment {
                    returning.append(code.id)
                    continue
                }
                problems.append(
                    Diagnostic(
                        .eaeuCodeKnown,
                        "\(code.id) is known to the hub already (\(record.status.rawValue)"
                            + (record.withdrawalReason.map { ", \($0.rawValue)" } ?? "")
                            + ", owned by \(record.owner)); only goods shipped to an EAEU member state come back "
                            + "by an arrival", at: code.element, subject: code.id))
            }
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        let receiver = arrival.receiverBIN
        let fresh = items.map { item in (gtin: item.gtin, codes: item.codes.filter { known[$0.id] == nil }) }
        let codes = fresh.flatMap { item in
            item.codes.map {
                CodeRecord(
                    id: $0.id, level: .unit, gtin: item.gtin, status: .inCirculation, owner: receiver,
                    emitter: sender, issuedAt: context.now)
            }
        }
        if !codes.isEmpty {
            // The code's history: issued abroad (its row), then introduced here for the receiver — the entry the
            // public check finds the origin by.
            try tx.insert(codes, origin: context.id)
            try tx.record(
                HistoryEntry(
                    at: context.now, operation: "introduce", status: .inCirculation, owner: receiver,
                    document: context.id), for: codes.map(\.id))
            try tx.save(
                Set(fresh.filter { !$0.codes.isEmpty }.map(\.gtin)).sorted().map {
                    GoodsOrigin(
                        document: context.id, gtin: $0, kind: .import, introducer: receiver,
                        country: arrival.senderCountry.rawValue)
                })
        }
        // A returning code keeps its origin (its first introduction); its history gains `reimport`.
        let returned =
            returning.isEmpty
            ? []
            : try Ledger.perform(
                .reimport(to: receiver), on: returning, document: context.id, at: context.now, in: tx)
        return Outcome(changes: codes + returned, status: .accepted, recipient: receiver)
    }
}
