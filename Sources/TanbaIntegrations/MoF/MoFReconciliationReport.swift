public import Foundation
import TanbaErrors
public import TanbaXML

/// The hub's reconciliation report sent to the Ministry (root `MoFReconciliation` in `urn:tanba:mof:export:1`,
/// `xsd/mof/mof-export-1.xsd`), signed by the hub as the export manifests are. What the hub found for a period: the
/// accepted shipments that name no SNT (codes shipped without an invoice) and, when the Ministry's SNT list was
/// compared, the SNTs no shipment names, the quantities that differ and the SNTs whose parties differ.
///
/// `findings()` is everything but the id and the time the report was made: the report's identity. The id is made
/// from the period and the findings' digest, so the same report made twice is one message to the Ministry.
public struct MoFReconciliationReport: Sendable, Hashable {
    /// A shipment accepted without an SNT.
    public struct Transfer: Sendable, Hashable {
        /// The hub's id of the deciding document, and the day (Kazakhstan's) of the decision.
        public var document: String
        public var day: String
        public var seller: String?
        public var buyer: String?
        /// Quantity per GTIN, in GTIN order, as decimal text.
        public var lines: [(gtin: String, quantity: String)]

        public init(
            document: String, day: String, seller: String?, buyer: String?, lines: [(gtin: String, quantity: String)]
        ) {
            self.document = document
            self.day = day
            self.seller = seller
            self.buyer = buyer
            self.lines = lines
        }

        public static func == (a: Transfer, b: Transfer) -> Bool {
            a.document == b.document && a.day == b.day && a.seller == b.seller && a.buyer == b.buyer
                && a.lines.map { [$0.gtin, $0.quantity] } == b.lines.map { [$0.gtin, $0.quantity] }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(document)
            hasher.combine(day)
        }
    }

    /// A GTIN whose quantity under an SNT differs: the hub's transfers' total and the SNT's.
    public struct Difference: Sendable, Hashable {
        public var snt: String
        public var gtin: String
        public var hubQuantity: String
        public var sntQuantity: String

        public init(snt: String, gtin: String, hubQuantity: String, sntQuantity: String) {
            self.snt = snt
            self.gtin = gtin
            self.hubQuantity = hubQuantity
            self.sntQuantity = sntQuantity
        }
    }

    /// What the comparison with the Ministry's SNT list found.
    public struct Comparison: Sendable, Hashable {
        public var sntWithoutShipment: [String]
        public var differences: [Difference]
        public var partiesDiffer: [String]

        public init(sntWithoutShipment: [String], differences: [Difference], partiesDiffer: [String]) {
            self.sntWithoutShipment = sntWithoutShipment
            self.differences = differences
            self.partiesDiffer = partiesDiffer
        }
    }

    /// A UUID in lower case: the outbox message's idempotency key, by which the Ministry deduplicates.
    public var reportId: String
    public var from: String
    public var to: String
    public var createdAt: Date
    public var withoutSNT: [Transfer]
    /// Nil when no SNT list was compared.
    public var comparison: Comparison?

    public init(
        reportId: String, from: String, to: String, createdAt: Date, withoutSNT: [Transfer], comparison: Comparison?
    ) {
        self.reportId = reportId
        self.from = from
        self.to = to
        self.createdAt = createdAt
        self.withoutSNT = withoutSNT
        self.comparison = comparison
    }

    /// The report's findings as they are written in the document (after `CreatedAt`): what identifies a report
    /// beside its period.
    public func findings() -> String {
        var xml = "<WithoutSNT>"
        for transfer in withoutSNT {
            xml += "<Transfer>" + MoFFormat.element("Document", transfer.document)
            xml += MoFFormat.element("Day", transfer.day)
            if let seller = transfer.seller { xml += MoFFormat.element("Seller", seller) }
            if let buyer = transfer.buyer { xml += MoFFormat.element("Buyer", buyer) }
            for line in transfer.lines {
                xml += "<Line>" + MoFFormat.element("GTIN", line.gtin)
                xml += MoFFormat.element("Quantity", line.quantity) + "</Line>"
            }
            xml += "</Transfer>"
        }
        xml += "</WithoutSNT>"
        if let comparison {
            xml += "<SNTComparison><SNTWithoutShipment>"
            xml += comparison.sntWithoutShipment.map { MoFFormat.element("SNT", $0) }.joined()
            xml += "</SNTWithoutShipment><QuantityDifferences>"
            for difference in comparison.differences {
                xml += "<Difference>" + MoFFormat.element("SNT", difference.snt)
                xml += MoFFormat.element("GTIN", difference.gtin)
                xml += MoFFormat.element("HubQuantity", difference.hubQuantity)
                xml += MoFFormat.element("SNTQuantity", difference.sntQuantity) + "</Difference>"
            }
            xml += "</QuantityDifferences><PartiesDiffer>"
            xml += comparison.partiesDiffer.map { MoFFormat.element("SNT", $0) }.joined()
            xml += "</PartiesDiffer></SNTComparison>"
        }
        return xml
    }

    /// The report, unsigned (`DocumentSigner.sign` adds the enveloped signature as the root's last child).
    public func xml() -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<MoFReconciliation xmlns=\"\(MoFFormat.namespace)\" version=\"1\">"
        xml += MoFFormat.element("ReportId", reportId)
        xml += "<Period>" + MoFFormat.element("From", from) + MoFFormat.element("To", to) + "</Period>"
        xml += MoFFormat.element("CreatedAt", MoFFormat.dateTime(createdAt))
        xml += findings() + "</MoFReconciliation>\n"
        return Array(xml.utf8)
    }

    /// Reads a report's fields from its parsed document (the signature is the caller's to verify), refusing
    /// anything but our schema's report: every element in its place and pattern.
    /// - Throws: `MOF_RECONCILIATION_INVALID` naming the element.
    public static func parse(_ root: XMLElement) throws -> MoFReconciliationReport {
        let code = ErrorCode.mofReconciliationInvalid
        var r = try MoFParsing.Reader(root, name: "MoFReconciliation", code: code)
        guard root.attribute("version") == "1" else {
            throw MoFParsing.invalid(code, root, "the report's version is 1")
        }
        let id = try r.text("ReportId", pattern: MoFParsing.isUUID)
        var period = try r.reader("Period")
        let from = try period.text("From", pattern: MoFParsing.isDay)
        let to = try period.text("To", pattern: MoFParsing.isDay)
        try period.finish()
        guard from <= to else { throw MoFParsing.invalid(code, root, "the period's From is not after its To") }
        let created = try r.dateTime("CreatedAt")
        var without = try r.reader("WithoutSNT")
        var transfers: [Transfer] = []
        for element in without.all("Transfer") {
            var t = MoFParsing.Reader(element: element, code: code)
            let document = try t.text("Document") { !$0.isEmpty }
            let day = try t.text("Day", pattern: MoFParsing.isDay)
            let seller = try t.optionalText("Seller", limit: 12)
            let buyer = try t.optionalText("Buyer", limit: 12)
            for (name, value) in [("Seller", seller), ("Buyer", buyer)] {
                if let value, !MoFParsing.isTaxpayer(value) {
                    throw MoFParsing.invalid(code, element, "\(name) is a BIN or IIN of 12 digits")
                }
            }
            var lines: [(gtin: String, quantity: String)] = []
            for line in t.all("Line") {
                var l = MoFParsing.Reader(element: line, code: code)
                lines.append((try l.text("GTIN", pattern: isGTIN), try l.text("Quantity", pattern: isQuantity)))
                try l.finish()
            }
            try t.finish()
            transfers.append(Transfer(document: document, day: day, seller: seller, buyer: buyer, lines: lines))
        }
        try without.finish()
        var comparison: Comparison?
        if let element = r.optional("SNTComparison") {
            var c = MoFParsing.Reader(element: element, code: code)
            var missing = try c.reader("SNTWithoutShipment")
            let numbers = try missing.all("SNT").map { try sntNumber($0) }
            try missing.finish()
            var quantities = try c.reader("QuantityDifferences")
            var differences: [Difference] = []
            for element in quantities.all("Difference") {
                var d = MoFParsing.Reader(element: element, code: code)
                differences.append(
                    Difference(
                        snt: try d.text("SNT", pattern: MoFParsing.isSNT), gtin: try d.text("GTIN", pattern: isGTIN),
                        hubQuantity: try d.text("HubQuantity", pattern: isQuantity),
                        sntQuantity: try d.text("SNTQuantity", pattern: isQuantity)))
                try d.finish()
            }
            try quantities.finish()
            var parties = try c.reader("PartiesDiffer")
            let differing = try parties.all("SNT").map { try sntNumber($0) }
            try parties.finish()
            try c.finish()
            comparison = Comparison(sntWithoutShipment: numbers, differences: differences, partiesDiffer: differing)
        }
        try r.finish(signatureAllowed: true)
        return MoFReconciliationReport(
            reportId: id, from: from, to: to, createdAt: created, withoutSNT: transfers, comparison: comparison)
    }

    static func isGTIN(_ text: String) -> Bool {
        text.utf8.count == 14 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// A decimal quantity as the hub writes it: digits, at most one point, an optional minus (none is negative
    /// in practice; the schema's xs:decimal allows it).
    static func isQuantity(_ text: String) -> Bool {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return (1...40).contains(body.utf8.count) && (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
    }

    static func sntNumber(_ element: XMLElement) throws -> String {
        guard element.children.isEmpty, MoFParsing.isSNT(element.text) else {
            throw MoFParsing.invalid(
                .mofReconciliationInvalid, element, "an SNT number is 1 to 50 Latin letters, digits, - or /")
        }
        return element.text
    }
}
