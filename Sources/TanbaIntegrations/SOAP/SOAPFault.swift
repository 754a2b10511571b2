import Foundation
import TanbaErrors
import TanbaXML

/// A SOAP 1.1 Fault: how either side says a message was not processed.
public struct SOAPFault: Sendable, Hashable, Error {
    /// The fault code as written, a qualified name: `soap:Client` (the message is at fault; do not resend it
    /// unchanged) or `soap:Server` (the receiver failed; it may be resent).
    public var faultCode: String
    /// The human explanation.
    public var faultString: String

    public init(faultCode: String, faultString: String) {
        self.faultCode = faultCode
        self.faultString = faultString
    }

    /// A client fault (`soap:Client`).
    public static func client(_ text: String) -> SOAPFault { SOAPFault(faultCode: "soap:Client", faultString: text) }
    /// A server fault (`soap:Server`).
    public static func server(_ text: String) -> SOAPFault { SOAPFault(faultCode: "soap:Server", faultString: text) }

    /// Whether the code is SOAP's `Client` (whatever the prefix).
    public var isClientFault: Bool { faultCode == "Client" || faultCode.hasSuffix(":Client") }

    /// The fault in a whole envelope; with addressing headers when given (an answer relating to a request).
    public func envelope(addressing: WSAddressing? = nil) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<soap:Envelope xmlns:soap=\"\(SOAPEnvelope.namespace)\" xmlns:wsa=\"\(SOAPEnvelope.addressingNamespace)\">"
        if let addressing { xml += "<soap:Header>" + SOAPEnvelope.header(addressing) + "</soap:Header>" }
        xml += "<soap:Body><soap:Fault><faultcode>\(XMLText.escape(faultCode))</faultcode>"
        xml += "<faultstring>\(XMLText.escape(faultString))</faultstring></soap:Fault></soap:Body></soap:Envelope>\n"
        return Array(xml.utf8)
    }

    /// The fault an envelope carries, or nil when its Body holds something else.
    ///
    /// Unlike `SOAPEnvelope.parse`, no WS-Addressing header is required: a fault may come from a receiver that could
    /// not read the request's headers.
    /// - Throws: the XML core's codes; `SOAP_ENVELOPE_INVALID` naming the element for a root that is not a SOAP 1.1
    ///   Envelope, a Body without exactly one element, or a Fault without `faultcode` or `faultstring`.
    public static func parse(_ bytes: [UInt8]) throws -> SOAPFault? {
        let root = try XMLDocument.parse(bytes).root
        guard root.name == "Envelope", root.namespaceURI == SOAPEnvelope.namespace else {
            throw SOAPEnvelope.invalid(
                root, "the root element is {\(root.namespaceURI ?? "")}\(root.name); expected a SOAP 1.1 Envelope")
        }
        let (_, content) = try SOAPEnvelope.bodyContent(root)
        guard content.name == "Fault", content.namespaceURI == SOAPEnvelope.namespace else { return nil }
        // SOAP 1.1: the fault's children are unqualified.
        func text(_ name: String) throws -> String {
            guard let element = content.child(named: name, namespace: nil) else {
                throw TanbaError(
                    .soapEnvelopeInvalid, "the Fault has no \(name)", line: content.line,
                    path: content.path + "/" + name)
            }
            return element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return SOAPFault(faultCode: try text("faultcode"), faultString: try text("faultstring"))
    }
}
