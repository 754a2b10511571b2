import Crypto
public import Foundation
import NIOSSL
import TanbaErrors
import TanbaXML

/// The certificate and key the signer serves `wss://` with: files the user gives, or a self-signed certificate
/// for 127.0.0.1 and localhost made at start (a new one each start; nothing is written to disk).
public struct TLSIdentity: Sendable {
    public let certificatePEM: String
    public let keyPEM: String
    /// SHA-256 of the certificate's SubjectPublicKeyInfo, base64: what Chromium's
    /// `--ignore-certificate-errors-spki-list` takes, to trust this certificate and no other.
    public let spkiSHA256: String

    /// A new self-signed ECDSA P-256 certificate for `IP:127.0.0.1` and `DNS:localhost`, valid from an hour ago
    /// for 30 days.
    public static func selfSigned(now: Date = Date()) throws -> TLSIdentity {
        let key = try PrivateKey.generate(.ecP256)
        let certificate = try CertificateIssuer.issue(
            CertificateRequest(
                subject: [("CN", "127.0.0.1"), ("O", "tanba signer (local, self-signed)")],
                serialNumber: UInt64.random(in: 1...UInt64(Int64.max)), notBefore: now - 3600,
                notAfter: now + 30 * 86_400, extendedKeyUsage: ["1.3.6.1.5.5.7.3.1"],
                subjectAlternativeNames: ["IP:127.0.0.1", "DNS:localhost"]),
            subjectKey: key, issuer: nil, issuerKey: key)
        return TLSIdentity(certificate: certificate, keyPEM: key.pem)
    }

    /// Reads a PEM certificate (the first of the file is the server's; the rest, if any, its chain) and its key.
    /// - Throws: `FILE_UNREADABLE`, `CERT_MALFORMED`, `KEY_INVALID` (also when the key is not the certificate's).
    public init(certificateFile: URL, keyFile: URL) throws {
        let pem = try String(contentsOf: certificateFile, encoding: .utf8)
        guard let certificate = try Certificate.load(Array(pem.utf8)).first else {
            throw TanbaError(.certMalformed, "no certificate in \(certificateFile.path)")
        }
        let keyPEM = try String(contentsOf: keyFile, encoding: .utf8)
        guard try PrivateKey(pem: Array(keyPEM.utf8)).matches(certificate) else {
            throw TanbaError(.keyInvalid, "\(keyFile.path) is not the key of \(certificateFile.path)")
        }
        self.init(certificatePEM: pem, keyPEM: keyPEM, spkiDER: certificate.subjectPublicKeyInfoDER)
    }

    private init(certificate: Certificate, keyPEM: String) {
        self.init(certificatePEM: certificate.pem, keyPEM: keyPEM, spkiDER: certificate.subjectPublicKeyInfoDER)
    }

    private init(certificatePEM: String, keyPEM: String, spkiDER: [UInt8]) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        spkiSHA256 = Data(SHA256.hash(data: spkiDER)).base64EncodedString()
    }

    /// The server side of TLS for NIO.
    /// - Throws: `KEY_INVALID` when BoringSSL cannot read the certificate or the key.
    func serverConfiguration() throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw TanbaError(.keyInvalid, "the TLS certificate or key cannot be used: \(error)")
        }
    }
}
