import Foundation
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaXML

/// One format-logical control as a value: it looks at what a document states (`DocumentFacts`) and at the
/// store's snapshot and reference data (`RuleContext`), and returns every violation it finds, each pointing at
/// its element. Rules are composed per document type (each handler's `rules`); a check that several document
/// types make is one rule, in one file under `Controls/`.
protocol DocumentRule: Sendable {
    /// The codes it can report (docs/FLC.md lists which rules each document type runs).
    var codes: [ErrorCode] { get }
    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic]
}

extension Array where Element == any DocumentRule {
    /// Every violation of every rule, in the rules' order.
    func check(_ facts: DocumentFacts, in context: RuleContext) throws -> [Diagnostic] {
        var found: [Diagnostic] = []
        for rule in self { found += try rule.check(facts, in: context) }
        return found
    }
}

/// What a document states that the rules check, read once by its handler from the schema-valid tree.
struct DocumentFacts {
    let sender: String
    /// The element a rule about the document as a whole points at (its number).
    let anchor: XMLElement
    /// Dates that must not be after the day of receipt.
    var dates: [XMLElement] = []
    var lines: [ProductLine] = []
    /// The participant the document is addressed to (a shipment's buyer), and the element naming it.
    var counterparty: (id: String, element: XMLElement)?
    /// A country the goods come from (import) or go to (export).
    var country: XMLElement?
    /// An export's destination, which must lie outside the EAEU.
    var exportDestination: XMLElement?
    /// A party in another EAEU member state: its country and its taxpayer number there.
    var foreignParty: (country: XMLElement, taxId: XMLElement)?
    /// A withdrawal's reason and whether the document carries its basis.
    var withdrawal: (reason: XMLElement, hasBasis: Bool)?
    var totals: Totals?
    /// Whether the sender asks for codes to be issued (it must be a producer or an importer).
    var ordersCodes = false

    init(sender: String, anchor: XMLElement) {
        self.sender = sender
        self.anchor = anchor
    }

    struct Totals {
        let quantity: Decimal
        let vat: Decimal
        let amount: Decimal
        let element: XMLElement
    }
}

/// A product line: a GTIN, the codes and packages it names, and what else the document type states per line.
struct ProductLine {
    let element: XMLElement
    let gtin: String
    var items: [ShipmentHandler.Item] = []
    /// The marked units the line says it holds, when it says so.
    var quantity: Decimal?
    var price: Price?
    var production: XMLElement?
    var expiry: XMLElement?
    var certificate: XMLElement?

    /// The line's own number in messages (`number` attribute), or `?`.
    var label: String { element.attribute("number") ?? "?" }

    struct Price {
        let unitPrice: Decimal
        let vatRate: String
        let vatAmount: Decimal
        let amount: Decimal
    }
}

/// What the rules read besides the document: a snapshot of the store and the reference data, with the lookups
/// lines repeat (a product per line, the sender per rule) made once.
final class RuleContext {
    let reader: any StoreReader
    let reference: ReferenceData?
    /// Today where the hub is, and the document's own date (which decides the product groups' requirements).
    let today: String
    let documentDate: String
    private var products: [String: ProductCard?] = [:]
    private var participants: [String: Participant?] = [:]

    init(reader: any StoreReader, reference: ReferenceData?, today: String, documentDate: String) {
        self.reader = reader
        self.reference = reference
        self.today = today
        self.documentDate = documentDate
    }

    func product(_ gtin: String) throws -> ProductCard? {
        if let known = products[gtin] { return known }
        let card = try reader.product(gtin)
        products[gtin] = card
        return card
    }

    func participant(_ id: String) throws -> Participant? {
        if let known = participants[id] { return known }
        let participant = try reader.participant(id)
        participants[id] = participant
        return participant
    }
}

extension Diagnostic {
    /// A diagnostic pointing at `element`.
    init(_ code: ErrorCode, _ message: String, at element: XMLElement, subject: String? = nil) {
        self.init(code, message, line: element.line, path: element.path, subject: subject)
    }
}
