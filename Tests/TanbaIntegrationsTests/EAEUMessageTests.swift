import Foundation
import TanbaErrors
import TanbaIntegrations
import TanbaXML
import Testing

/// The P.LS.03 departure and processing result as XML: what the writers write, what the parsers accept, and the
/// specific error (code, element path) each malformed input gets.
@Suite struct EAEUMessageTests {
    /// Write then parse gives the same value; names and codes with `& < > " '` survive escaping.
    @Test func departureRoundTrips() throws {
        let value = Fixtures.departure()
        let xml = EAEUMessages.departure(value)
        #expect(try EAEUMessages.parseDeparture(xml) == value)
        let text = Fixtures.string(xml)
        #expect(text.contains("&amp; Co» &lt;Дистрибьюшн&gt; &quot;A&quot; &apos;B&apos;"))
        #expect(text.contains("<GoodsDeparture xmlns=\"urn:EEC:R:LS:03:001:GoodsDeparture:v1.0.0\""))
    }

    /// The Commission's header: the hub's codes, EDocRefId only when there is one, the date-time with +05:00.
    @Test func headerFields() throws {
        let first = Fixtures.string(EAEUMessages.departure(Fixtures.departure()))
        #expect(first.contains("<csdo:InfEnvelopeCode>P.LS.03.MSG.001</csdo:InfEnvelopeCode>"))
        #expect(first.contains("<csdo:EDocCode>R.LS.03.001</csdo:EDocCode>"))
        #expect(!first.contains("EDocRefId"))
        #expect(first.contains("<csdo:EDocDateTime>2026-11-26T13:15:00+05:00</csdo:EDocDateTime>"))
        let ref = "9b2d8f7e-1c3a-4e5f-8a9b-0c1d2e3f4a5b"
        let second = EAEUMessages.departure(Fixtures.departure(edocRefId: ref))
        #expect(Fixtures.string(second).contains("<csdo:EDocRefId>\(ref)</csdo:EDocRefId>"))
        #expect(try EAEUMessages.parseDeparture(second).edocRefId == ref)
    }

    /// The hub's signature goes in as the root's last child, verifies, and the parser accepts it there.
    @Test func signedDepartureVerifies() throws {
        let signed = try Fixtures.signedDeparture()
        let verified = try Fixtures.verifier.verify(XMLDocument.parse(signed))
        #expect(verified.certificate == Fixtures.hubCertificate)
        #expect(try EAEUMessages.parseDeparture(signed) == Fixtures.departure())
        let pinned = try SignatureVerifier.verify(XMLDocument.parse(signed), pinnedTo: Fixtures.hubCertificate)
        #expect(pinned.certificate == Fixtures.hubCertificate)
    }

    /// Pinned verification: another signer is CERT_UNTRUSTED, no signature SIG_MISSING, a changed byte
    /// SIG_DIGEST_MISMATCH.
    @Test func pinnedVerificationRefuses() throws {
        let other = try Fixtures.signedDeparture(by: .companyHead)
        #expect(
            code { _ = try SignatureVerifier.verify(XMLDocument.parse(other), pinnedTo: Fixtures.hubCertificate) }
                == .certUntrusted)
        let unsigned = EAEUMessages.departure(Fixtures.departure())
        #expect(
            code { _ = try SignatureVerifier.verify(XMLDocument.parse(unsigned), pinnedTo: Fixtures.hubCertificate) }
                == .sigMissing)
        let tampered = Fixtures.bytes(
            Fixtures.string(try Fixtures.signedDeparture()).replacingOccurrences(
                of: "EA-2026/000073", with: "EA-2026/000074"))
        #expect(
            code { _ = try SignatureVerifier.verify(XMLDocument.parse(tampered), pinnedTo: Fixtures.hubCertificate) }
                == .sigDigestMismatch)
    }

    @Test func processingResultRoundTrips() throws {
        let result = EAEUProcessingResult(
            edocId: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", refEdocId: Fixtures.departure().edocId,
            dateTime: Date(timeIntervalSince1970: 1_795_681_000), accepted: false, code: "E-17",
            message: "TaxpayerId <unknown> & unregistered")
        let xml = EAEUMessages.processingResult(result)
        #expect(Fixtures.string(xml).contains("<csdo:EDocRefId>\(result.refEdocId)</csdo:EDocRefId>"))
        #expect(try EAEUMessages.parseProcessingResult(xml) == result)
        var bare = result
        bare.message = nil
        bare.accepted = true
        #expect(try EAEUMessages.parseProcessingResult(EAEUMessages.processingResult(bare)) == bare)
    }

    /// One malformed departure: how the valid one is changed, the code, and the element the error must name.
    struct Malformed: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable (String) -> String
        let code: ErrorCode
        let path: String?
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        .init(name: "not XML", change: { _ in "this is not XML" }, code: .xmlMalformed, path: nil),
        .init(
            name: "wrong root namespace",
            change: { $0.replacingOccurrences(of: EAEUMessages.departureNamespace, with: "urn:EEC:R:LS:03:001:Other") },
            code: .eaeuMessageInvalid, path: "/GoodsDeparture"),
        .init(
            name: "missing EDocId",
            change: {
                $0.replacingOccurrences(of: #"<csdo:EDocId>[^<]*</csdo:EDocId>"#, with: "", options: .regularExpression)
            },
            code: .eaeuMessageInvalid, path: "/GoodsDeparture/EDocId"),
        .init(
            name: "upper-case EDocId",
            change: { $0.replacingOccurrences(of: "3f0c8a52", with: "3F0C8A52") }, code: .eaeuMessageInvalid,
            path: "/GoodsDeparture/EDocId"),
        .init(
            name: "wrong EDocCode",
            change: { $0.replacingOccurrences(of: "R.LS.03.001", with: "R.LS.03.010") }, code: .eaeuMessageInvalid,
            path: "/GoodsDeparture/EDocCode"),
        .init(
            name: "date-time without offset",
            change: { $0.replacingOccurrences(of: "T13:15:00+05:00", with: "T13:15:00") }, code: .eaeuMessageInvalid,
            path: "/GoodsDeparture/EDocDateTime"),
        .init(
            name: "bad GTIN check digit",
            change: { $0.replacingOccurrences(of: "<GTIN>04870003000019</GTIN>", with: "<GTIN>04870003000018</GTIN>") },
            code: .eaeuMessageInvalid, path: "/GoodsDeparture/Goods/GoodsItem[2]/GTIN"),
        .init(
            name: "code of another GTIN",
            change: { $0.replacingOccurrences(of: "010487000300001921serial-1", with: "010487000100001121serial-1") },
            code: .eaeuMessageInvalid, path: "/GoodsDeparture/Goods/GoodsItem[2]/IdentificationCode"),
        .init(
            name: "invalid BIN",
            change: { $0.replacingOccurrences(of: "050140001238", with: "050140001239") }, code: .eaeuMessageInvalid,
            path: "/GoodsDeparture/Sender/TaxpayerId"),
        .init(
            name: "country outside the EAEU",
            change: { $0.replacingOccurrences(of: "UnifiedCountryCode>KG<", with: "UnifiedCountryCode>CN<") },
            code: .eaeuMessageInvalid, path: "/GoodsDeparture/Receiver/UnifiedCountryCode"),
        .init(
            name: "unexpected element",
            change: { $0.replacingOccurrences(of: "</Goods>", with: "</Goods><Extra/>") }, code: .eaeuMessageInvalid,
            path: "/GoodsDeparture/Extra"),
        .init(
            name: "no goods",
            change: {
                $0.replacingOccurrences(of: #"<Goods>.*</Goods>"#, with: "<Goods/>", options: .regularExpression)
            },
            code: .eaeuMessageInvalid, path: "/GoodsDeparture/Goods/GoodsItem"),
    ]

    @Test(arguments: malformed) func malformedDepartureIsRefused(_ sample: Malformed) throws {
        let bytes = Fixtures.bytes(sample.change(Fixtures.string(EAEUMessages.departure(Fixtures.departure()))))
        do {
            _ = try EAEUMessages.parseDeparture(bytes)
            Issue.record("\(sample.name) was accepted")
        } catch let error as TanbaError {
            #expect(error.code == sample.code, "\(error)")
            if let path = sample.path { #expect(error.diagnostics[0].path == path, "\(error)") }
        }
    }

    /// A result without EDocRefId answers nothing: refused, naming EDocRefId.
    @Test func resultWithoutRefIdIsRefused() throws {
        let result = EAEUProcessingResult(
            edocId: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", refEdocId: Fixtures.departure().edocId, dateTime: Date(),
            accepted: true, code: "ACCEPTED")
        let text = Fixtures.string(EAEUMessages.processingResult(result)).replacingOccurrences(
            of: #"<csdo:EDocRefId>[^<]*</csdo:EDocRefId>"#, with: "", options: .regularExpression)
        do {
            _ = try EAEUMessages.parseProcessingResult(Fixtures.bytes(text))
            Issue.record("accepted")
        } catch let error as TanbaError {
            #expect(error.code == .eaeuMessageInvalid)
            #expect(error.diagnostics[0].path == "/ProcessingResult/EDocRefId", "\(error)")
        }
    }
}

/// The code a throwing call fails with, nil when it succeeds.
func code(_ body: () throws -> Void) -> ErrorCode? {
    do {
        try body()
        return nil
    } catch let error as TanbaError {
        return error.code
    } catch {
        return .internal
    }
}
