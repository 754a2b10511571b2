import Foundation
import TanbaCore
import TanbaXML

/// What a page shows of a signed document, read from its XML whatever its type: the header's fields (nested ones
/// named by their path: Seller → BIN), the lines with their fields and the codes or packages each carries, and who
/// signed it (from the certificate in its signature). Element names are shown through the catalogue
/// (`el_<Name>`), so the page speaks the user's language; values are shown as the document has them.
struct DocumentContent {
    /// A field: the element names from the header down, and the value.
    struct Field {
        let path: [String]
        let value: String
    }

    /// A line (or an item of a document without lines): its number, its fields, and the codes it lists.
    struct Line {
        let number: String
        let fields: [Field]
        let codes: [String]
    }

    let root: String
    let header: [Field]
    let lines: [Line]
    let signer: SignerIdentity?

    /// Element names that hold a marking code or an SSCC.
    static let codeElements: Set<String> = ["Code", "SSCC", "Package", "Item", "Old", "New", "Add", "Remove"]

    /// Reads a document the hub accepted (so already safe-parsed, validated and verified once).
    init(_ bytes: [UInt8]) throws {
        let document = try XMLDocument.parse(bytes)
        let root = document.root
        self.root = root.name
        var header: [Field] = []
        var lines: [Line] = []
        for child in root.children where child.name != "Signature" {
            switch child.name {
            case "Header": header += Self.fields(of: child, path: [])
            case "Lines", "Items", "Packages", "Codes":
                for (index, line) in child.children.enumerated() {
                    lines.append(Self.line(line, index: index))
                }
            default:
                if child.children.isEmpty {
                    header.append(Field(path: [child.name], value: child.text))
                } else if Self.codeElements.contains(child.name)
                    || child.children.contains(where: {
                        Self.codeElements.contains($0.name)
                    })
                {
                    lines.append(Self.line(child, index: lines.count))
                } else {
                    header += Self.fields(of: child, path: [child.name])
                }
            }
        }
        self.header = header
        self.lines = lines
        signer = Self.signer(of: root)
    }

    /// Leaf elements under `element`, depth first, with their paths.
    static func fields(of element: XMLElement, path: [String]) -> [Field] {
        element.children.flatMap { child -> [Field] in
            child.children.isEmpty
                ? [Field(path: path + [child.name], value: child.text.trimmingCharacters(in: .whitespacesAndNewlines))]
                : fields(of: child, path: path + [child.name])
        }
    }

    static func line(_ element: XMLElement, index: Int) -> Line {
        var fields: [Field] = []
        var codes: [String] = []
        func walk(_ element: XMLElement, _ path: [String]) {
            for child in element.children {
                if child.children.isEmpty {
                    let value = child.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if codeElements.contains(child.name) {
                        codes.append(DocumentItems.identity(element: child.name, text: value))
                    } else {
                        fields.append(Field(path: path + [child.name], value: value))
                    }
                } else {
                    walk(child, child.name == "Items" ? path : path + [child.name])
                }
            }
        }
        if element.children.isEmpty {
            codes.append(DocumentItems.identity(element: element.name, text: element.text))
        } else {
            walk(element, [])
        }
        return Line(number: element.attribute("number") ?? "\(index + 1)", fields: fields, codes: codes)
    }

    /// The signer named by the certificate in the document's signature (`KeyInfo/X509Data/X509Certificate`).
    static func signer(of root: XMLElement) -> SignerIdentity? {
        let dsig = "http://www.w3.org/2000/09/xmldsig#"
        guard let text = root.descendants(named: "X509Certificate", namespace: dsig).first?.text,
            let der = Data(base64Encoded: text.filter { !$0.isWhitespace }),
            let certificate = try? Certificate(der: Array(der))
        else { return nil }
        return SignerIdentity(certificate: certificate)
    }
}

/// What a page shows of the hub's receipt: the result, when, and every error with its code and place.
struct ReceiptContent {
    struct Error {
        let code: String
        let line: String?
        let path: String?
        let message: String
    }

    let result: String
    let status: String?
    let receivedAt: String?
    let errors: [Error]

    init(_ bytes: [UInt8]) throws {
        let namespace = "urn:kz:tanba:receipt:1"
        let root = try XMLDocument.parse(bytes).root
        func text(_ name: String) -> String? { root.child(named: name, namespace: namespace)?.text }
        result = text("Result") ?? ""
        status = text("Status")
        receivedAt = text("ReceivedAt")
        errors = root.descendants(named: "Error", namespace: namespace).map {
            Error(
                code: $0.attribute("code") ?? "", line: $0.attribute("line"), path: $0.attribute("path"),
                message: $0.child(named: "Message", namespace: namespace)?.text ?? "")
        }
    }
}
