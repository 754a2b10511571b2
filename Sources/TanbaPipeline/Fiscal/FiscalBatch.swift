import Crypto
import Foundation
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaXML

/// A batch of cash receipts as the OFD sent it, read from the verified tree (`xsd/fiscal-receipts-1.xsd`): the
/// schema has checked every shape; what it cannot check (the codes) is read here with the GS1 parser.
struct FiscalBatch {
    static let namespace = "urn:kz:tanba:fiscal-receipts:1"
    static let rootElement = "FiscalReceipts"
    /// The document type code (reference/document-types.json) whose `signerRoles` say which NCA roles sign.
    static let typeCode = "fiscalReceipts"

    struct Line {
        let number: Int
        /// The code's text as scanned, and where it is.
        let text: String
        let element: XMLElement
        let price: String
    }

    struct Receipt {
        let register: String
        let registerSerial: String?
        let fiscalSign: String
        let dateTime: String
        let issuedAt: Date
        let seller: String
        let kind: FiscalReceiptKind
        let lines: [Line]
        let element: XMLElement
        /// `FR-<register>-<fiscal sign>`, made once: a decision asks for it several times per receipt.
        let id: String

        init(
            register: String, registerSerial: String?, fiscalSign: String, dateTime: String, issuedAt: Date,
            seller: String, kind: FiscalReceiptKind, lines: [Line], element: XMLElement
        ) {
            self.register = register
            self.registerSerial = registerSerial
            self.fiscalSign = fiscalSign
            self.dateTime = dateTime
            self.issuedAt = issuedAt
            self.seller = seller
            self.kind = kind
            self.lines = lines
            self.element = element
            id = FiscalReceiptRecord.id(register: register, fiscalSign: fiscalSign)
        }
    }

    let id: String
    let ofd: String
    let receipts: [Receipt]

    /// Reads a schema-valid batch.
    /// - Throws: `XSD_INVALID` at a value the schema's types let through but the hub cannot read (a date-time
    ///   outside what ISO 8601 dates can say).
    init(root: XMLElement) throws {
        let ns = Self.namespace
        func child(_ parent: XMLElement, _ name: String) throws -> XMLElement {
            guard let found = parent.child(named: name, namespace: ns) else {
                throw TanbaError(.xsdInvalid, "\(name) is missing", line: parent.line, path: parent.path)
            }
            return found
        }
        func text(_ parent: XMLElement, _ name: String) throws -> String {
            try child(parent, name).text.trimmedOfXMLSpace
        }
        id = try text(root, "BatchId")
        ofd = try text(root, "Operator")
        var receipts: [Receipt] = []
        for element in try child(root, "Receipts").children(named: "Receipt", namespace: ns) {
            let register = try child(element, "Register")
            let dateElement = try child(element, "DateTime")
            let dateTime = dateElement.text.trimmedOfXMLSpace
            guard let issuedAt = Self.instant(dateTime) else {
                throw TanbaError(
                    .xsdInvalid, "DateTime '\(dateTime)' is not a date-time the hub can read",
                    line: dateElement.line, path: dateElement.path)
            }
            let lines = try child(element, "Lines").children(named: "Line", namespace: ns).enumerated().map {
                index, line in
                let code = try child(line, "Code")
                return Line(
                    number: index + 1, text: code.text.trimmedOfXMLSpace, element: code,
                    price: try text(line, "Price"))
            }
            receipts.append(
                Receipt(
                    register: try text(register, "RegistrationNumber"),
                    registerSerial: register.child(named: "SerialNumber", namespace: ns)?.text,
                    fiscalSign: try text(element, "FiscalSign"), dateTime: dateTime, issuedAt: issuedAt,
                    seller: try text(element, "Seller"),
                    kind: FiscalReceiptKind(rawValue: try text(element, "Kind")) ?? .sale, lines: lines,
                    element: element))
        }
        self.receipts = receipts
    }

    /// An `xs:dateTime`: with its offset, or without one in Kazakhstan's time (UTC+5), with or without fractions.
    ///
    /// Read by hand: a batch has a date-time per receipt, and Foundation's `ISO8601DateFormatter` builds an ICU
    /// formatter each time it is made — a tenth of the intake's time when it was made per receipt.
    static func instant(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for byte in b[from..<(from + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < b.count, b[index] == 0x2E {
            var scale = 0.1
            index += 1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                fraction += Double(b[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 5 * 3600
        if index < b.count {
            if b[index] == 0x5A, index + 1 == b.count {
                offset = 0
            } else if b[index] == 0x2B || b[index] == 0x2D, index + 6 == b.count, b[index + 3] == 0x3A,
                let hours = number(index + 1, 2), let minutes = number(index + 4, 2), hours <= 14, minutes < 60
            {
                offset = (b[index] == 0x2D ? -1 : 1) * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
        }
        // Days from 1970-01-01 of the proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

extension FiscalBatch.Receipt {
    /// What the receipt states, as a digest: the same register and fiscal sign with anything else changed is
    /// another receipt, not a repeat.
    ///
    /// Its bytes are gathered in `buffer` (emptied first, its capacity kept for the next receipt).
    func digest(codes: [String], buffer: inout [UInt8]) -> String {
        // The bytes of `seller|kind|dateTime` then `|code|price` per line, gathered and hashed once: the text built
        // as a string was copied again to be hashed, and hashing each piece as it came cost a SHA-256 update call
        // (about 700 instructions) per piece, 21 for a receipt of four lines.
        buffer.removeAll(keepingCapacity: true)
        func add(_ text: String) { buffer.append(contentsOf: text.utf8) }
        add(seller)
        buffer.append(UInt8(ascii: "|"))
        add(kind.rawValue)
        buffer.append(UInt8(ascii: "|"))
        add(dateTime)
        for (line, code) in zip(lines, codes) {
            buffer.append(UInt8(ascii: "|"))
            add(code)
            buffer.append(UInt8(ascii: "|"))
            add(line.price)
        }
        return Hex.encode(SHA256.hash(data: buffer))
    }
}

extension String {
    /// The text without XML white space around it (space, tab, CR, LF), as a schema's whitespace collapse reads it.
    /// Most values have none: they are returned as they are, without Foundation's `trimmingCharacters`, which cost
    /// the intake more than reading the rest of the batch.
    var trimmedOfXMLSpace: String {
        func space(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        if !space(first) && !space(last) { return self }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, space(bytes[start]) { start = bytes.index(after: start) }
        while end > start, space(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(self[start..<end])
    }
}
