public import Foundation
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
    let buyerElement: XMLElement
    let numberElement: XMLElement
    let number: String
    let date: String
    let shipmentDate: String
    let numberLine: Int?
    let numberPath: String?
    let dates: [XMLElement]
    let lines: [Line]
    let totals: (quantity: Decimal, vat: Decimal, amount: Decimal, element: XMLElement)
    /// The registration number of the tax side's accompanying invoice for goods (SNT), when the seller names it.
    let snt: String?

    init(root: XMLElement) throws {
        let reader = Reader(root: root, namespace: Self.namespace)
        let header = try reader.child(root, "Header")
        numberElement = try reader.child(header, "DocumentNumber")
        number = numberElement.text
        numberLine = numberElement.line
        numberPath = numberElement.path
        let dateElement = try reader.child(header, "DocumentDate")
        date = dateElement.text
        let shipment = try reader.child(header, "ShipmentDate")
        shipmentDate = shipment.text
        dates = [dateElement, shipment]
        sender = try reader.partyID(try reader.child(header, "Seller"))
        buyerElement = try reader.child(header, "Buyer")
        buyer = try reader.partyID(buyerElement)
        snt = header.child(named: "SNT", namespace: Self.namespace)?.text
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

    static let rules: [any DocumentRule] = [
        DatesNotInFuture(), NotToSelf(), CounterpartyRegistered(), LineAmount(), LineVAT(), ProductInCatalogue(),
        CodesOfTheLinesGTIN(), QuantityOfMarkedUnits(), TotalsOfTheLines(),
    ]

    var facts: DocumentFacts {
        var facts = DocumentFacts(sender: sender, anchor: numberElement)
        facts.dates = dates
        facts.counterparty = (buyer, buyerElement)
        facts.lines = lines.map { line in
            var product = ProductLine(element: line.element, gtin: line.gtin, items: line.items)
            product.quantity = line.quantity
            product.price = ProductLine.Price(
                unitPrice: line.unitPrice, vatRate: line.vatRate, vatAmount: line.vatAmount, amount: line.amount)
            return product
        }
        facts.totals = DocumentFacts.Totals(
            quantity: totals.quantity, vat: totals.vat, amount: totals.amount, element: totals.element)
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
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
public enum Money {
    /// VAT included in `amount` at `rate` ("12", "16", "0", "NoVAT"), rounded half-up to tiyn.
    public static func vatIncluded(_ amount: Decimal, rate: String) -> Decimal {
        guard let percent = Decimal(string: rate), percent > 0 else { return 0 }
        var value = amount * percent / (100 + percent)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }
}

/// Points domain diagnostics at the document element that named the code or package they are about (their
/// `subject`).
enum Locate {
    static func diagnostics(_ diagnostics: [Diagnostic], items: [(String, XMLElement)]) -> [Diagnostic] {
        let byID = Dictionary(items, uniquingKeysWith: { first, _ in first })
        return diagnostics.map { diagnostic in
            var located = diagnostic
            if let id = diagnostic.subject, let element = byID[id] {
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
        // No locale: then `.` is the separator, as in xsd:decimal, and ICU is not asked for a locale's separator
        // for every amount (with `Locale.posix` that was 1.4% of a small shipment's CPU).
        guard let value = Decimal(string: element.text) else {
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
