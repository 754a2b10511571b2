import Foundation
import TanbaErrors
import TanbaXML

/// The WS-Addressing 1.0 headers of one SOAP message.
public struct WSAddressing: Sendable, Hashable {
    /// The message's own id, `urn:uuid:` + a UUID; a receiver deduplicates by it.
    public var messageID: String
    /// What the message is, e.g. `urn:EEC:P.LS.03:MSG.001`.
    public var action: String
    /// The endpoint the message is sent to.
    public var to: String
    /// The MessageID of the message this one answers.
    public var relatesTo: String?
    /// The sender's endpoint address (written as `wsa:From/wsa:Address`).
    public var from: String?

    /// WS-Addressing's anonymous endpoint: the `To` of an answer on the same HTTP exchange.
    public static let anonymous = "http://www.w3.org/2005/08/addressing/anonymous"

    public init(messageID: String, action: String, to: String, relatesTo: String? = nil, from: String? = nil) {
        self.messageID = messageID
        self.action = action
        self.to = to
        self.relatesTo = relatesTo
        self.from = from
    }

    /// A new message id, `urn:uuid:` + a random UUID in lower case.
    public static func newMessageID() -> String { "urn:uuid:" + UUID().uuidString.lowercased() }
}

/// SOAP 1.1 envelopes with WS-Addressing headers, carrying one (signed) document as the Body's only child.
///
/// The document travels as bytes: `wrap` copies it into the Body unchanged and `parse` cuts the same bytes out
/// again, so its enveloped signature (whose reference covers the whole document) verifies on the receiving side
/// exactly as it did on the sending side.
public enum SOAPEnvelope {
    /// SOAP 1.1's envelope namespace.
    public static let namespace = "http://schemas.xmlsoap.org/soap/envelope/"
    /// WS-Addressing 1.0's namespace.
    public static let addressingNamespace = "http://www.w3.org/2005/08/addressing"

    /// An envelope with `addressing` in its Header and `body` as the Body's only child.
    ///
    /// - Parameter body: a UTF-8 document; an XML declaration (and a byte order mark) at its start is left out,
    ///   every other byte is copied as it is.
    public static func wrap(body: [UInt8], addressing: WSAddressing) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<soap:Envelope xmlns:soap=\"\(namespace)\" xmlns:wsa=\"\(addressingNamespace)\">"
        xml += "<soap:Header>" + header(addressing) + "</soap:Header><soap:Body>"
        var bytes = Array(xml.utf8)
        bytes += withoutDeclaration(body)
        bytes += Array("</soap:Body></soap:Envelope>\n".utf8)
        return bytes
    }

    /// Reads an envelope: its WS-Addressing headers and the Body's only element as a document of its own.
    ///
    /// The body's bytes are the very bytes inside the envelope; they are parsed again on their own and must mean
    /// the same (every element in the same namespace), so a document that leaned on the envelope's namespace
    /// declarations is refused rather than handed on changed.
    /// - Throws: the XML core's codes for input that is not safe XML; `SOAP_ENVELOPE_INVALID` naming the element
    ///   when the root is not `soap:Envelope`, the envelope is not UTF-8, there is no Body or not exactly one
    ///   element in it, `wsa:MessageID` or `wsa:Action` is missing or empty, or the body's document needs the
    ///   envelope's namespace declarations.
    public static func parse(_ bytes: [UInt8]) throws -> (addressing: WSAddressing, body: [UInt8]) {
        let document = try XMLDocument.parse(bytes)
        let root = document.root
        guard root.name == "Envelope", root.namespaceURI == namespace else {
            throw invalid(
                root, "the root element is {\(root.namespaceURI ?? "")}\(root.name); expected a SOAP 1.1 Envelope")
        }
        let addressing = try readAddressing(root)
        let (bodyIndex, content) = try bodyContent(root)
        let body = try BodySlicer.slice(bytes, bodyIndex: bodyIndex)
        // The same bytes on their own must be the same elements in the same namespaces.
        let standalone = try XMLDocument.parse(body).root
        let inside = [content] + content.descendants { _ in true }
        let alone = [standalone] + standalone.descendants { _ in true }
        let differs =
            inside.count != alone.count
            || zip(inside, alone).contains { $0.name != $1.name || $0.namespaceURI != $1.namespaceURI }
        if differs {
            throw invalid(
                content,
                "the Body's document uses namespace declarations of the envelope; it must declare its own")
        }
        return (addressing, body)
    }

    /// The Header's WS-Addressing elements; MessageID and Action are required, To defaults to anonymous.
    static func readAddressing(_ root: XMLElement) throws -> WSAddressing {
        guard let header = root.child(named: "Header", namespace: namespace) else {
            throw TanbaError(
                .soapEnvelopeInvalid, "the envelope has no soap:Header with WS-Addressing", line: root.line,
                path: root.path + "/Header")
        }
        func value(_ name: String, required: Bool) throws -> String? {
            let found = header.children(named: name, namespace: addressingNamespace)
            guard found.count <= 1 else { throw invalid(found[1], "wsa:\(name) is given more than once") }
            guard let element = found.first else {
                guard !required else {
                    throw TanbaError(
                        .soapEnvelopeInvalid, "the header has no wsa:\(name)", line: header.line,
                        path: header.path + "/" + name)
                }
                return nil
            }
            let text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw invalid(element, "wsa:\(name) is empty") }
            return text
        }
        let from = try header.child(named: "From", namespace: addressingNamespace).map { from in
            guard let address = from.child(named: "Address", namespace: addressingNamespace) else {
                throw TanbaError(
                    .soapEnvelopeInvalid, "wsa:From has no wsa:Address", line: from.line,
                    path: from.path + "/Address")
            }
            return address.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return WSAddressing(
            messageID: try value("MessageID", required: true)!, action: try value("Action", required: true)!,
            to: try value("To", required: false) ?? WSAddressing.anonymous,
            relatesTo: try value("RelatesTo", required: false), from: from)
    }

    /// The Body (its index among the root's child elements) and its one element.
    static func bodyContent(_ root: XMLElement) throws -> (index: Int, content: XMLElement) {
        let children = root.children
        let bodies = children.indices.filter { children[$0].name == "Body" && children[$0].namespaceURI == namespace }
        guard let index = bodies.first else {
            throw TanbaError(
                .soapEnvelopeInvalid, "the envelope has no soap:Body", line: root.line, path: root.path + "/Body")
        }
        guard bodies.count == 1 else { throw invalid(children[bodies[1]], "the envelope has more than one Body") }
        let body = children[index]
        let content = body.children
        guard content.count == 1 else {
            throw invalid(body, "the Body holds \(content.count) elements; exactly one document is expected")
        }
        return (index, content[0])
    }

    static func header(_ addressing: WSAddressing) -> String {
        func wsa(_ name: String, _ text: String) -> String { "<wsa:\(name)>\(XMLText.escape(text))</wsa:\(name)>" }
        var xml = wsa("MessageID", addressing.messageID) + wsa("Action", addressing.action) + wsa("To", addressing.to)
        if let relatesTo = addressing.relatesTo { xml += wsa("RelatesTo", relatesTo) }
        if let from = addressing.from { xml += "<wsa:From>" + wsa("Address", from) + "</wsa:From>" }
        return xml
    }

    /// `bytes` without a leading byte order mark, XML declaration and the white space after it.
    static func withoutDeclaration(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var rest = bytes[...]
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        guard rest.starts(with: Array("<?xml".utf8)),
            let end = rest.indices.first(where: {
                rest[$0] == UInt8(ascii: "?") && rest.index(after: $0) < rest.endIndex
                    && rest[rest.index(after: $0)] == UInt8(ascii: ">")
            })
        else { return rest }
        rest = rest[(end + 2)...]
        while let first = rest.first, first == 0x20 || first == 0x0A || first == 0x0D || first == 0x09 {
            rest = rest.dropFirst()
        }
        return rest
    }

    static func invalid(_ element: XMLElement, _ message: String) -> TanbaError {
        TanbaError(.soapEnvelopeInvalid, message, line: element.line, path: element.path)
    }
}
