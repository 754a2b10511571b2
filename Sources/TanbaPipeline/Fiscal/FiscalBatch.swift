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

        var id: String { FiscalReceiptRecord.id(register: register, fiscalSign: fiscalSign) }
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
            try child(parent, name).text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        id = try text(root, "BatchId")
        ofd = try text(root, "Operator")
        var receipts: [Receipt] = []
        for element in try child(root, "Receipts").children(named: "Receipt", namespace: ns) {
            let register = try child(element, "Register")
            let dateElement = try child(element, "DateTime")
            let dateTime = dateElement.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let issuedAt = Self.instant(dateTime) else {
                throw TanbaError(
                    .xsdInvalid, "DateTime '\(dateTime)' is not a date-time the hub can read",
                    line: dateElement.line, path: dateElement.path)
            }
            let lines = try child(element, "Lines").children(named: "Line", namespace: ns).enumerated().map {
                index, line in
                let code = try child(line, "Code")
                return Line(
                    number: index + 1, text: code.text.trimmingCharacters(in: .whitespacesAndNewlines), element: code,
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
    static func instant(_ text: String) -> Date? {
        let hasOffset = text.hasSuffix("Z") || text.dropFirst(19).contains { $0 == "+" || $0 == "-" }
        let full = hasOffset ? text : text + "+05:00"
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: full) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: full)
    }
}

extension FiscalBatch.Receipt {
    /// What the receipt states, as a digest: the same register and fiscal sign with anything else changed is
    /// another receipt, not a repeat.
    func digest(codes: [String]) -> String {
        var text = "\(seller)|\(kind.rawValue)|\(dateTime)"
        for (line, code) in zip(lines, codes) { text += "|\(code)|\(line.price)" }
        return Hex.encode(SHA256.hash(data: Array(text.utf8)))
    }
}
