import Foundation
import TanbaDomain
import TanbaIntegrations
import TanbaStore

/// The Ministry of Finance export's events, extracted by the decisions that make them and written by the same
/// transaction (`StoreWriter.save(_: [MoFEvent])`): an event exists exactly when its decision was applied, and is
/// dated by it.
enum MoFEvents {
    /// The head of an event a document decided at `context.now`.
    static func head(_ context: Context, number: String, date: String) -> MoFFormat.EventHead {
        MoFFormat.EventHead(at: context.now, document: context.id, number: number, date: date)
    }

    /// The event, dated by the decision: its day is Kazakhstan's day of `context.now`.
    static func event(
        _ kind: MoFEventKind, _ context: Context, fragment: [UInt8], snt: String? = nil, seller: String? = nil,
        buyer: String? = nil, lines: [MoFFormat.Line] = []
    ) -> MoFEvent {
        var quantities: [String: Decimal] = [:]
        for line in lines { quantities[line.gtin, default: 0] += line.quantity }
        let text = quantities.sorted { $0.key < $1.key }.map {
            "\($0.key)=\(NSDecimalNumber(decimal: $0.value).description(withLocale: Locale.posix))"
        }.joined(separator: ";")
        return MoFEvent(
            day: MoFEvent.day(of: context.now), at: context.now, kind: kind, document: context.id, snt: snt,
            seller: seller, buyer: buyer, quantities: lines.isEmpty ? nil : text, fragment: fragment)
    }

    /// Lines of units by GTIN in first-seen order, a quantity per code named (a package counts once).
    static func lines(_ items: [(gtin: String, codes: [String])]) -> [MoFFormat.Line] {
        items.map { MoFFormat.Line(gtin: $0.gtin, quantity: Decimal($0.codes.count), codes: $0.codes) }
    }

    /// The accepted part of a shipment's lines: a line whose items were all accepted as declared; a line accepted in
    /// part with its quantity in proportion to the items accepted, its amount at the declared unit price and its
    /// VAT recomputed at the declared rate; a line of which nothing was accepted is left out.
    static func accepted(_ shipment: ShipmentHandler, ids: Set<String>) -> [MoFFormat.Line] {
        shipment.lines.compactMap { line in
            let codes = line.items.map(\.id).filter { ids.contains($0) }
            guard !codes.isEmpty else { return nil }
            if codes.count == line.items.count {
                return MoFFormat.Line(
                    gtin: line.gtin, quantity: line.quantity, unitPrice: line.unitPrice, vatRate: line.vatRate,
                    vatAmount: line.vatAmount, amount: line.amount, codes: codes)
            }
            var quantity = line.quantity * Decimal(codes.count) / Decimal(line.items.count)
            var rounded = Decimal()
            NSDecimalRound(&rounded, &quantity, 3, .plain)
            var amount = line.unitPrice * rounded
            var amountRounded = Decimal()
            NSDecimalRound(&amountRounded, &amount, 2, .plain)
            return MoFFormat.Line(
                gtin: line.gtin, quantity: rounded, unitPrice: line.unitPrice, vatRate: line.vatRate,
                vatAmount: Money.vatIncluded(amountRounded, rate: line.vatRate), amount: amountRounded, codes: codes)
        }
    }

    /// Items grouped by GTIN (an SSCC under the empty GTIN), in first-seen order.
    static func byGTIN(_ items: [ShipmentHandler.Item], gtin: String? = nil) -> [(gtin: String, codes: [String])] {
        var order: [String] = []
        var codes: [String: [String]] = [:]
        for item in items {
            let key = gtin ?? item.gtin ?? ""
            if codes[key] == nil { order.append(key) }
            codes[key, default: []].append(item.id)
        }
        return order.map { ($0, codes[$0]!) }
    }
}
