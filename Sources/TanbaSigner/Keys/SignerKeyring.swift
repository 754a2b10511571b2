public import Foundation
import TanbaErrors
public import TanbaXML

/// One key the signer may use: a private key and its certificate, prepared once to sign in NCALayer's shape.
public struct SignerKey: Sendable {
    /// Signs with the key (profile `.ncaLayer`).
    public let signer: DocumentSigner
    /// Who the certificate names (IIN, BIN, names, roles), for the log and for tests.
    public let identity: SignerIdentity

    public var certificate: Certificate { signer.certificate }

    /// - Throws: `KEY_INVALID` when the key is not the certificate's or cannot sign XML; `SIG_KEY_TOO_WEAK`.
    public init(key: PrivateKey, certificate: Certificate) throws {
        signer = try DocumentSigner(key: key, certificate: certificate, profile: .ncaLayer)
        identity = SignerIdentity(certificate: certificate)
    }

    /// Reads a PEM key and the first certificate of a PEM or DER file.
    /// - Throws: `FILE_UNREADABLE`, `KEY_INVALID`, `CERT_MALFORMED`, `SIG_KEY_TOO_WEAK`.
    public init(keyFile: URL, certificateFile: URL) throws {
        let key = try PrivateKey(contentsOf: keyFile)
        guard let certificate = try Certificate.load(contentsOf: certificateFile).first else {
            throw TanbaError(.certMalformed, "no certificate in \(certificateFile.path)")
        }
        try self.init(key: key, certificate: certificate)
    }

    /// Whether the certificate's extended key usage holds every one of `oids`.
    public func has(extendedKeyUsage oids: [String]) -> Bool {
        let usage = Set(identity.extendedKeyUsage)
        return oids.allSatisfy(usage.contains)
    }
}

/// The keys a signer was started with, and NCALayer's choice among them.
///
/// A Kazakh user has an authentication key (EKU 1.3.6.1.5.5.7.3.2, for logins) and a signing key
/// (1.3.6.1.5.5.7.3.4, for documents); a page names the purpose in `signerParams.extKeyUsageOids`, and NCALayer
/// offers only the keys whose certificates carry every OID named. Without a person to choose, the signer takes
/// the first such key in the order the keys were given; a request that names no OID gets the first key.
public struct SignerKeyring: Sendable {
    public let keys: [SignerKey]

    public init(_ keys: [SignerKey]) { self.keys = keys }

    /// The key for a request naming `oids`, nil when none has them all.
    public func key(for oids: [String]) -> SignerKey? {
        keys.first { $0.has(extendedKeyUsage: oids) }
    }
}
