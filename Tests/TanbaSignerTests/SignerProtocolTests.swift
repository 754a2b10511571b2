import AsyncHTTPClient
import Crypto
import Foundation
import HummingbirdWSClient
import NIOCore
import NIOSSL
import TanbaErrors
import TanbaSigner
import TanbaTestSupport
import TanbaXML
import Testing

/// `tanba signer` over a real websocket (no browser): the greeting, signatures in NCALayer's shape with the key
/// the request's extended key usage names, a stable code for every refusal, pages refused by origin, and
/// messages too large to read.
@Suite(.timeLimit(.minutes(3))) struct SignerProtocolTests {
    typealias H = SignerHarness

    @Test func greetsWithNCALayersVersionAndSignsAChallengeWithTheAuthenticationKey() async throws {
        let exchange = try await H.withSigner(keys: [.companyHead, .companyAuthentication]) { port, _ in
            try await H.exchange(port: port, requests: [H.request(H.challenge())])
        }
        #expect(exchange.greeting == #"{"result":{"version":"1.4"}}"#)
        let answer = try SignerResponse(json: try #require(exchange.answers.first))
        guard case .signed(let results) = answer, let signed = results.first else {
            Issue.record("not signed: \(answer)")
            return
        }
        #expect(exchange.answers.first?.hasPrefix(#"{"body":{"result":["#) == true)
        let verified = try H.verifier(purposes: [.signing, .authentication]).verify(
            try XMLDocument.parse(Array(signed.utf8)))
        #expect(verified.signer.keyPurposes == [.authentication])
        #expect(verified.signer.iin == "781112400128")
        // NCALayer's shape: inclusive C14N on SignedInfo, enveloped + C14N with comments on the reference.
        #expect(verified.canonicalization == XMLDSigURI.inclusiveC14N)
        #expect(signed.contains(XMLDSigURI.inclusiveC14NWithComments))
    }

    @Test(arguments: [
        // (OIDs asked for, the key expected, its algorithm)
        (
            [SignerProtocol.authenticationOID], TestPKI.Participant.companyAuthentication,
            TanbaXML.SignatureAlgorithm.ecdsaSHA256
        ),
        ([SignerProtocol.signingOID], .companyHead, .rsaSHA256),
        ([SignerProtocol.signingOID, NCARole.individual.oid], .gostEntrepreneur, .gost2015_512),
    ])
    func choosesTheKeyWhoseCertificateHasTheUsageAskedFor(
        oids: [String], expected: TestPKI.Participant, algorithm: TanbaXML.SignatureAlgorithm
    ) async throws {
        let exchange = try await H.withSigner(keys: [.companyAuthentication, .companyHead, .gostEntrepreneur]) {
            port, _ in
            try await H.exchange(port: port, requests: [H.request(H.challenge(), oids: oids)])
        }
        let answer = try SignerResponse(json: try #require(exchange.answers.first))
        guard case .signed(let results) = answer, let signed = results.first else {
            Issue.record("not signed: \(answer)")
            return
        }
        let verified = try H.verifier(purposes: [.signing, .authentication]).verify(
            try XMLDocument.parse(Array(signed.utf8)))
        let certificate = try #require(try Certificate.load(contentsOf: H.pki.certificateFile(expected)).first)
        #expect(verified.certificate == certificate)
        #expect(verified.algorithm == algorithm)
    }

    @Test(arguments: [
        ("not json at all", ErrorCode.signerRequestMalformed),
        (#"["kz.gov.pki.knca.basics","sign"]"#, .signerRequestMalformed),
        (#"{"module":"kz.gov.pki.knca.basics","method":"sign"}"#, .signerRequestMalformed),
        (#"{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml"}}"#, .signerRequestMalformed),
        (#"{"module":"kz.gov.pki.knca.commonUtils","method":"sign","args":{}}"#, .signerMethodUnknown),
        (#"{"module":"kz.gov.pki.knca.basics","method":"getKeyInfo","args":{}}"#, .signerMethodUnknown),
        (H.request("aGVsbG8=", format: "cms"), .signerFormatUnsupported),
        (H.request("<LoginChallenge><Nonce>1</LoginChallenge>"), .xmlMalformed),
        (H.request("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"), .xmlDoctypeForbidden),
        (H.request(H.challenge(), oids: ["1.3.6.1.5.5.7.3.1"]), .signerKeyNotFound),
    ])
    func refusesWithAStableCode(request: String, code: ErrorCode) async throws {
        let exchange = try await H.withSigner(keys: [.companyAuthentication, .companyHead]) { port, _ in
            // A refusal leaves the connection open: a good request after it is signed.
            try await H.exchange(port: port, requests: [request, H.request(H.challenge())])
        }
        #expect(exchange.answers.count == 2)
        let answer = try SignerResponse(json: try #require(exchange.answers.first))
        #expect(answer.code == code, "\(answer)")
        #expect(exchange.answers.first?.contains(#""status":false"#) == true)
        #expect(try SignerResponse(json: exchange.answers[1]).code == nil)
    }

    @Test func refusesDataLargerThanTheLimitWithXMLTooLarge() async throws {
        // 80 KiB of XML: over the 64 KiB data limit, well within the message limit (2 × 64 KiB + 64 KiB).
        let large = "<a>" + String(repeating: "<b/>", count: 20 << 10) + "</a>"
        let exchange = try await H.withSigner(keys: [.companyAuthentication]) { port, _ in
            try await H.exchange(port: port, requests: [H.request(large), H.request(H.challenge())])
        }
        #expect(try SignerResponse(json: try #require(exchange.answers.first)).code == .xmlTooLarge)
        #expect(try SignerResponse(json: exchange.answers[1]).code == nil)
    }

    @Test func refusesAPageWhoseOriginWasNotAllowed() async throws {
        try await H.withSigner(keys: [.companyAuthentication], origins: ["http://127.0.0.1:8080"]) { port, _ in
            for origin in ["https://evil.example", "http://127.0.0.1:8081", "null"] {
                // Over a plain request: 403 with the code.
                let refused = try await Self.refusal(port: port, origins: [origin])
                #expect(refused == .signerOriginForbidden, "\(origin)")
                // Over a websocket client (which also names its own URL as an origin: two values, refused too).
                await #expect(throws: WebSocketClientError.webSocketUpgradeFailed, "\(origin)") {
                    _ = try await H.exchange(port: port, origin: origin, requests: [H.request(H.challenge())])
                }
            }
            // An allowed page, but twice with another: which one would count?
            let twice = try await Self.refusal(port: port, origins: ["http://127.0.0.1:8080", "https://evil.example"])
            #expect(twice == .signerOriginForbidden)
            // The allowed page alone is not refused (426: it asked for no upgrade; the browser test upgrades).
            let allowed = try await Self.refusal(port: port, origins: ["http://127.0.0.1:8080"])
            #expect(allowed == nil)
        }
    }

    @Test func refusesEveryBrowserOriginWhenNoneIsAllowed() async throws {
        try await H.withSigner(keys: [.companyAuthentication]) { port, _ in
            for origin in ["http://127.0.0.1:8080", "null", "https://hub.example.kz", "chrome-extension://abcdef"] {
                let refused = try await Self.refusal(port: port, origins: [origin])
                #expect(refused == .signerOriginForbidden, "\(origin)")
            }
            // A client that is not a browser (no page origin) is served.
            let exchange = try await H.exchange(port: port, requests: [H.request(H.challenge())])
            #expect(try SignerResponse(json: try #require(exchange.answers.first)).code == nil)
        }
    }

    /// The code of a plain GET's refusal with these `Origin` values, nil when it is not refused for its origin.
    static func refusal(port: Int, origins: [String]) async throws -> ErrorCode? {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let client = HTTPClient(configuration: .init(tlsConfiguration: tls))
        do {
            var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/")
            for origin in origins { request.headers.add(name: "Origin", value: origin) }
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
            try await client.shutdown()
            guard response.status.code == 403 else {
                #expect(response.status.code == 426)
                return nil
            }
            return try SignerResponse(json: body).code
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func closesTheConnectionOnAMessageTooLargeToRead() async throws {
        let exchange = try await H.withSigner(keys: [.companyAuthentication], maxDataBytes: 16 << 10) { port, _ in
            // The signer reads at most 2 × 16 KiB + 64 KiB of message; this is a megabyte.
            try await H.exchange(port: port, requests: [String(repeating: "x", count: 1 << 20)])
        }
        #expect(exchange.greeting != nil)
        #expect(exchange.answers.isEmpty)
        #expect(exchange.close?.closeCode == .messageTooLarge)
    }

    @Test func logsEverySignatureWithTheSubjectAndTheDigestOfTheData() async throws {
        let log = CapturedLog()
        let challenge = H.challenge(nonce: "logged")
        _ = try await H.withSigner(keys: [.companyAuthentication], origins: [], logger: log.logger) { port, _ in
            try await H.exchange(port: port, requests: [H.request(challenge), "nonsense"])
        }
        let records = log.records.withLock { $0 }
        let signed = try #require(records.first { $0.message == "signed" })
        #expect(signed.level == .notice)
        #expect("\(signed.metadata["signer.iin"] ?? "")" == "781112400128")
        #expect("\(signed.metadata["signer.subject"] ?? "")".contains("СЕРІКОВ"))
        let digest = Array(challenge.utf8).sha256Hex
        #expect("\(signed.metadata["data.sha256"] ?? "")" == digest)
        #expect(
            records.contains { $0.message == "refused" && "\($0.metadata["code"] ?? "")" == "SIGNER_REQUEST_MALFORMED" }
        )
    }

    @Test func answersInTheLanguageTheRequestNames() async throws {
        let signer = LocalSigner(
            keyring: SignerKeyring([try H.key(.companyHead)]),
            messages: { code, locale in locale == "kk" ? "қазақша \(code)" : "other \(code)" })
        let answer = signer.answer(H.request(H.challenge(), oids: ["1.2.3"], locale: "kk"), logger: .init(label: "x"))
        guard case .refused(let code, let message, _) = answer else {
            Issue.record("not refused: \(answer)")
            return
        }
        #expect(code == .signerKeyNotFound)
        #expect(message == "қазақша SIGNER_KEY_NOT_FOUND")
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080", true),
        ("https://Hub.Example.KZ/", "https://hub.example.kz", true),
        ("https://hub.example.kz:443", "https://hub.example.kz", true),
        ("http://127.0.0.1:8080", "http://localhost:8080", false),
        ("http://127.0.0.1:8080", "https://127.0.0.1:8080", false), ("http://127.0.0.1:8080", "null", false),
    ])
    func originsCompareByExactSchemeHostAndPort(allowed: String, origin: String, admitted: Bool) throws {
        #expect(try OriginPolicy(allowing: [allowed]).admits(origin) == admitted)
    }

    @Test func refusesAnAllowedOriginThatIsNotAnOrigin() {
        for bad in ["*", "null", "https://hub.example.kz/login", "hub.example.kz", "file:///tmp/a.html"] {
            expectCode(.configInvalid, bad) { _ = try OriginPolicy(allowing: [bad]) }
        }
    }

    @Test func selfSignedCertificateNamesLoopbackAndItsPin() throws {
        let tls = try TLSIdentity.selfSigned()
        let certificate = try #require(try Certificate.load(Array(tls.certificatePEM.utf8)).first)
        #expect(Data(base64Encoded: tls.spkiSHA256)?.count == 32)
        #expect(Array(certificate.subjectPublicKeyInfoDER).sha256Base64 == tls.spkiSHA256)
    }
}

extension Array where Element == UInt8 {
    var sha256Hex: String { SHA256.hash(data: self).map { String(format: "%02x", $0) }.joined() }
    var sha256Base64: String { Data(SHA256.hash(data: self)).base64EncodedString() }
}
