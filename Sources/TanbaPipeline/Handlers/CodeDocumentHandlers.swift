public import Foundation
import TanbaDomain
public import TanbaEmission
import TanbaErrors
import TanbaIntegrations
public import TanbaStore
import TanbaXML

/// The header every document but the shipment starts with: number, date, sender.
struct CommonHeader {
    let reader: Reader
    let sender: String
    let number: String
    let date: String
    let numberElement: XMLElement
    let dateElement: XMLElement

    init(root: XMLElement, namespace: String) throws {
        reader = Reader(root: root, namespace: namespace)
        let header = try reader.child(root, "Header")
        numberElement = try reader.child(header, "DocumentNumber")
        dateElement = try reader.child(header, "DocumentDate")
        number = numberElement.text
        date = dateElement.text
        sender = try reader.partyID(try reader.child(header, "Sender"))
    }

    /// The facts every document states: its sender and its date.
    var facts: DocumentFacts {
        var facts = DocumentFacts(sender: sender, anchor: numberElement)
        facts.dates = [dateElement]
        return facts
    }
}

/// A document that runs one life-cycle operation on its items: the sender acts, the items are the codes.
protocol OperationDocument: DocumentHandler {
    var header: CommonHeader { get }
}

extension OperationDocument {
    var sender: String { header.sender }
    var number: String { header.number }
    var date: String { header.date }
    var numberLine: Int? { header.numberElement.line }
    var numberPath: String? { header.numberElement.path }
    /// Most operations state only their dates: the header's.
    var facts: DocumentFacts { header.facts }
    static var rules: [any DocumentRule] { [DatesNotInFuture()] }

    /// The document's outcome, or every problem found (nothing is applied then: the transaction rolls back).
    func outcome(_ problems: [Diagnostic], _ changes: [CodeRecord]) throws -> Outcome {
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        return Outcome(changes: changes, status: .accepted, recipient: nil)
    }

    /// Runs `operation` on `items` in `tx`, pointing every refusal at its element.
    func perform(_ operation: CodeOperation, on items: [ShipmentHandler.Item], context: Context, in tx: any StoreWriter)
        -> (changes: [CodeRecord], problems: [Diagnostic])
    {
        guard !items.isEmpty else { return ([], []) }
        do {
            return (
                try Ledger.perform(operation, on: items.map(\.id), document: context.id, at: context.now, in: tx), []
            )
        } catch let error as TanbaError {
            return ([], Locate.diagnostics(error.diagnostics, items: items.map { ($0.id, $0.element) }))
        } catch {
            // Not a refusal (the store's own error text would name its SQL): an internal fault, said as one.
            return ([], [Diagnostic(.internal, "an internal fault while applying the codes (\(type(of: error)))")])
        }
    }
}

/// A shipment an answer or a cancellation refers to: the seller's accompanying document, still waiting for the
/// buyer.
enum PendingShipment {
    /// - Throws: `FLC_SHIPMENT_UNKNOWN` at `number` when the seller has no such shipment waiting (never accepted,
    ///   answered or cancelled).
    static func find(seller: String, number: XMLElement, in tx: any StoreReader) throws -> DocumentRecord {
        guard let shipment = try tx.document(sender: seller, number: number.text),
            shipment.type == ShipmentHandler.typeCode, shipment.status == .waitingForCounterparty
        else {
            throw TanbaError(
                .flcShipmentUnknown,
                "no shipment \(number.text) of \(seller) is waiting for an answer (never accepted, answered or cancelled)",
                line: number.line, path: number.path)
        }
        return shipment
    }

    /// What the shipment locked at the top level: the codes and packages it named (a package's contents follow
    /// their package), in the order they were issued.
    static func shipped(_ shipment: DocumentRecord, in tx: any StoreReader) throws -> [String] {
        let locked = try tx.codes(lockedBy: shipment.id)
        let lockedIDs = Set(locked.map(\.id))
        return locked.filter { $0.parent == nil || !lockedIDs.contains($0.parent!) }.map(\.id)
    }
}

/// The buyer's answer to an accompanying document: accept all, accept part, or reject.
struct ShipmentAnswerHandler: OperationDocument {
    static let typeCode = "shipmentAnswer"
    static let namespace = "urn:kz:tanba:shipment-answer:1"

    let header: CommonHeader
    let shipmentNumber: XMLElement
    let seller: String
    let decision: XMLElement
    let accepted: [ShipmentHandler.Item]
    let rejected: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        shipmentNumber = try r.child(try r.child(root, "Shipment"), "Number")
        seller = try r.partyID(try r.child(root, "Seller"))
        decision = try r.child(root, "Decision")
        accepted = try root.child(named: "Accepted", namespace: Self.namespace).map { try r.items($0) } ?? []
        rejected =
            try root.child(named: "Rejected", namespace: Self.namespace).map { rejected in
                try r.children(rejected, "Item").flatMap { try r.items($0) }
            } ?? []
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
        let shipment = try PendingShipment.find(seller: seller, number: shipmentNumber, in: tx)
        guard shipment.recipient == header.sender else {
            throw TanbaError(
                .flcNotAddressee,
                "shipment \(shipment.number) is addressed to \(shipment.recipient ?? "nobody"), not \(header.sender)",
                line: shipmentNumber.line, path: shipmentNumber.path)
        }
        let shipped = Set(try PendingShipment.shipped(shipment, in: tx))
        var accept = accepted
        var reject = rejected
        switch decision.text {
        case "AcceptAll" where accepted.isEmpty && rejected.isEmpty:
            accept = shipped.sorted().map { ShipmentHandler.Item(id: $0, gtin: nil, element: decision) }
        case "Reject" where accepted.isEmpty && rejected.isEmpty:
            reject = shipped.sorted().map { ShipmentHandler.Item(id: $0, gtin: nil, element: decision) }
        default: break
        }
        let named = accept.map(\.id) + reject.map(\.id)
        if Set(named) != shipped || named.count != shipped.count
            || (decision.text == "AcceptAll" && !reject.isEmpty) || (decision.text == "Reject" && !accept.isEmpty)
            || (decision.text == "AcceptPart" && (accept.isEmpty || reject.isEmpty))
        {
            let missing = shipped.subtracting(named).sorted()
            let extra = Set(named).subtracting(shipped).sorted()
            problems.append(
                Diagnostic(
                    .flcAnswerItems,
                    "\(decision.text): the shipment holds \(shipped.count) codes/packages; "
                        + (missing.isEmpty ? "" : "not answered: \(missing.joined(separator: ", ")); ")
                        + (extra.isEmpty ? "" : "not in the shipment: \(extra.joined(separator: ", "))"),
                    line: decision.line, path: decision.path))
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        let acceptedChanges = perform(
            .acceptShipment(document: shipment.id, buyer: header.sender), on: accept, context: context, in: tx)
        let releasedChanges = perform(.releaseShipment(document: shipment.id), on: reject, context: context, in: tx)
        problems += acceptedChanges.problems + releasedChanges.problems
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        let settled: DocumentStatus =
            reject.isEmpty
            ? .acceptedByCounterparty : accept.isEmpty ? .rejectedByCounterparty : .partlyAcceptedByCounterparty
        // Settles the shipment, expecting it still waiting (an answer and a cancellation racing: one wins).
        try tx.setStatus(settled, of: shipment.id)
        if !accept.isEmpty {
            // Ownership passed: the Ministry's export reports the accepted part at the shipment's prices.
            let declared = try ShipmentHandler(root: try XMLDocument.parse(shipment.content).root)
            let lines = MoFEvents.accepted(declared, ids: Set(accept.map(\.id)))
            try tx.save([
                MoFEvents.event(
                    .ownershipTransfer, context,
                    fragment: MoFFormat.ownershipTransfer(
                        MoFEvents.head(context, number: shipment.number, date: shipment.date), seller: seller,
                        buyer: header.sender, snt: declared.snt, partial: !reject.isEmpty, lines: lines),
                    snt: declared.snt, seller: seller, buyer: header.sender, lines: lines)
            ])
        }
        return Outcome(
            changes: acceptedChanges.changes + releasedChanges.changes, status: .accepted, recipient: seller)
    }
}

/// The seller's cancellation of a shipment the buyer has not answered: everything it locked goes back to the
/// seller, unlocked, and the shipment is `cancelled` (the buyer sees the cancellation in its inbox).
struct ShipmentCancellationHandler: OperationDocument {
    static let typeCode = "shipmentCancellation"
    static let namespace = "urn:kz:tanba:shipment-cancellation:1"

    let header: CommonHeader
    let shipmentNumber: XMLElement
    let buyer: String
    let buyerElement: XMLElement

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        shipmentNumber = try r.child(try r.child(root, "Shipment"), "Number")
        buyerElement = try r.child(root, "Buyer")
        buyer = try r.partyID(buyerElement)
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        // Only the seller's own shipment, and only while it waits: an answered shipment has moved its codes.
        let shipment = try PendingShipment.find(seller: header.sender, number: shipmentNumber, in: tx)
        guard shipment.recipient == buyer else {
            throw TanbaError(
                .flcNotAddressee,
                "shipment \(shipment.number) is addressed to \(shipment.recipient ?? "nobody"), not \(buyer)",
                line: buyerElement.line, path: buyerElement.path)
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        let shipped = try PendingShipment.shipped(shipment, in: tx).map {
            ShipmentHandler.Item(id: $0, gtin: nil, element: shipmentNumber)
        }
        let released = perform(.releaseShipment(document: shipment.id), on: shipped, context: context, in: tx)
        guard released.problems.isEmpty else { throw TanbaError(diagnostics: released.problems) }
        try tx.setStatus(.cancelled, of: shipment.id)
        return Outcome(changes: released.changes, status: .accepted, recipient: buyer)
    }
}

/// Withdrawal from circulation (retail sale, export, damage…), with its basis where the reason needs one.
struct WithdrawalHandler: OperationDocument {
    static let typeCode = "withdrawal"
    static let namespace = "urn:kz:tanba:withdrawal:1"

    let header: CommonHeader
    let reason: XMLElement
    let hasBasis: Bool
    let withdrawalDate: XMLElement
    let items: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        reason = try r.child(root, "Reason")
        hasBasis = root.child(named: "Basis", namespace: Self.namespace) != nil
        withdrawalDate = try r.child(root, "WithdrawalDate")
        items = try r.items(try r.child(root, "Items"))
    }

    static var rules: [any DocumentRule] { [DatesNotInFuture(), WithdrawalReasonAndBasis()] }

    var facts: DocumentFacts {
        var facts = header.facts
        facts.dates.append(withdrawalDate)
        facts.withdrawal = (reason, hasBasis)
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        guard let withdrawal = WithdrawalReason(rawValue: reason.text) else {
            // Listed but unknown to the state machine: refused as unknown all the same.
            throw TanbaError(
                diagnostics: problems.isEmpty
                    ? [Diagnostic(.referenceUnknown, "unknown reason \(reason.text)", at: reason)] : problems)
        }
        let result = perform(.withdraw(by: header.sender, reason: withdrawal), on: items, context: context, in: tx)
        try tx.save([
            MoFEvents.event(
                .withdrawal, context,
                fragment: MoFFormat.withdrawal(
                    MoFEvents.head(context, number: header.number, date: header.date), owner: header.sender,
                    reason: reason.text, codes: items.map(\.id)), seller: header.sender)
        ])
        return try outcome(problems + result.problems, result.changes)
    }
}

/// Return into circulation after a withdrawal that allows it (a consumer return).
struct ReturnHandler: OperationDocument {
    static let typeCode = "returnToCirculation"
    static let namespace = "urn:kz:tanba:return-to-circulation:1"

    let header: CommonHeader
    let items: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        items = try header.reader.items(try header.reader.child(root, "Items"))
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        let result = perform(.returnToCirculation(by: header.sender), on: items, context: context, in: tx)
        return try outcome(problems + result.problems, result.changes)
    }
}

/// Application report: codes printed on goods, spoiled ones cancelled.
struct ApplicationReportHandler: OperationDocument {
    static let typeCode = "applicationReport"
    static let namespace = "urn:kz:tanba:application-report:1"

    let header: CommonHeader
    let applied: [ShipmentHandler.Item]
    let cancelled: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        applied = try root.child(named: "Applied", namespace: Self.namespace).map { try r.items($0) } ?? []
        cancelled = try root.child(named: "Cancelled", namespace: Self.namespace).map { try r.items($0) } ?? []
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
        let a = perform(.apply(by: header.sender), on: applied, context: context, in: tx)
        let c = perform(.cancel(by: header.sender), on: cancelled, context: context, in: tx)
        problems += a.problems + c.problems
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        return Outcome(changes: a.changes + c.changes, status: .accepted, recipient: nil)
    }
}

/// Introduction into circulation of local production: codes applied become tradeable.
struct IntroductionProductionHandler: OperationDocument {
    static let typeCode = "introductionProduction"
    static let namespace = "urn:kz:tanba:introduction-production:1"

    struct Line {
        let element: XMLElement
        let gtin: String
        let production: XMLElement
        let expiry: XMLElement?
        let certificate: XMLElement?
        let items: [ShipmentHandler.Item]
    }

    let header: CommonHeader
    let lines: [Line]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        lines = try r.children(try r.child(root, "Lines"), "Line").map { line in
            Line(
                element: line, gtin: try r.text(line, "GTIN"), production: try r.child(line, "ProductionDate"),
                expiry: line.child(named: "ExpiryDate", namespace: Self.namespace),
                certificate: line.child(named: "ConformityCertificate", namespace: Self.namespace),
                items: try r.items(try r.child(line, "Items")))
        }
    }

    static var rules: [any DocumentRule] {
        [
            DatesNotInFuture(), ExpiryAfterProduction(), ProductInCatalogue(), ProductGroupRequirements(),
            CodesOfTheLinesGTIN(),
        ]
    }

    var facts: DocumentFacts {
        var facts = header.facts
        facts.dates += lines.map(\.production)
        facts.lines = lines.map { line in
            var product = ProductLine(element: line.element, gtin: line.gtin, items: line.items)
            product.production = line.production
            product.expiry = line.expiry
            product.certificate = line.certificate
            return product
        }
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        let result = perform(.introduce(by: header.sender), on: lines.flatMap(\.items), context: context, in: tx)
        // What the public check shows of these goods: the dates and batch of each line.
        try tx.save(
            lines.compactMap { line in
                (try? GTIN(line.gtin).value).map { gtin in
                    GoodsOrigin(
                        document: context.id, gtin: gtin, kind: .production, introducer: header.sender,
                        productionDate: line.production.text, expiryDate: line.expiry?.text,
                        batch: line.element.child(named: "Batch", namespace: Self.namespace)?.text)
                }
            })
        return try outcome(problems + result.problems, result.changes)
    }
}

/// Aggregation: codes packed into a group or transport package.
struct AggregationHandler: OperationDocument {
    static let typeCode = "aggregation"
    static let namespace = "urn:kz:tanba:aggregation:1"

    let header: CommonHeader
    let package: ShipmentHandler.Item
    let items: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        package = try r.items(try r.child(root, "Package"))[0]
        items = try r.items(try r.child(root, "Items"))
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
        var changes: [CodeRecord] = []
        do {
            changes = try Ledger.aggregate(
                items.map(\.id), into: package.id, by: header.sender, document: context.id, at: context.now, in: tx)
        } catch let error as TanbaError {
            problems += Locate.diagnostics(
                error.diagnostics, items: items.map { ($0.id, $0.element) } + [(package.id, package.element)])
        }
        return try outcome(problems, changes)
    }
}

/// Introduction into circulation on import: the customs declaration and country of origin, then the codes.
struct IntroductionImportHandler: OperationDocument {
    static let typeCode = "introductionImport"
    static let namespace = "urn:kz:tanba:introduction-import:1"

    let header: CommonHeader
    let declarationDate: XMLElement
    let declarationNumber: String
    let country: XMLElement
    let lines: [(element: XMLElement, gtin: String, items: [ShipmentHandler.Item])]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        declarationDate = try r.child(try r.child(root, "CustomsDeclaration"), "Date")
        declarationNumber = try r.text(try r.child(root, "CustomsDeclaration"), "Number")
        country = try r.child(root, "CountryOfOrigin")
        lines = try r.children(try r.child(root, "Lines"), "Line").map {
            ($0, try r.text($0, "GTIN"), try r.items(try r.child($0, "Items")))
        }
    }

    static var rules: [any DocumentRule] {
        [DatesNotInFuture(), CountryKnown(), ProductInCatalogue(), CodesOfTheLinesGTIN()]
    }

    var facts: DocumentFacts {
        var facts = header.facts
        facts.dates.append(declarationDate)
        facts.country = country
        facts.lines = lines.map { ProductLine(element: $0.element, gtin: $0.gtin, items: $0.items) }
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        let result = perform(.introduce(by: header.sender), on: lines.flatMap(\.items), context: context, in: tx)
        // What the public check shows of these goods: the importer and the country of origin.
        try tx.save(
            lines.compactMap { line in
                (try? GTIN(line.gtin).value).map {
                    GoodsOrigin(
                        document: context.id, gtin: $0, kind: .import, introducer: header.sender,
                        country: country.text)
                }
            })
        let lines = MoFEvents.lines(lines.map { ($0.gtin, $0.items.map(\.id)) })
        try tx.save([
            MoFEvents.event(
                .import, context,
                fragment: MoFFormat.importEvent(
                    MoFEvents.head(context, number: header.number, date: header.date), importer: header.sender,
                    declaration: declarationNumber, declarationDate: declarationDate.text, country: country.text,
                    lines: lines), seller: header.sender, lines: lines)
        ])
        return try outcome(problems + result.problems, result.changes)
    }
}

/// Disaggregation: packages emptied.
struct DisaggregationHandler: OperationDocument {
    static let typeCode = "disaggregation"
    static let namespace = "urn:kz:tanba:disaggregation:1"

    let header: CommonHeader
    let packages: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        packages = try r.children(root, "Package").flatMap { try r.items($0) }
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
        var changes: [CodeRecord] = []
        for package in packages {
            do {
                changes += try Ledger.remove(
                    nil, from: package.id, by: header.sender, document: context.id, at: context.now, in: tx)
            } catch let error as TanbaError {
                problems += Locate.diagnostics(error.diagnostics, items: [(package.id, package.element)])
            }
        }
        return try outcome(problems, changes)
    }
}

/// Re-aggregation: units taken out of and put into a package in one document.
struct ReaggregationHandler: OperationDocument {
    static let typeCode = "reaggregation"
    static let namespace = "urn:kz:tanba:reaggregation:1"

    let header: CommonHeader
    let package: ShipmentHandler.Item
    let add: [ShipmentHandler.Item]
    let remove: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        package = try r.items(try r.child(root, "Package"))[0]
        add = try root.child(named: "Add", namespace: Self.namespace).map { try r.items($0) } ?? []
        remove = try root.child(named: "Remove", namespace: Self.namespace).map { try r.items($0) } ?? []
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
        var changes: [CodeRecord] = []
        let located = (add + remove).map { ($0.id, $0.element) } + [(package.id, package.element)]
        do {
            if !remove.isEmpty {
                changes += try Ledger.remove(
                    remove.map(\.id), from: package.id, by: header.sender, document: context.id, at: context.now, in: tx
                )
            }
            if !add.isEmpty {
                changes += try Ledger.aggregate(
                    add.map(\.id), into: package.id, by: header.sender, document: context.id, at: context.now, in: tx)
            }
        } catch let error as TanbaError {
            problems += Locate.diagnostics(error.diagnostics, items: located)
        }
        return try outcome(problems, changes)
    }
}

/// Re-marking: a damaged or lost label replaced by a new code of the same product.
struct RemarkingHandler: OperationDocument {
    static let typeCode = "remarking"
    static let namespace = "urn:kz:tanba:remarking:1"

    let header: CommonHeader
    let replacements: [(old: ShipmentHandler.Item, new: ShipmentHandler.Item)]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        replacements = try r.children(root, "Replacement").map { replacement in
            func item(_ name: String) throws -> ShipmentHandler.Item {
                let element = try r.child(replacement, name)
                let code = try MarkingCode.parse(element.text)
                return ShipmentHandler.Item(id: code.identification, gtin: code.gtin.value, element: element)
            }
            return (try item("Old"), try item("New"))
        }
    }

    static var rules: [any DocumentRule] { [DatesNotInFuture(), CodesOfTheLinesGTIN()] }

    /// Each replacement is a line of the old code's GTIN whose one code is the new one.
    var facts: DocumentFacts {
        var facts = header.facts
        facts.lines = replacements.map {
            ProductLine(element: $0.new.element, gtin: $0.old.gtin ?? "", items: [$0.new])
        }
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        var problems = try checkRules(context, in: tx)
        // The old code leaves circulation; the new one, printed, enters it in its place.
        let old = perform(
            .withdraw(by: header.sender, reason: .remarking), on: replacements.map(\.old), context: context, in: tx)
        let newCodes = replacements.map(\.new)
        let issued = try tx.codes(newCodes.map(\.id)).values.filter { $0.status == .issued }.map(\.id)
        let applied = perform(
            .apply(by: header.sender), on: newCodes.filter { issued.contains($0.id) }, context: context, in: tx)
        let introduced = perform(.introduce(by: header.sender), on: newCodes, context: context, in: tx)
        problems += old.problems + applied.problems + introduced.problems
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        return Outcome(changes: old.changes + introduced.changes, status: .accepted, recipient: nil)
    }
}

/// Goods leaving Kazakhstan: to another EAEU member state, or exported outside the EAEU. Codes are withdrawn
/// with the matching reason.
struct EAEUShipmentHandler: OperationDocument {
    static let typeCode = "eaeuShipment"
    static let namespace = "urn:kz:tanba:eaeu-shipment:1"

    let header: CommonHeader
    let senderName: String
    let buyer: (country: XMLElement, taxId: String, name: String)
    let buyerTaxId: XMLElement
    let shipmentDate: XMLElement
    let lines: [(element: XMLElement, gtin: String, quantity: Int, items: [ShipmentHandler.Item])]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        senderName = try r.text(try r.child(try r.child(root, "Header"), "Sender"), "Name")
        let buyer = try r.child(root, "Buyer")
        self.buyer = (try r.child(buyer, "Country"), try r.text(buyer, "TaxID"), try r.text(buyer, "Name"))
        buyerTaxId = try r.child(buyer, "TaxID")
        shipmentDate = try r.child(root, "ShipmentDate")
        lines = try r.children(try r.child(root, "Lines"), "Line").map {
            ($0, try r.text($0, "GTIN"), Int(try r.text($0, "Quantity")) ?? 0, try r.items(try r.child($0, "Items")))
        }
    }

    static var rules: [any DocumentRule] { [DatesNotInFuture(), QuantityOfMarkedUnits(), ForeignTaxIdForm()] }

    var facts: DocumentFacts {
        var facts = header.facts
        facts.dates.append(shipmentDate)
        facts.foreignParty = (buyer.country, buyerTaxId)
        facts.lines = lines.map { line in
            var product = ProductLine(element: line.element, gtin: line.gtin, items: line.items)
            product.quantity = Decimal(line.quantity)
            return product
        }
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        let result = perform(
            .withdraw(by: header.sender, reason: .eaeuShipment), on: lines.flatMap(\.items), context: context, in: tx)
        let accepted = try outcome(problems + result.problems, result.changes)
        // The schema admits only the four other member states.
        guard let country = EAEUCountry(rawValue: buyer.country.text) else {
            throw TanbaError(.internal, "buyer country \(buyer.country.text) passed the schema")
        }
        // The partner state learns of the goods from the decision itself (the outbox, in its transaction).
        try tx.enqueue([
            EAEUDepartures.message(
                document: context.id, at: context.now, senderBIN: header.sender, senderName: senderName,
                country: country, taxId: buyer.taxId, buyer: buyer.name, number: header.number, date: header.date,
                withdrawn: result.changes)
        ])
        let lines = lines.map {
            MoFFormat.Line(gtin: $0.gtin, quantity: Decimal($0.quantity), codes: $0.items.map(\.id))
        }
        try tx.save([
            MoFEvents.event(
                .eaeuShipment, context,
                fragment: MoFFormat.eaeuShipment(
                    MoFEvents.head(context, number: header.number, date: header.date), seller: header.sender,
                    country: country.rawValue, buyerTaxId: buyer.taxId, buyerName: buyer.name, lines: lines),
                seller: header.sender, buyer: buyer.taxId, lines: lines)
        ])
        return accepted
    }
}

struct ExportHandler: OperationDocument {
    static let typeCode = "export"
    static let namespace = "urn:kz:tanba:export:1"

    let header: CommonHeader
    let country: XMLElement
    let declarationDate: XMLElement
    let declarationNumber: String
    let exportDate: XMLElement
    let items: [ShipmentHandler.Item]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        country = try r.child(root, "Country")
        declarationDate = try r.child(try r.child(root, "CustomsDeclaration"), "Date")
        declarationNumber = try r.text(try r.child(root, "CustomsDeclaration"), "Number")
        exportDate = try r.child(root, "ExportDate")
        items = try r.items(try r.child(root, "Items"))
    }

    static var rules: [any DocumentRule] { [DatesNotInFuture(), CountryKnown(), ExportOutsideEAEU()] }

    var facts: DocumentFacts {
        var facts = header.facts
        facts.dates += [declarationDate, exportDate]
        facts.exportDestination = country
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        let result = perform(.withdraw(by: header.sender, reason: .export), on: items, context: context, in: tx)
        try tx.save([
            MoFEvents.event(
                .export, context,
                fragment: MoFFormat.exportEvent(
                    MoFEvents.head(context, number: header.number, date: header.date), exporter: header.sender,
                    declaration: declarationNumber, declarationDate: declarationDate.text, country: country.text,
                    codes: items.map(\.id)), seller: header.sender)
        ])
        return try outcome(problems + result.problems, result.changes)
    }
}

/// A code order: the hub emits the codes, with their verification tails, and returns them in the receipt.
struct CodeOrderHandler: OperationDocument {
    static let typeCode = "codeOrder"
    static let namespace = "urn:kz:tanba:code-order:1"

    let header: CommonHeader
    let lines: [(element: XMLElement, gtin: String, quantity: Int)]

    init(root: XMLElement) throws {
        header = try CommonHeader(root: root, namespace: Self.namespace)
        let r = header.reader
        lines = try r.children(try r.child(root, "Lines"), "Line").map {
            ($0, try r.text($0, "GTIN"), Int(try r.text($0, "Quantity")) ?? 0)
        }
    }

    static var rules: [any DocumentRule] {
        [DatesNotInFuture(), MayOrderCodes(), ProductInCatalogue(), GroupIssuedByTheHub()]
    }

    var facts: DocumentFacts {
        var facts = header.facts
        facts.ordersCodes = true
        facts.lines = lines.map { ProductLine(element: $0.element, gtin: $0.gtin) }
        return facts
    }

    func process(in tx: any StoreWriter, context: Context) throws -> Outcome {
        let problems = try checkRules(context, in: tx)
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        let key = try EmissionKeyStore.current(in: tx, at: context.now)
        var issued: [CodeRecord] = []
        for line in lines {
            // Each line's codes take the national format of its product group: serial and tail lengths.
            guard let group = try tx.product(line.gtin)?.productGroup, let reference = context.reference else {
                throw TanbaError(
                    diagnostics: [
                        Diagnostic(.catalogUnknownGTIN, "GTIN \(line.gtin) is not in the catalogue", at: line.element)
                    ])
            }
            let emitter = try CodeIssuing.emitter(key: key, group: group, reference: reference)
            issued += try CodeIssuing.issue(
                emitter, gtin: line.gtin, count: line.quantity, owner: header.sender, at: context.now,
                origin: context.id, in: tx)
        }
        return Outcome(changes: issued, status: .accepted, recipient: nil)
    }
}

/// The operator's emission keys, kept in the store.
public enum EmissionKeyStore {
    /// The newest key, made and stored on first use.
    public static func current(in tx: any StoreWriter, at date: Date) throws -> EmissionKey {
        if let stored = try tx.emissionKeys().first { return try key(stored) }
        let key = EmissionKey.generate(at: date)
        try tx.save(StoredEmissionKey(id: key.id, secret: key.exported, createdAt: date))
        return key
    }

    public static func key(_ stored: StoredEmissionKey) throws -> EmissionKey {
        try EmissionKey(id: stored.id, exported: stored.secret, createdAt: stored.createdAt)
    }
}

/// Counting marked units: unit codes count one each, packages count the units of the line's GTIN inside them.
enum Units {
    static func count(_ items: [ShipmentHandler.Item], gtin: String, in tx: any StoreReader) throws -> Int {
        let packages = items.filter { $0.gtin == nil }
        var counted = items.count - packages.count
        if !packages.isEmpty {
            counted += try Ledger.descendants(of: packages.map(\.id), in: tx).filter {
                $0.level == .unit && $0.gtin == gtin
            }
            .count
        }
        return counted
    }
}
