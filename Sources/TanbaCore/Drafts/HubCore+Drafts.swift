import Foundation
public import TanbaDomain
import TanbaErrors
public import TanbaStore
import TanbaXML

/// The drafts a participant prepares in the web application: each checks what the caller may do (answer a shipment
/// addressed to it, cancel its own unanswered one, ship or withdraw what it holds) and returns the unsigned
/// document, which `preview` then decides without writing.
extension HubCore {
    /// A registered participant.
    /// - Throws: `PARTICIPANT_UNKNOWN`.
    public func participant(_ id: String) throws -> Participant {
        guard let participant = try store.read({ try $0.participant(id) }) else {
            throw TanbaError(.participantUnknown, "\(id) is not a registered participant")
        }
        return participant
    }

    /// The codes and packages an accompanying document names (packages as `00` + SSCC), in document order.
    public func shippedItems(of shipment: DocumentRecord) throws -> [String] {
        try shippedLines(of: shipment).flatMap(\.items)
    }

    /// An accompanying document's lines: each line's number, GTIN and the codes and packages it names.
    public func shippedLines(of shipment: DocumentRecord) throws -> [(number: String, gtin: String, items: [String])] {
        let namespace = "urn:kz:tanba:shipment:1"
        let root = try XMLDocument.parse(shipment.content).root
        let lines =
            root.child(named: "Lines", namespace: namespace)?.children(named: "Line", namespace: namespace) ?? []
        return lines.enumerated().map { index, line in
            let items = line.descendants { ($0.name == "Code" || $0.name == "SSCC") && $0.namespaceURI == namespace }
                .map { DocumentItems.identity(element: $0.name, text: $0.text) }
            return (
                line.attribute("number") ?? "\(index + 1)", line.child(named: "GTIN", namespace: namespace)?.text ?? "",
                items
            )
        }
    }

    /// Shipment `id` as the party that may act on it now: its buyer (`.inbox`) to answer it, its seller
    /// (`.outbox`) to cancel it; it must still wait for the buyer's answer.
    /// - Throws: `NOT_FOUND`, `AUTH_FORBIDDEN`, `FLC_SHIPMENT_UNKNOWN` for one answered or cancelled.
    public func pendingShipment(_ id: String, as caller: Caller, from side: DocumentQuery.Box) throws
        -> DocumentRecord
    {
        guard case .document(let record) = try document(id, as: caller), record.type == "shipment" else {
            throw TanbaError(.notFound, "\(id) is not an accompanying document")
        }
        let party = side == .inbox ? record.recipient : record.sender
        guard party == caller.participant else {
            throw TanbaError(
                .authForbidden,
                side == .inbox ? "only the buyer answers a shipment" : "only the seller cancels its shipment")
        }
        guard record.status == .waitingForCounterparty else {
            throw TanbaError(.flcShipmentUnknown, "shipment \(record.number) is \(record.status.rawValue)")
        }
        return record
    }

    /// What each code or package holds, in one read: the units (1 for a unit, those inside a package at any
    /// depth) and its GTIN (its own, else the first found inside, level by level).
    public func holdings(of ids: [String]) throws -> [String: (units: Int, gtin: String?)] {
        try store.read { tx in
            var result: [String: (units: Int, gtin: String?)] = [:]
            for id in ids {
                var (count, gtin): (Int, String?) = (0, nil)
                var level = [id]
                while !level.isEmpty {
                    let records = try tx.codes(level)
                    let units = records.values.filter { $0.level == .unit }
                    count += units.count
                    gtin = gtin ?? records.values.compactMap(\.gtin).sorted().first
                    level = try tx.children(of: records.values.filter { $0.level != .unit }.map(\.id)).map(\.id)
                }
                result[id] = (count, gtin)
            }
            return result
        }
    }
}
