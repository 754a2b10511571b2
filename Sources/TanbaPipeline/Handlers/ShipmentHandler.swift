import Foundation
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaXML

/// The electronic accompanying document: the seller ships goods to a buyer; the hub locks the codes (and
/// everything inside shipped packages) until the buyer answers.
struct ShipmentHandler: DocumentHandler {
    static let typeCode = "shipment"
    static let namespace = "urn:kz:tanba:shipment:1"

    struct Item {
        let id: String
        /// The GTIN of a unit code; nil for an SSCC.
        let gtin: String?
        let element: XMLElement
    }

    struct Line {
        let element: XMLElement
        let gtin: String
        let quantity: Decimal
        let unitPrice: Decimal
        let vatRate: String
        let vatAmount: Decimal
        let amount: Decimal
        let items: [Item]
    }

    let sender: String
    let buyer: String
    let number: String
    let date: String
    let shipmentDate: String
    let numberLine: Int?
    let numberPath: String?
    let dates: [XMLElement]
    let lines: [Line]
    let totals: (quantity: Decimal, vat: Decimal, amount: Decimal, element: XMLElement)

    init(root: XMLElement) throws {
        let reader = Reader(root: root, namespace: Self.namespace)
        let header = try reader.child(root, "Header")
        let numberElement = try reader.child(header, "DocumentNumber")
        number = numberElement.text
        numberLine = numberElement.line
        numberPath = numberElement.path
        let dateElement = try reader.child(header, "DocumentDate")
        date = dateElement.text
        let shipment = try reader.child(header, "ShipmentDate")
        shipmentDate = shipment.text
        dates = [dateElement, shipment]
        sender = try reader.partyID(try reader.child(header, "Seller"))
        buyer = try reader.partyID(try reader.child(header, "Buyer"))
        lines = try reader.children(try reader.child(root, "Lines"), "Line").map { line in
            Line(
                element: line, gtin: try reader.text(line, "GTIN"), quantity: try reader.decimal(line, "Quantity"),
                unitPrice: try reader.decimal(line, "UnitPrice"), vatRate: try reader.text(line, "VATRate"),
                vatAmount: try reader.decimal(line, "VATAmount"), amount: try reader.decimal(line, "Amount"),
                items: try reader.items(try reader.child(line, "Items")))
        }
        let totalsElement = try reader.child(root, "Totals")
        totals = (
            try reader.decimal(totalsElement, "Quantity"), try reader.decimal(totalsElement, "VATAmount"),
            try reader.decimal(totalsElement, "Amount"), totalsElement
        )
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems: [Diagnostic] = []
        func fail(_ code: ErrorCode, _ message: String, _ element: XMLElement) {
            problems.append(Diagnostic(code, message, line: element.line, path: element.path))
        }
        let today = context.today
        for element in dates where element.text > today {
            fail(.flcDateInFuture, "\(element.name) \(element.text) is after today (\(today))", element)
        }
        if buyer == sender { fail(.flcSelfShipment, "the seller ships to itself", lines.first?.element ?? dates[0]) }
        if try tx.participant(buyer) == nil {
            fail(.flcCounterpartyUnknown, "the buyer \(buyer) is not a registered participant", dates[0])
        }
        let seller = try tx.participant(sender)
        var sums = (quantity: Decimal(0), vat: Decimal(0), amount: Decimal(0))
        // Lines repeat products: one catalogue lookup per GTIN.
        var cards: [String: ProductCard?] = [:]
        for line in lines {
            sums.quantity += line.quantity
            sums.vat += line.vatAmount
            sums.amount += line.amount
            if line.quantity * line.unitPrice != line.amount {
                fail(
                    .flcLineAmount,
                    "line \(line.element.attribute("number") ?? "?"): \(line.quantity) × \(line.unitPrice) = \(line.quantity * line.unitPrice), not \(line.amount)",
                    line.element)
            }
            let expectedVAT = Money.vatIncluded(line.amount, rate: line.vatRate)
            if abs(NSDecimalNumber(decimal: expectedVAT - line.vatAmount).doubleValue) > 0.01 {
                fail(
                    .flcVAT,
                    "line \(line.element.attribute("number") ?? "?"): VAT at \(line.vatRate) on \(line.amount) is \(expectedVAT), not \(line.vatAmount)",
                    line.element)
            }
            if cards[line.gtin] == nil { cards[line.gtin] = try tx.product(line.gtin) }
            if let card = cards[line.gtin] ?? nil {
                if let seller, !seller.productGroups.contains(card.productGroup) {
                    fail(
                        .participantNotAllowed, "\(sender) is not registered for product group \(card.productGroup)",
                        line.element)
                }
            } else {
                fail(.catalogUnknownGTIN, "GTIN \(line.gtin) is not in the catalogue", line.element)
            }
            for item in line.items where item.gtin != nil && item.gtin != line.gtin {
                fail(.flcCodeGTIN, "\(item.id) is a code of GTIN \(item.gtin!), not \(line.gtin)", item.element)
            }
            // A line of unit codes counts them; a line of transport packages counts the units inside.
            let counted = Decimal(try Units.count(line.items, gtin: line.gtin, in: tx))
            if counted != line.quantity {
                fail(
                    .flcQuantityCodes,
                    "line \(line.element.attribute("number") ?? "?"): quantity \(line.quantity) but \(counted) marked units",
                    line.element)
            }
        }
        if sums.quantity != totals.quantity || sums.vat != totals.vat || sums.amount != totals.amount {
            fail(
                .flcTotals,
                "totals \(totals.quantity) / \(totals.vat) / \(totals.amount) but the lines sum to \(sums.quantity) / \(sums.vat) / \(sums.amount)",
                totals.element)
        }
        // The codes: exist, belong to the seller, in circulation, not locked, not inside an unshipped package.
        let items = lines.flatMap(\.items)
        var changes: [CodeRecord] = []
        do {
            changes = try Ledger.perform(
                .lockForShipment(by: sender, document: context.id), on: items.map(\.id), document: context.id,
                at: context.now, in: tx)
        } catch let error as TanbaError {
            problems += Locate.diagnostics(error.diagnostics, items: items.map { ($0.id, $0.element) })
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        return Outcome(changes: changes, status: .waitingForCounterparty, recipient: buyer)
    }
}

/// Money arithmetic of documents.
enum Money {
    /// VAT included in `amount` at `rate` ("12", "16", "0", "NoVAT"), rounded half-up to tiyn.
    static func vatIncluded(_ amount: Decimal, rate: String) -> Decimal {
        guard let percent = Decimal(string: rate), percent > 0 else { return 0 }
        var value = amount * percent / (100 + percent)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }
}

/// Points domain diagnostics ("<code id>: …") at the document element that named the code.
enum Locate {
    static func diagnostics(_ diagnostics: [Diagnostic], items: [(String, XMLElement)]) -> [Diagnostic] {
        let byID = Dictionary(items, uniquingKeysWith: { first, _ in first })
        return diagnostics.map { diagnostic in
            var located = diagnostic
            if let id = diagnostic.message.split(separator: ":").first.map(String.init), let element = byID[id] {
                located.line = element.line
                located.path = element.path
            }
            return located
        }
    }
}

/// Reads a schema-valid document's elements (the XSD already guaranteed their presence and format).
struct Reader {
    let root: XMLElement
    let namespace: String

    func child(_ parent: XMLElement, _ name: String) throws -> XMLElement {
        guard let element = parent.child(named: name, namespace: namespace) else {
            throw TanbaError(.xsdInvalid, "\(name) is missing", line: parent.line, path: parent.path)
        }
        return element
    }

    func children(_ parent: XMLElement, _ name: String) -> [XMLElement] {
        parent.children(named: name, namespace: namespace)
    }

    func text(_ parent: XMLElement, _ name: String) throws -> String { try child(parent, name).text }

    func decimal(_ parent: XMLElement, _ name: String) throws -> Decimal {
        let element = try child(parent, name)
        guard let value = Decimal(string: element.text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw TanbaError(.xsdInvalid, "\(name) is not a number", line: element.line, path: element.path)
        }
        return value
    }

    /// The BIN or IIN of a Party.
    func partyID(_ party: XMLElement) throws -> String {
        if let bin = party.child(named: "BIN", namespace: namespace) { return bin.text }
        return try text(party, "IIN")
    }

    /// Codes (as `01…21…`) and SSCCs (as `00…`) of an Items element.
    func items(_ element: XMLElement) throws -> [ShipmentHandler.Item] {
        try element.children.filter { $0.name == "Code" || $0.name == "SSCC" }.map { item in
            let text = item.text
            if item.name == "SSCC" { return ShipmentHandler.Item(id: "00" + text, gtin: nil, element: item) }
            // The schema's pattern already holds the code to `01` + 14 digits + `21` + serial: that text is the
            // identification, and the GTIN is its digits 3–16 (a wrong check digit can only name a code that was
            // never issued, which the controls report).
            if text.utf8.count > 18, text.hasPrefix("01") {
                let gtin = String(text.utf8.dropFirst(2).prefix(14))!
                return ShipmentHandler.Item(id: text, gtin: gtin, element: item)
            }
            let code = try MarkingCode.parse(text)
            return ShipmentHandler.Item(id: code.identification, gtin: code.gtin.value, element: item)
        }
    }
}
