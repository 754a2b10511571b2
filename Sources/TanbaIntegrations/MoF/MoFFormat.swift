public import Foundation
import TanbaDomain
import TanbaErrors
public import TanbaXML

/// The Ministry of Finance export's XML (namespace `urn:tanba:mof:export:1`, schema `xsd/mof/mof-export-1.xsd`).
///
/// There is no public schema of the Ministry for these data: the format is the hub's own. Six documents:
/// - the export file `MoFExport`: a head, one element per event (`OwnershipTransfer`, `Import`, `Export`,
///   `Withdrawal`, `EAEUShipment`), and a `Summary` with the counts at the end, so that it is written in one pass;
/// - the signed `MoFExportManifest`: the period, the counts, the file's size and SHA-256 — what the Ministry checks
///   the file against;
/// - the Ministry's signed `MoFAcknowledgement` of one export;
/// - the Ministry's `SNTList` for reconciliation;
/// - the hub's signed reconciliation report, `MoFReconciliation` (`MoFReconciliationReport`), and the Ministry's
///   signed answer to it, `MoFReconciliationAcknowledgement`.
public enum MoFFormat {
    public static let namespace = "urn:tanba:mof:export:1"

    /// A date-time as ISO 8601 with Kazakhstan's offset, to the second.
    public static func dateTime(_ date: Date) -> String { EAEUMessages.dateTime(date) }

    static func attribute(_ name: String, _ value: String?) -> String {
        value.map { " \(name)=\"\(XMLText.escape($0))\"" } ?? ""
    }

    static func element(_ name: String, _ text: String) -> String {
        "<\(name)>\(XMLText.escape(text))</\(name)>"
    }

    /// What every acknowledgement of the Ministry says after naming what it acknowledges: the digest of the bytes
    /// received, the result, the reason (read back by `MoFParsing.Reader.verdict`).
    static func verdict(_ sha256: String, _ accepted: Bool, _ reason: String?) -> String {
        element("SHA256", sha256) + element("Result", accepted ? "accepted" : "rejected")
            + (reason.map { element("Reason", $0) } ?? "")
    }

    // MARK: Events

    /// One line of an ownership transfer: what was sold at what price, and the codes that moved.
    public struct Line: Sendable, Hashable {
        public var gtin: String
        public var quantity: Decimal
        public var unitPrice: Decimal?
        public var vatRate: String?
        public var vatAmount: Decimal?
        public var amount: Decimal?
        public var codes: [String]

        public init(
            gtin: String, quantity: Decimal, unitPrice: Decimal? = nil, vatRate: String? = nil,
            vatAmount: Decimal? = nil, amount: Decimal? = nil, codes: [String]
        ) {
            self.gtin = gtin
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.vatRate = vatRate
            self.vatAmount = vatAmount
            self.amount = amount
            self.codes = codes
        }
    }

    /// The fields every event carries: when, which document, whose.
    public struct EventHead: Sendable, Hashable {
        public var at: Date
        /// The hub's id of the deciding document, and the sender's own number and date of the document it reports.
        public var document: String
        public var number: String
        public var date: String

        public init(at: Date, document: String, number: String, date: String) {
            self.at = at
            self.document = document
            self.number = number
            self.date = date
        }

        var attributes: String {
            attribute("at", MoFFormat.dateTime(at)) + attribute("document", document) + attribute("number", number)
                + attribute("date", date)
        }
    }

    static func decimal(_ value: Decimal) -> String {
        NSDecimalNumber(decimal: value).description(withLocale: Locale.posix)
    }

    static func lines(_ lines: [Line]) -> String {
        var xml = ""
        for line in lines {
            xml += "<Line>" + element("GTIN", line.gtin) + element("Quantity", decimal(line.quantity))
            if let price = line.unitPrice { xml += element("UnitPrice", decimal(price)) }
            if let rate = line.vatRate { xml += element("VATRate", rate) }
            if let vat = line.vatAmount { xml += element("VATAmount", decimal(vat)) }
            if let amount = line.amount { xml += element("Amount", decimal(amount)) }
            xml += "<Codes>" + line.codes.map { element("Code", $0) }.joined() + "</Codes></Line>"
        }
        return xml
    }

    /// An accepted shipment: ownership passed from `seller` to `buyer`. `partial` when the buyer accepted part.
    public static func ownershipTransfer(
        _ head: EventHead, seller: String, buyer: String, snt: String?, partial: Bool, lines: [Line]
    ) -> [UInt8] {
        var xml = "<OwnershipTransfer\(head.attributes)\(partial ? " partial=\"true\"" : "")>"
        xml += element("Seller", seller) + element("Buyer", buyer)
        if let snt { xml += element("SNT", snt) }
        xml += MoFFormat.lines(lines) + "</OwnershipTransfer>\n"
        return Array(xml.utf8)
    }

    /// An introduction on import: the importer, the customs declaration, the country of origin.
    public static func importEvent(
        _ head: EventHead, importer: String, declaration: String, declarationDate: String, country: String,
        lines: [Line]
    ) -> [UInt8] {
        var xml = "<Import\(head.attributes)>" + element("Importer", importer)
        xml += "<CustomsDeclaration>" + element("Number", declaration) + element("Date", declarationDate)
        xml += "</CustomsDeclaration>" + element("CountryOfOrigin", country) + MoFFormat.lines(lines) + "</Import>\n"
        return Array(xml.utf8)
    }

    /// An export outside the EAEU: the exporter, the declaration, the country of destination.
    public static func exportEvent(
        _ head: EventHead, exporter: String, declaration: String, declarationDate: String, country: String,
        codes: [String]
    ) -> [UInt8] {
        var xml = "<Export\(head.attributes)>" + element("Exporter", exporter)
        xml += "<CustomsDeclaration>" + element("Number", declaration) + element("Date", declarationDate)
        xml += "</CustomsDeclaration>" + element("Country", country)
        xml += "<Codes>" + codes.map { element("Code", $0) }.joined() + "</Codes></Export>\n"
        return Array(xml.utf8)
    }

    /// A withdrawal from circulation, with its reason.
    public static func withdrawal(_ head: EventHead, owner: String, reason: String, codes: [String]) -> [UInt8] {
        var xml = "<Withdrawal\(head.attributes)>" + element("Owner", owner) + element("Reason", reason)
        xml += "<Codes>" + codes.map { element("Code", $0) }.joined() + "</Codes></Withdrawal>\n"
        return Array(xml.utf8)
    }

    /// A shipment to another EAEU member state.
    public static func eaeuShipment(
        _ head: EventHead, seller: String, country: String, buyerTaxId: String, buyerName: String, lines: [Line]
    ) -> [UInt8] {
        var xml = "<EAEUShipment\(head.attributes)>" + element("Seller", seller)
        xml += "<Buyer>" + element("Country", country) + element("TaxID", buyerTaxId) + element("Name", buyerName)
        xml += "</Buyer>" + MoFFormat.lines(lines) + "</EAEUShipment>\n"
        return Array(xml.utf8)
    }

    // MARK: The file

    /// The file's beginning, up to the first event.
    public static func fileHead(id: String, mode: String, from: String, to: String, createdAt: Date) -> [UInt8] {
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MoFExport xmlns=\"\(namespace)\" version=\"1\""
            + attribute("id", id) + attribute("mode", mode) + attribute("from", from) + attribute("to", to)
            + attribute("createdAt", dateTime(createdAt)) + ">\n<Events>\n"
        return Array(xml.utf8)
    }

    /// The file's end: the counts per kind (`ownershipTransfer`…), known once every event is written.
    public static func fileTail(counts: [(kind: String, count: Int)]) -> [UInt8] {
        let total = counts.reduce(0) { $0 + $1.count }
        let xml =
            "</Events>\n<Summary total=\"\(total)\">"
            + counts.map { "<Count kind=\"\($0.kind)\">\($0.count)</Count>" }.joined() + "</Summary>\n</MoFExport>\n"
        return Array(xml.utf8)
    }
}

/// The manifest the hub signs for each export: what the file holds and its digest.
public struct MoFManifest: Sendable, Hashable {
    public var exportId: String
    /// `daily` or `onDemand`.
    public var mode: String
    public var from: String
    public var to: String
    public var createdAt: Date
    /// Events per kind, in the kinds' order.
    public var counts: [(kind: String, count: Int)]
    /// The file's name in the exports folder, size in bytes, SHA-256 in lower-case hex.
    public var fileName: String
    public var size: Int64
    public var sha256: String

    public init(
        exportId: String, mode: String, from: String, to: String, createdAt: Date, counts: [(kind: String, count: Int)],
        fileName: String, size: Int64, sha256: String
    ) {
        self.exportId = exportId
        self.mode = mode
        self.from = from
        self.to = to
        self.createdAt = createdAt
        self.counts = counts
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
    }

    public static func == (a: MoFManifest, b: MoFManifest) -> Bool { a.xml() == b.xml() }
    public func hash(into hasher: inout Hasher) { hasher.combine(xml()) }

    /// The manifest, unsigned (`DocumentSigner.sign` adds the enveloped signature as the root's last child).
    public func xml() -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<MoFExportManifest xmlns=\"\(MoFFormat.namespace)\" version=\"1\">"
        xml += MoFFormat.element("ExportId", exportId) + MoFFormat.element("Mode", mode)
        xml += "<Period>" + MoFFormat.element("From", from) + MoFFormat.element("To", to) + "</Period>"
        xml += MoFFormat.element("CreatedAt", MoFFormat.dateTime(createdAt))
        xml += "<Counts>" + counts.map { "<Count kind=\"\($0.kind)\">\($0.count)</Count>" }.joined() + "</Counts>"
        xml += "<File>" + MoFFormat.element("Name", fileName) + MoFFormat.element("Size", "\(size)")
        xml += MoFFormat.element("SHA256", sha256) + "</File>"
        xml += "</MoFExportManifest>\n"
        return Array(xml.utf8)
    }

    /// Reads a manifest's fields (its signature is the caller's to verify).
    /// - Throws: the XML core's codes; `MOF_ACK_INVALID` naming the element (a manifest is the hub's own, so a bad
    ///   one is a fault of whoever made it).
    public static func parse(_ bytes: [UInt8]) throws -> MoFManifest {
        let root = try XMLDocument.parse(bytes).root
        var r = try MoFParsing.Reader(root, name: "MoFExportManifest", code: .mofAckInvalid)
        let id = try r.text("ExportId", pattern: MoFParsing.isUUID)
        let mode = try r.text("Mode") { $0 == "daily" || $0 == "onDemand" }
        var period = try r.reader("Period")
        let from = try period.text("From", pattern: MoFParsing.isDay)
        let to = try period.text("To", pattern: MoFParsing.isDay)
        try period.finish()
        let created = try r.dateTime("CreatedAt")
        var countsReader = try r.reader("Counts")
        var counts: [(kind: String, count: Int)] = []
        for element in countsReader.all("Count") {
            guard let kind = element.attribute("kind"), let count = Int(element.text), count >= 0 else {
                throw MoFParsing.invalid(.mofAckInvalid, element, "a Count has a kind and a number")
            }
            counts.append((kind, count))
        }
        try countsReader.finish()
        var file = try r.reader("File")
        let name = try file.text("Name") { !$0.isEmpty && !$0.contains("/") && !$0.contains("..") }
        let size = try file.text("Size") { Int64($0).map { $0 >= 0 } ?? false }
        let digest = try file.text("SHA256", pattern: MoFParsing.isSHA256)
        try file.finish()
        try r.finish(signatureAllowed: true)
        return MoFManifest(
            exportId: id, mode: mode, from: from, to: to, createdAt: created, counts: counts, fileName: name,
            size: Int64(size)!, sha256: digest)
    }
}

/// The Ministry's answer about one export: accepted or rejected, naming the export and the digest it received.
public struct MoFAcknowledgement: Sendable, Hashable {
    public var exportId: String
    public var sha256: String
    public var accepted: Bool
    /// Why it was rejected, or a note.
    public var reason: String?
    /// Events the Ministry counted in the file.
    public var events: Int?
    public var acknowledgedAt: Date

    public init(
        exportId: String, sha256: String, accepted: Bool, reason: String? = nil, events: Int? = nil,
        acknowledgedAt: Date
    ) {
        self.exportId = exportId
        self.sha256 = sha256
        self.accepted = accepted
        self.reason = reason
        self.events = events
        self.acknowledgedAt = acknowledgedAt
    }

    /// Unsigned; the Ministry signs it (enveloped XMLDSig, the root's last child).
    public func xml() -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<MoFAcknowledgement xmlns=\"\(MoFFormat.namespace)\" version=\"1\">"
        xml += MoFFormat.element("ExportId", exportId) + MoFFormat.verdict(sha256, accepted, reason)
        if let events { xml += MoFFormat.element("Events", "\(events)") }
        xml += MoFFormat.element("AcknowledgedAt", MoFFormat.dateTime(acknowledgedAt))
        xml += "</MoFAcknowledgement>\n"
        return Array(xml.utf8)
    }

    /// Reads an acknowledgement's fields from its parsed document (the signature is the caller's to verify).
    /// - Throws: `MOF_ACK_INVALID` naming the element.
    public static func parse(_ root: XMLElement) throws -> MoFAcknowledgement {
        var r = try MoFParsing.Reader(root, name: "MoFAcknowledgement", code: .mofAckInvalid)
        let id = try r.text("ExportId", pattern: MoFParsing.isUUID)
        let verdict = try r.verdict()
        let events = try r.optionalText("Events", limit: 12).map { text -> Int in
            guard let n = Int(text), n >= 0 else {
                throw TanbaError(.mofAckInvalid, "Events is a count, not '\(text)'", path: root.path + "/Events")
            }
            return n
        }
        let at = try r.dateTime("AcknowledgedAt")
        try r.finish(signatureAllowed: true)
        return MoFAcknowledgement(
            exportId: id, sha256: verdict.sha256, accepted: verdict.accepted, reason: verdict.reason, events: events,
            acknowledgedAt: at)
    }
}

/// The tax side's list of accompanying invoices (SNT) for a period: what it registered, by seller, buyer and GTIN
/// quantities, for reconciliation with the hub's ownership transfers. The Ministry signs it (enveloped XMLDSig, the
/// root's last child); `CreatedAt` orders the lists of a period (a newer one replaces what an older one said of its
/// days), and each SNT's `date` says which day of the period it belongs to.
public struct SNTList: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var number: String
        /// The SNT's day (`YYYY-MM-DD`), within the list's period.
        public var date: String
        public var seller: String
        public var buyer: String
        /// Quantity per GTIN.
        public var quantities: [String: Decimal]

        public init(number: String, date: String, seller: String, buyer: String, quantities: [String: Decimal]) {
            self.number = number
            self.date = date
            self.seller = seller
            self.buyer = buyer
            self.quantities = quantities
        }
    }

    public var from: String
    public var to: String
    public var createdAt: Date
    public var entries: [Entry]

    public init(from: String, to: String, createdAt: Date, entries: [Entry]) {
        self.from = from
        self.to = to
        self.createdAt = createdAt
        self.entries = entries
    }

    public static let rootName = "SNTList"

    /// Unsigned; the Ministry signs it (`DocumentSigner.sign` adds the signature as the root's last child).
    public func xml() -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<SNTList xmlns=\"\(MoFFormat.namespace)\" version=\"1\" from=\"\(from)\" to=\"\(to)\">"
        xml += MoFFormat.element("CreatedAt", MoFFormat.dateTime(createdAt))
        for entry in entries {
            xml += "<SNT" + MoFFormat.attribute("number", entry.number) + MoFFormat.attribute("date", entry.date) + ">"
            xml += MoFFormat.element("Seller", entry.seller) + MoFFormat.element("Buyer", entry.buyer)
            for (gtin, quantity) in entry.quantities.sorted(by: { $0.key < $1.key }) {
                xml += "<Line>" + MoFFormat.element("GTIN", gtin)
                xml += MoFFormat.element("Quantity", MoFFormat.decimal(quantity)) + "</Line>"
            }
            xml += "</SNT>"
        }
        xml += "</SNTList>\n"
        return Array(xml.utf8)
    }

    /// Reads a list's fields from its bytes (its signature is the caller's to verify).
    /// - Throws: the XML core's codes; `MOF_SNT_LIST_INVALID` naming the element.
    public static func parse(_ bytes: [UInt8]) throws -> SNTList {
        try parse(try XMLDocument.parse(bytes).root)
    }

    /// Reads a list's fields from its parsed document (its signature is the caller's to verify).
    /// - Throws: `MOF_SNT_LIST_INVALID` naming the element.
    public static func parse(_ root: XMLElement) throws -> SNTList {
        var r = try MoFParsing.Reader(root, name: rootName, code: .mofSNTListInvalid)
        guard let from = root.attribute("from"), MoFParsing.isDay(from), let to = root.attribute("to"),
            MoFParsing.isDay(to), from <= to
        else { throw MoFParsing.invalid(.mofSNTListInvalid, root, "from and to are days YYYY-MM-DD, from ≤ to") }
        let created = try r.dateTime("CreatedAt")
        var entries: [Entry] = []
        var numbers: Set<String> = []
        for snt in r.all("SNT") {
            guard let number = snt.attribute("number"), MoFParsing.isSNT(number), numbers.insert(number).inserted
            else { throw MoFParsing.invalid(.mofSNTListInvalid, snt, "each SNT has its own registration number") }
            guard let date = snt.attribute("date"), MoFParsing.isDay(date), from <= date, date <= to else {
                throw MoFParsing.invalid(
                    .mofSNTListInvalid, snt, "SNT \(number)'s date is a day YYYY-MM-DD within \(from)…\(to)")
            }
            var s = MoFParsing.Reader(element: snt, code: .mofSNTListInvalid)
            let seller = try s.text("Seller", pattern: MoFParsing.isTaxpayer)
            let buyer = try s.text("Buyer", pattern: MoFParsing.isTaxpayer)
            var quantities: [String: Decimal] = [:]
            for line in s.all("Line") {
                var l = MoFParsing.Reader(element: line, code: .mofSNTListInvalid)
                let gtin = try l.text("GTIN") { $0.utf8.count == 14 && $0.allSatisfy(\.isASCII) && Int($0) != nil }
                let quantity = try l.text("Quantity") { Decimal(string: $0).map { $0 > 0 } ?? false }
                try l.finish()
                quantities[gtin, default: 0] += Decimal(string: quantity)!
            }
            try s.finish()
            entries.append(Entry(number: number, date: date, seller: seller, buyer: buyer, quantities: quantities))
        }
        try r.finish(signatureAllowed: true)
        return SNTList(from: from, to: to, createdAt: created, entries: entries)
    }
}

/// Strict reading of the MoF documents: the root's name and namespace, then its children in order, each checked.
enum MoFParsing {
    static func invalid(_ code: ErrorCode, _ element: XMLElement, _ message: String) -> TanbaError {
        TanbaError(code, message, line: element.line, path: element.path)
    }

    static func isDay(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 10 && b[4] == 0x2D && b[7] == 0x2D
            && b.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) }
    }

    static func isUUID(_ text: String) -> Bool {
        text.utf8.count == 36 && UUID(uuidString: text) != nil && text == text.lowercased()
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func isTaxpayer(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// An SNT registration number as the hub accepts it: 1 to 50 of letters, digits and `-`, `/` (the tax side's
    /// exact format is not public).
    static func isSNT(_ text: String) -> Bool {
        (1...50).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D
                    || $0 == 0x2F
            }
    }

    struct Reader {
        let element: XMLElement
        let code: ErrorCode
        var children: [XMLElement]
        var index = 0

        init(_ root: XMLElement, name: String, code: ErrorCode) throws {
            guard root.name == name, root.namespaceURI == MoFFormat.namespace else {
                throw MoFParsing.invalid(
                    code, root, "the root is \(name) in \(MoFFormat.namespace), not \(root.name)")
            }
            self.init(element: root, code: code)
        }

        init(element: XMLElement, code: ErrorCode) {
            self.element = element
            self.code = code
            children = element.children
        }

        private mutating func next(_ name: String) -> XMLElement? {
            guard index < children.count, children[index].name == name,
                children[index].namespaceURI == MoFFormat.namespace
            else { return nil }
            index += 1
            return children[index - 1]
        }

        mutating func required(_ name: String) throws -> XMLElement {
            guard let child = next(name) else {
                let at = index < children.count ? children[index] : element
                throw MoFParsing.invalid(
                    code, at,
                    index < children.count
                        ? "\(name) is expected here, not \(children[index].name)" : "\(name) is missing")
            }
            return child
        }

        mutating func reader(_ name: String) throws -> Reader { Reader(element: try required(name), code: code) }

        /// The next child if it is `name`, else nil (an optional element).
        mutating func optional(_ name: String) -> XMLElement? { next(name) }

        mutating func text(_ name: String, limit: Int = 200, pattern: (String) -> Bool = { _ in true }) throws
            -> String
        {
            let child = try required(name)
            let text = child.text
            guard text.utf8.count <= limit, pattern(text), child.children.isEmpty else {
                throw MoFParsing.invalid(code, child, "\(name) is out of its pattern: '\(text.prefix(80))'")
            }
            return text
        }

        mutating func optionalText(_ name: String, limit: Int) throws -> String? {
            guard index < children.count, children[index].name == name else { return nil }
            return try text(name, limit: limit)
        }

        mutating func dateTime(_ name: String) throws -> Date {
            let child = try required(name)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            guard let date = formatter.date(from: child.text) else {
                throw MoFParsing.invalid(code, child, "\(name) is an ISO 8601 date-time with an offset")
            }
            return date
        }

        /// An acknowledgement's `SHA256`, `Result` and optional `Reason` (`MoFFormat.verdict`).
        mutating func verdict() throws -> (sha256: String, accepted: Bool, reason: String?) {
            let digest = try text("SHA256", pattern: MoFParsing.isSHA256)
            let result = try text("Result") { $0 == "accepted" || $0 == "rejected" }
            return (digest, result == "accepted", try optionalText("Reason", limit: 2000))
        }

        mutating func all(_ name: String) -> [XMLElement] {
            var found: [XMLElement] = []
            while let child = next(name) { found.append(child) }
            return found
        }

        /// Nothing may follow but (where allowed) the enveloped signature.
        func finish(signatureAllowed: Bool = false) throws {
            var rest = children[index...]
            if signatureAllowed, let last = rest.last, last.name == "Signature",
                last.namespaceURI == "http://www.w3.org/2000/09/xmldsig#"
            {
                rest = rest.dropLast()
            }
            if let extra = rest.first {
                throw MoFParsing.invalid(code, extra, "\(extra.name) is not expected here")
            }
        }
    }
}
