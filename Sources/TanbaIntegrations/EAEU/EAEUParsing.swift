import Foundation
import TanbaDomain
import TanbaErrors
public import TanbaXML

extension EAEUMessages {
    /// Reads a departure, checking every field.
    ///
    /// - Throws: the XML core's codes when `bytes` is not safe, well-formed XML; `EAEU_MESSAGE_INVALID` naming the
    ///   element (its path and line) for a wrong root or namespace, a header field missing or out of its pattern,
    ///   an invalid BIN, country, tax number, date, GTIN or identification code, a code given twice, or an
    ///   unexpected element.
    public static func parseDeparture(_ bytes: [UInt8]) throws -> EAEUDeparture {
        let parts = try readGoodsMessage(try XMLDocument.parse(bytes).root)
        guard parts.sender.country.value == "KZ" else {
            throw invalid(parts.sender.country.element, "the sender's country is KZ")
        }
        try checkBIN(parts.sender.taxId, whose: "sender")
        let country = try memberState(parts.receiver, whose: "receiver")
        return EAEUDeparture(
            edocId: parts.header.id, edocRefId: parts.header.refId, sourceDocumentId: parts.source,
            dateTime: parts.header.dateTime, senderBIN: parts.sender.taxId.value, senderName: parts.sender.name,
            receiverCountry: country, receiverTaxId: parts.receiver.taxId.value, receiverName: parts.receiver.name,
            documentNumber: parts.number, documentDate: parts.date, lines: parts.lines)
    }

    /// Reads an arrival — a partner state's goods message addressed to a Kazakh receiver — checking every field as
    /// `parseDeparture` does, with the parties the other way round: the sender in RU, BY, KG or AM with a taxpayer
    /// number of its country's form, the receiver in KZ with a valid BIN or IIN.
    /// - Throws: as `parseDeparture`.
    public static func readArrival(_ root: XMLElement) throws -> EAEUArrival {
        let parts = try readGoodsMessage(root)
        let country = try memberState(parts.sender, whose: "sender")
        guard parts.receiver.country.value == "KZ" else {
            throw invalid(parts.receiver.country.element, "the receiver's country is KZ")
        }
        try checkBIN(parts.receiver.taxId, whose: "receiver")
        return EAEUArrival(
            edocId: parts.header.id, edocRefId: parts.header.refId, sourceDocumentId: parts.source,
            dateTime: parts.header.dateTime, senderCountry: country, senderTaxId: parts.sender.taxId.value,
            senderName: parts.sender.name, receiverBIN: parts.receiver.taxId.value, receiverName: parts.receiver.name,
            documentNumber: parts.number, documentDate: parts.date, lines: parts.lines)
    }

    /// A party as read, before its direction's rules: its country and tax number with their elements.
    struct PartyParts {
        var country: (element: XMLElement, value: String)
        var taxId: (element: XMLElement, value: String)
        var name: String
    }

    /// What both directions of the goods message share, each field checked but the parties' countries.
    struct GoodsMessageParts {
        var header: EECHeader
        var source: String
        var sender: PartyParts
        var receiver: PartyParts
        var number: String
        var date: String
        var lines: [EAEUDeparture.Line]
    }

    /// The Kazakh party's BIN (or IIN): 12 digits with a valid check digit.
    static func checkBIN(_ taxId: (element: XMLElement, value: String), whose: String) throws {
        do { _ = try KazakhIdentifier(taxId.value) } catch let error as TanbaError {
            throw invalid(taxId.element, "the \(whose)'s BIN is invalid: \(error.message)")
        }
    }

    /// The other party's member state, and its taxpayer number in that state's form.
    static func memberState(_ party: PartyParts, whose: String) throws -> EAEUCountry {
        guard let country = EAEUCountry(rawValue: party.country.value) else {
            throw invalid(
                party.country.element,
                "the \(whose)'s country is one of \(EAEUCountry.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard country.isTaxIdForm(party.taxId.value) else {
            throw invalid(party.taxId.element, "not a taxpayer number of \(country.rawValue) in form")
        }
        return country
    }

    static func readParty(_ element: XMLElement) throws -> PartyParts {
        var reader = ChildReader(element)
        let country = try reader.text("UnifiedCountryCode", namespace: simpleDataObjects, limit: 2)
        let taxId = try reader.text("TaxpayerId", namespace: simpleDataObjects, limit: 20)
        let name = try reader.text("BusinessEntityName", namespace: simpleDataObjects, limit: 1000, freeText: true)
        try reader.finish()
        return PartyParts(country: country, taxId: taxId, name: name.value)
    }

    /// Reads the goods message (`GoodsDeparture`) in either direction.
    static func readGoodsMessage(_ root: XMLElement) throws -> GoodsMessageParts {
        try expectRoot(root, name: "GoodsDeparture", namespace: departureNamespace)
        var reader = ChildReader(root)
        let header = try reader.header(envelope: departureEnvelopeCode, document: departureDocumentCode)
        let source = try reader.text("SourceDocumentId", namespace: departureNamespace, limit: 100)
        let sender = try readParty(try reader.required("Sender", namespace: departureNamespace))
        let receiver = try readParty(try reader.required("Receiver", namespace: departureNamespace))

        let document = try reader.required("AccompanyingDocument", namespace: departureNamespace)
        var documentReader = ChildReader(document)
        let number = try documentReader.text("DocId", namespace: simpleDataObjects, limit: 100)
        let date = try documentReader.text("DocCreationDate", namespace: simpleDataObjects, limit: 10)
        guard isDate(date.value) else { throw invalid(date.element, "a date is written YYYY-MM-DD") }
        try documentReader.finish()

        let goods = try reader.required("Goods", namespace: departureNamespace)
        var goodsReader = ChildReader(goods)
        var lines: [EAEUDeparture.Line] = []
        var seen: Set<String> = []
        for item in goodsReader.all("GoodsItem", namespace: departureNamespace) {
            var itemReader = ChildReader(item)
            let gtin = try itemReader.text("GTIN", namespace: departureNamespace, limit: 14)
            do {
                let parsed = try GTIN(gtin.value)
                guard parsed.value == gtin.value else {
                    throw invalid(gtin.element, "a GTIN is written with 14 digits")
                }
            } catch let error as TanbaError where error.code != .eaeuMessageInvalid {
                throw invalid(gtin.element, "the GTIN is invalid: \(error.message)")
            }
            var codes: [String] = []
            for codeElement in itemReader.all("IdentificationCode", namespace: departureNamespace) {
                let code = codeElement.text
                let marking: MarkingCode
                do { marking = try MarkingCode.parse(code) } catch let error as TanbaError {
                    throw invalid(codeElement, "not an identification code: \(error.message)")
                }
                guard code == "01" + marking.gtin.value + "21" + marking.serial else {
                    throw invalid(codeElement, "an identification code is 01 + GTIN + 21 + serial, nothing else")
                }
                guard marking.gtin.value == gtin.value else {
                    throw invalid(codeElement, "the code's GTIN \(marking.gtin.value) is not its item's \(gtin.value)")
                }
                guard seen.insert(code).inserted else { throw invalid(codeElement, "the code is listed twice") }
                codes.append(code)
            }
            guard !codes.isEmpty else { throw missing("IdentificationCode", in: item) }
            try itemReader.finish()
            lines.append(.init(gtin: gtin.value, codes: codes))
        }
        guard !lines.isEmpty else { throw missing("GoodsItem", in: goods) }
        try goodsReader.finish()
        try reader.finish(allowingSignature: true)
        return GoodsMessageParts(
            header: header, source: source.value, sender: sender, receiver: receiver, number: number.value,
            date: date.value, lines: lines)
    }

    /// Reads a processing result, checking every field.
    ///
    /// - Throws: the XML core's codes for input that is not safe XML; `EAEU_MESSAGE_INVALID` naming the element for
    ///   a wrong root or namespace, a header field missing or out of its pattern (EDocRefId is required: a result
    ///   always answers a message), `Accepted` other than `true`/`false`, or an unexpected element.
    public static func parseProcessingResult(_ bytes: [UInt8]) throws -> EAEUProcessingResult {
        let root = try XMLDocument.parse(bytes).root
        try expectRoot(root, name: "ProcessingResult", namespace: resultNamespace)
        var reader = ChildReader(root)
        let header = try reader.header(envelope: resultEnvelopeCode, document: resultDocumentCode)
        guard let refId = header.refId else { throw missing("EDocRefId", in: root) }
        let accepted = try reader.text("Accepted", namespace: resultNamespace, limit: 5)
        guard accepted.value == "true" || accepted.value == "false" else {
            throw invalid(accepted.element, "Accepted is true or false")
        }
        let code = try reader.text("ResultCode", namespace: resultNamespace, limit: 100)
        let message = reader.optional("ResultDescription", namespace: resultNamespace)?.text
        try reader.finish(allowingSignature: true)
        return EAEUProcessingResult(
            edocId: header.id, refEdocId: refId, dateTime: header.dateTime, accepted: accepted.value == "true",
            code: code.value, message: message)
    }

    private static func expectRoot(_ root: XMLElement, name: String, namespace: String) throws {
        guard root.name == name, root.namespaceURI == namespace else {
            throw invalid(
                root,
                "the root element is {\(root.namespaceURI ?? "")}\(root.name); expected {\(namespace)}\(name)")
        }
    }

    /// `YYYY-MM-DD` naming a real day.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), parts[0].count == 4,
            parts[1].count == 2, parts[2].count == 2, (1...12).contains(month), day >= 1
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = kazakhstan
        guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
            let days = calendar.range(of: .day, in: .month, for: first)
        else { return false }
        return days.contains(day)
    }

    /// An ISO 8601 date-time with an offset (or Z), with or without fractions of a second.
    static func parseDateTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// A UUID in its canonical lower-case form.
    static func isLowerCaseUUID(_ text: String) -> Bool {
        text.utf8.count == 36 && UUID(uuidString: text) != nil && text == text.lowercased()
    }

    static func invalid(_ element: XMLElement, _ message: String) -> TanbaError {
        TanbaError(.eaeuMessageInvalid, "\(element.name): \(message)", line: element.line, path: element.path)
    }

    static func missing(_ name: String, in parent: XMLElement) -> TanbaError {
        TanbaError(
            .eaeuMessageInvalid, "\(name) is missing in \(parent.name)", line: parent.line,
            path: parent.path + "/" + name)
    }
}

/// The Commission's header, as read.
struct EECHeader {
    var id: String
    var refId: String?
    var dateTime: Date
}

/// Reads an element's children in their required order: each call takes the next child if it is the one named,
/// and `finish` refuses whatever is left, so a misplaced, repeated or unknown element is named, never ignored.
struct ChildReader {
    let parent: XMLElement
    private let children: [XMLElement]
    private var index = 0

    init(_ parent: XMLElement) {
        self.parent = parent
        self.children = parent.children
    }

    mutating func optional(_ name: String, namespace: String) -> XMLElement? {
        guard index < children.count, children[index].name == name, children[index].namespaceURI == namespace
        else { return nil }
        index += 1
        return children[index - 1]
    }

    mutating func required(_ name: String, namespace: String) throws -> XMLElement {
        if let element = optional(name, namespace: namespace) { return element }
        if index < children.count {
            let found = children[index]
            throw TanbaError(
                .eaeuMessageInvalid, "\(name) is missing in \(parent.name): found \(found.name) in its place",
                line: found.line, path: parent.path + "/" + name)
        }
        throw EAEUMessages.missing(name, in: parent)
    }

    mutating func all(_ name: String, namespace: String) -> [XMLElement] {
        var result: [XMLElement] = []
        while let element = optional(name, namespace: namespace) { result.append(element) }
        return result
    }

    /// A required element's text: not empty, at most `limit` characters, and (unless it is free text, a name)
    /// without white space around it: an identifier with a space would not be the identifier.
    mutating func text(_ name: String, namespace: String, limit: Int, freeText: Bool = false) throws -> (
        element: XMLElement, value: String
    ) {
        let element = try required(name, namespace: namespace)
        guard element.children.isEmpty else { throw EAEUMessages.invalid(element, "holds elements, not text") }
        let value = element.text
        guard !value.isEmpty else { throw EAEUMessages.invalid(element, "is empty") }
        guard value.count <= limit else { throw EAEUMessages.invalid(element, "is longer than \(limit) characters") }
        guard freeText || value.trimmingCharacters(in: .whitespacesAndNewlines) == value else {
            throw EAEUMessages.invalid(element, "has white space around its value")
        }
        return (element, value)
    }

    /// The Commission's header: the codes must be the message's own, the ids lower-case UUIDs, the date-time carry
    /// its offset.
    mutating func header(envelope: String, document: String) throws -> EECHeader {
        let sdo = EAEUMessages.simpleDataObjects
        let envelopeCode = try text("InfEnvelopeCode", namespace: sdo, limit: 20)
        guard envelopeCode.value == envelope else {
            throw EAEUMessages.invalid(envelopeCode.element, "is \(envelopeCode.value); this message is \(envelope)")
        }
        let documentCode = try text("EDocCode", namespace: sdo, limit: 20)
        guard documentCode.value == document else {
            throw EAEUMessages.invalid(documentCode.element, "is \(documentCode.value); this document is \(document)")
        }
        let id = try text("EDocId", namespace: sdo, limit: 36)
        guard EAEUMessages.isLowerCaseUUID(id.value) else {
            throw EAEUMessages.invalid(id.element, "an EDocId is a UUID in lower case")
        }
        var refId: String?
        if let ref = optional("EDocRefId", namespace: sdo) {
            guard EAEUMessages.isLowerCaseUUID(ref.text) else {
                throw EAEUMessages.invalid(ref, "an EDocRefId is a UUID in lower case")
            }
            refId = ref.text
        }
        let dateTime = try text("EDocDateTime", namespace: sdo, limit: 40)
        guard let date = EAEUMessages.parseDateTime(dateTime.value) else {
            throw EAEUMessages.invalid(
                dateTime.element, "a date-time is ISO 8601 with its offset, e.g. 2026-11-27T10:15:00+05:00")
        }
        return EECHeader(id: id.value, refId: refId, dateTime: date)
    }

    /// Refuses any child not read, except (when allowed) one XMLDSig signature as the very last child.
    func finish(allowingSignature: Bool = false) throws {
        var rest = children[index...]
        if allowingSignature, let last = rest.last, last.name == "Signature",
            last.namespaceURI == XMLDSigURI.namespace
        {
            rest = rest.dropLast()
        }
        if let extra = rest.first {
            throw TanbaError(
                .eaeuMessageInvalid, "\(extra.name) is not expected here in \(parent.name)", line: extra.line,
                path: extra.path)
        }
    }
}
