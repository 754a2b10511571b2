public import Foundation
public import TanbaDomain
import TanbaPipeline
public import TanbaStore
import TanbaXML

/// Documents the hub prepares for a participant to sign, for clerks without an ERP: the web application shows a
/// draft's preview (`HubCore.preview`), the user signs it in the browser, and the signed document is submitted
/// like any other. A draft is unsigned XML of the document's schema, every value escaped; the pipeline checks it
/// as it checks an ERP's document, so nothing here decides whether it is right.
public enum DocumentDrafts {
    /// An item of a document: a marking code, or a package by its identity in the store (`00` + SSCC).
    static func item(_ id: String) -> String { DocumentItems.element(id) }

    static func party(_ element: String, _ participant: Participant) -> String {
        let id = participant.isOrganisation ? "<BIN>\(participant.id)</BIN>" : "<IIN>\(participant.id)</IIN>"
        return "<\(element)>\(id)<Name>\(escape(String(participant.name.prefix(250))))</Name></\(element)>"
    }

    static func header(number: String, date: String, sender: Participant) -> String {
        "<Header><DocumentNumber>\(escape(number))</DocumentNumber><DocumentDate>\(date)</DocumentDate>"
            + party("Sender", sender) + "</Header>"
    }

    static func document(_ root: String, _ namespace: String, _ body: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root) xmlns=\"\(namespace)\" version=\"1.0\">\(body)</\(root)>\n"
    }

    /// The buyer's answer to `shipment`: the items accepted, and each item rejected with its reason. All accepted
    /// is `AcceptAll`, none `Reject`, otherwise `AcceptPart`.
    public static func shipmentAnswer(
        number: String, date: String, buyer: Participant, seller: Participant, shipment: DocumentRecord,
        accepted: [String], rejected: [String], reason: String
    ) -> String {
        let decision = rejected.isEmpty ? "AcceptAll" : accepted.isEmpty ? "Reject" : "AcceptPart"
        var body = header(number: number, date: date, sender: buyer)
        body += "<Shipment><Number>\(escape(shipment.number))</Number><Date>\(shipment.date)</Date></Shipment>"
        body += party("Seller", seller) + "<Decision>\(decision)</Decision>"
        if !accepted.isEmpty { body += "<Accepted>" + accepted.map(item).joined() + "</Accepted>" }
        if !rejected.isEmpty {
            body +=
                "<Rejected>"
                + rejected.map { "<Item>\(item($0))<Reason>\(escape(String(reason.prefix(500))))</Reason></Item>" }
                .joined() + "</Rejected>"
        }
        return document("ShipmentAnswer", "urn:kz:tanba:shipment-answer:1", body)
    }

    /// The seller's cancellation of its unanswered `shipment`.
    public static func cancellation(
        number: String, date: String, seller: Participant, buyer: Participant, shipment: DocumentRecord, reason: String
    ) -> String {
        var body = header(number: number, date: date, sender: seller)
        body += "<Shipment><Number>\(escape(shipment.number))</Number><Date>\(shipment.date)</Date></Shipment>"
        body += party("Buyer", buyer) + "<Reason>\(escape(String(reason.prefix(500))))</Reason>"
        return document("ShipmentCancellation", "urn:kz:tanba:shipment-cancellation:1", body)
    }

    /// A withdrawal from circulation of `codes` for `reason` (a code of reference list `withdrawal-reasons`), with
    /// the basis document when there is one.
    public static func withdrawal(
        number: String, date: String, owner: Participant, reason: String, basis: (number: String, date: String)?,
        withdrawalDate: String, codes: [String]
    ) -> String {
        var body = header(number: number, date: date, sender: owner) + "<Reason>\(escape(reason))</Reason>"
        if let basis {
            body += "<Basis><Number>\(escape(basis.number))</Number><Date>\(escape(basis.date))</Date></Basis>"
        }
        body += "<WithdrawalDate>\(escape(withdrawalDate))</WithdrawalDate><Items>" + codes.map(item).joined()
        return document("Withdrawal", "urn:kz:tanba:withdrawal:1", body + "</Items>")
    }

    /// The packing of `items` (codes and packages) into `package` (an SSCC as `00` + 18 digits, or a group
    /// package's code).
    public static func aggregation(
        number: String, date: String, owner: Participant, package: String, items: [String]
    ) -> String {
        let body =
            header(number: number, date: date, sender: owner) + "<Package>\(item(package))</Package><Items>"
            + items.map(item).joined() + "</Items>"
        return document("Aggregation", "urn:kz:tanba:aggregation:1", body)
    }

    /// A line of an accompanying document: one GTIN, its codes and packages, the number of units they hold, a
    /// price per unit with VAT included, and the VAT rate (a code of reference list `vat-rates`).
    public struct Line: Sendable {
        public let gtin: String
        public let name: String
        public let items: [String]
        public let units: Int
        public let unitPrice: Decimal
        public let vatRate: String

        public init(gtin: String, name: String, items: [String], units: Int, unitPrice: Decimal, vatRate: String) {
            self.gtin = gtin
            self.name = name
            self.items = items
            self.units = units
            self.unitPrice = unitPrice
            self.vatRate = vatRate
        }
    }

    /// An accompanying document from `seller` to `buyer`: amounts are quantity × price, VAT included at each line's
    /// rate (`Money.vatIncluded`, the rule the controls check), totals their sums.
    public static func shipment(
        number: String, date: String, seller: Participant, buyer: Participant, lines: [Line]
    ) -> String {
        var body = "<Header><DocumentNumber>\(escape(number))</DocumentNumber><DocumentDate>\(date)</DocumentDate>"
        body += "<ShipmentDate>\(date)</ShipmentDate>" + party("Seller", seller) + party("Buyer", buyer)
        body += "<Currency>KZT</Currency></Header><Lines>"
        var total = (units: 0, vat: Decimal(0), amount: Decimal(0))
        for (index, line) in lines.enumerated() {
            let amount = line.unitPrice * Decimal(line.units)
            let vat = Money.vatIncluded(amount, rate: line.vatRate)
            total = (total.units + line.units, total.vat + vat, total.amount + amount)
            body += "<Line number=\"\(index + 1)\"><GTIN>\(line.gtin)</GTIN>"
            body += "<Name>\(escape(String(line.name.prefix(250))))</Name><Quantity>\(line.units)</Quantity>"
            body += "<UnitPrice>\(money(line.unitPrice))</UnitPrice><VATRate>\(escape(line.vatRate))</VATRate>"
            body += "<VATAmount>\(money(vat))</VATAmount><Amount>\(money(amount))</Amount>"
            body += "<Items>" + line.items.map(item).joined() + "</Items></Line>"
        }
        body += "</Lines><Totals><Quantity>\(total.units)</Quantity><VATAmount>\(money(total.vat))</VATAmount>"
        body += "<Amount>\(money(total.amount))</Amount></Totals>"
        return document("Shipment", "urn:kz:tanba:shipment:1", body)
    }

    /// An amount with two decimals and a dot, as the schemas write money.
    static func money(_ value: Decimal) -> String {
        var value = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let text = NSDecimalNumber(decimal: rounded).stringValue
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        return "\(parts[0]).\(fraction.padding(toLength: 2, withPad: "0", startingAt: 0))"
    }

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
