import Foundation
import TanbaErrors
import TanbaIntegrations
import TanbaXML
import Testing

/// SOAP 1.1 + WS-Addressing carriage: a signed document goes into the Body and comes out still verifying; each
/// malformed envelope gets SOAP_ENVELOPE_INVALID naming the element.
@Suite struct SOAPEnvelopeTests {
    static let addressing = WSAddressing(
        messageID: "urn:uuid:5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f", action: EAEUMessages.departureAction,
        to: "https://eaeu.example.kg/soap?a=1&b=2", relatesTo: "urn:uuid:older", from: "https://hub.example.kz/eaeu")

    /// Wrapped, parsed back, cut out of the envelope: the very bytes that were signed, and the signature verifies
    /// (with the trust store and with the pinned hub certificate); the departure reads back whole.
    @Test func wrappedSignedDepartureStillVerifies() throws {
        let signed = try Fixtures.signedDeparture()
        let envelope = SOAPEnvelope.wrap(body: signed, addressing: Self.addressing)
        let (addressing, body) = try SOAPEnvelope.parse(envelope)
        #expect(addressing == Self.addressing)
        // The signed bytes from the root's start tag to its end tag: no declaration, no newline after the root.
        let text = Fixtures.string(signed)
        let root = text[text.range(of: "<GoodsDeparture")!.lowerBound..<text.range(of: "</GoodsDeparture>")!.upperBound]
        #expect(Fixtures.string(body) == String(root), "the body's bytes are the signed bytes")
        let verified = try Fixtures.verifier.verify(XMLDocument.parse(body))
        #expect(verified.certificate == Fixtures.hubCertificate)
        _ = try SignatureVerifier.verify(XMLDocument.parse(body), pinnedTo: Fixtures.hubCertificate)
        #expect(try EAEUMessages.parseDeparture(body) == Fixtures.departure())
    }

    /// Markup that looks like a Body in comments, CDATA and attribute values does not confuse the cut.
    @Test func decoysBeforeTheBodyAreSkipped() throws {
        let signed = try Fixtures.signedDeparture()
        var text = Fixtures.string(SOAPEnvelope.wrap(body: signed, addressing: Self.addressing))
        text = text.replacingOccurrences(
            of: "<soap:Header>",
            with: "<!-- <soap:Body><x/></soap:Body> --><soap:Header note='a > b'><?pi <soap:Body> ?>")
        text = text.replacingOccurrences(
            of: "</soap:Header>",
            with: "<x:Decoy xmlns:x=\"urn:x\"><![CDATA[</soap:Header><soap:Body>]]></x:Decoy></soap:Header>")
        let (_, body) = try SOAPEnvelope.parse(Fixtures.bytes(text))
        _ = try Fixtures.verifier.verify(XMLDocument.parse(body))
    }

    /// The answer's headers: RelatesTo read back, To defaults to anonymous when absent.
    @Test func addressingWithoutOptionalHeaders() throws {
        let minimal = WSAddressing(
            messageID: "urn:uuid:1", action: EAEUMessages.resultAction, to: WSAddressing.anonymous)
        let envelope = SOAPEnvelope.wrap(body: Fixtures.bytes("<a xmlns=\"urn:a\"/>"), addressing: minimal)
        let (addressing, body) = try SOAPEnvelope.parse(envelope)
        #expect(addressing == minimal)
        #expect(Fixtures.string(body) == "<a xmlns=\"urn:a\"/>")
    }

    struct Malformed: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable (String) -> String
        let code: ErrorCode
        let path: String?
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        .init(name: "not XML", change: { _ in "<soap:Envelope" }, code: .xmlMalformed, path: nil),
        .init(
            name: "SOAP 1.2 namespace",
            change: {
                $0.replacingOccurrences(
                    of: SOAPEnvelope.namespace, with: "http://www.w3.org/2003/05/soap-envelope")
            }, code: .soapEnvelopeInvalid, path: "/Envelope"),
        .init(
            name: "missing MessageID",
            change: {
                $0.replacingOccurrences(
                    of: #"<wsa:MessageID>[^<]*</wsa:MessageID>"#, with: "", options: .regularExpression)
            },
            code: .soapEnvelopeInvalid, path: "/Envelope/Header/MessageID"),
        .init(
            name: "missing Action",
            change: {
                $0.replacingOccurrences(of: #"<wsa:Action>[^<]*</wsa:Action>"#, with: "", options: .regularExpression)
            },
            code: .soapEnvelopeInvalid, path: "/Envelope/Header/Action"),
        .init(
            name: "empty MessageID",
            change: {
                $0.replacingOccurrences(
                    of: #"<wsa:MessageID>[^<]*</wsa:MessageID>"#, with: "<wsa:MessageID> </wsa:MessageID>",
                    options: .regularExpression)
            },
            code: .soapEnvelopeInvalid, path: "/Envelope/Header/MessageID"),
        .init(
            name: "two documents in the Body",
            change: { $0.replacingOccurrences(of: "</soap:Body>", with: "<b xmlns=\"urn:b\"/></soap:Body>") },
            code: .soapEnvelopeInvalid, path: "/Envelope/Body"),
        .init(
            name: "no Body",
            change: {
                $0.replacingOccurrences(of: #"<soap:Body>.*</soap:Body>"#, with: "", options: .regularExpression)
            },
            code: .soapEnvelopeInvalid, path: "/Envelope/Body"),
        .init(
            name: "body leaning on the envelope's namespaces",
            change: { $0.replacingOccurrences(of: "<a xmlns=\"urn:a\"/>", with: "<wsa:Extra/>") },
            code: .soapEnvelopeInvalid, path: "/Envelope/Body/Extra"),
        .init(
            name: "another encoding declared",
            change: { $0.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"") },
            code: .soapEnvelopeInvalid, path: "/Envelope/Body"),
    ]

    @Test(arguments: malformed) func malformedEnvelopeIsRefused(_ sample: Malformed) throws {
        let valid = SOAPEnvelope.wrap(body: Fixtures.bytes("<a xmlns=\"urn:a\"/>"), addressing: Self.addressing)
        do {
            _ = try SOAPEnvelope.parse(Fixtures.bytes(sample.change(Fixtures.string(valid))))
            Issue.record("\(sample.name) was accepted")
        } catch let error as TanbaError {
            #expect(error.code == sample.code, "\(error)")
            if let path = sample.path { #expect(error.diagnostics[0].path == path, "\(error)") }
        }
    }

    /// A Fault is written and read back with its code and text; a Body holding a document is no Fault.
    @Test func faultRoundTrips() throws {
        let fault = SOAPFault.client("wrong signer: <CN=Someone & Co>")
        let envelope = fault.envelope(addressing: Self.addressing)
        #expect(try SOAPFault.parse(envelope) == fault)
        #expect(try SOAPFault.parse(envelope)?.isClientFault == true)
        #expect(try SOAPFault.parse(SOAPFault.server("down").envelope()) == SOAPFault.server("down"))
        let document = SOAPEnvelope.wrap(
            body: EAEUMessages.departure(Fixtures.departure()), addressing: Self.addressing)
        #expect(try SOAPFault.parse(document) == nil)
        let broken = Fixtures.string(envelope).replacingOccurrences(
            of: #"<faultstring>.*</faultstring>"#, with: "", options: .regularExpression)
        #expect(code { _ = try SOAPFault.parse(Fixtures.bytes(broken)) } == .soapEnvelopeInvalid)
    }
}
