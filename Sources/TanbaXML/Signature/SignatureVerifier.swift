internal import CLibXML2
internal import COpenSSL
internal import CXMLSec
public import Foundation
import Synchronization
import TanbaErrors

/// A document whose signature verified, with who signed it.
///
/// `document` is the very tree the signature was checked on; read business data from it (its root is the
/// node the whole-document reference covers), never from a second parse of the bytes.
public struct VerifiedDocument {
    public let document: XMLDocument
    public let signer: SignerIdentity
    public let certificate: Certificate
    public let algorithm: SignatureAlgorithm
    /// The canonicalization of SignedInfo, e.g. inclusive C14N for NCALayer.
    public let canonicalization: String
    /// The moment the certificate was checked at.
    public let checkedAt: Date
}

/// Verifies enveloped XMLDSig signatures strictly. Safe to share across threads.
///
/// Certificates are checked against the trust store in force when a verification starts (`trust.current`): a
/// refresh of the CRLs swaps a new store in for the next verification, and cached chain validations made against
/// an older store no longer count.
public final class SignatureVerifier: Sendable {
    /// The holder of the trust store in force, shared with every verifier built on it.
    public let trust: TrustAnchor
    /// The trust store in force now.
    public var trustStore: TrustStore { trust.current }
    public let suite: AlgorithmSuite
    /// How many signatures a document may carry (1 unless a document type says otherwise).
    public let maximumSignatures: Int
    /// The key purposes a signer's certificate may have (one of them at least, when it names any): documents need
    /// a signing key; a login may accept NCA's authentication key too, which is what Kazakh portals log in with.
    public let keyPurposes: Set<KeyPurpose>
    private let signers = SignerCache()

    /// A verifier with its own, fixed trust store.
    public convenience init(
        trustStore: TrustStore, suite: AlgorithmSuite = .standard, maximumSignatures: Int = 1,
        keyPurposes: Set<KeyPurpose> = [.signing]
    ) {
        self.init(
            trust: TrustAnchor(trustStore), suite: suite, maximumSignatures: maximumSignatures, keyPurposes: keyPurposes
        )
    }

    /// A verifier that follows `trust`'s store in force (shared with other verifiers and the CRL refresher).
    public init(
        trust: TrustAnchor, suite: AlgorithmSuite = .standard, maximumSignatures: Int = 1,
        keyPurposes: Set<KeyPurpose> = [.signing]
    ) {
        _ = LibraryRuntime.ready
        self.trust = trust
        self.suite = suite
        self.maximumSignatures = maximumSignatures
        self.keyPurposes = keyPurposes
    }

    /// Verifies every signature of `document` at `time` (the signing time: when the hub receives a document).
    ///
    /// Order: placement and structure → signer certificate decode → cryptography (digest, then signature value)
    /// → chain, validity and revocation → key purpose.
    /// - Returns: the document with the identity of its (first) signer.
    /// - Throws: `TanbaError` with a `SIG_…` or `CERT_…` code.
    public func verify(_ document: XMLDocument, at time: Date = Date()) throws -> VerifiedDocument {
        var result: VerifiedDocument?
        // One store for the whole verification, whatever a refresh swaps in meanwhile.
        let store = trust.current
        for element in try SignatureShape.signatures(in: document, maximum: maximumSignatures) {
            let verified = try verify(signature: element, in: document, at: time, store: store)
            result = result ?? verified
        }
        return result!
    }

    private func verify(signature element: XMLElement, in document: XMLDocument, at time: Date, store: TrustStore)
        throws
        -> VerifiedDocument
    {
        let shape = try SignatureShape(element, suite: suite)
        let signer = try signers.signer(for: shape)
        let key = signer.certificate.publicKey
        guard key.kind == shape.algorithm.keyKind else {
            throw TanbaError(
                .sigValueInvalid,
                "the signature method is \(shape.algorithm.name) but the certificate holds a \(key) key",
                line: element.line, path: element.path)
        }
        guard key.bits >= shape.algorithm.minimumKeyBits else {
            throw TanbaError(
                .sigKeyTooWeak,
                "the signer's key is \(key); at least \(shape.algorithm.minimumKeyBits) bits are required",
                line: element.line, path: element.path)
        }
        try NativeDSig.verify(shape, in: document, key: signer.key)
        if !signer.chainValid(at: time, store: store) {
            do {
                let window = try store.validate(signer.certificate, intermediates: signer.intermediates, at: time)
                signer.remember(window, store: store)
                trust.observe(signer.certificate)
            } catch let error as TanbaError {
                throw TanbaError(error.code, error.message, line: element.line, path: element.path)
            }
        }
        let identity = signer.identity
        if !identity.extendedKeyUsage.isEmpty, keyPurposes.isDisjoint(with: identity.keyPurposes) {
            let wanted = keyPurposes.map(\.rawValue).sorted().joined(separator: " or ")
            throw TanbaError(
                .certKeyPurpose,
                "the certificate's key is not a \(wanted) key (extended key usage: \(identity.extendedKeyUsage.joined(separator: ", ")))",
                line: element.line, path: element.path)
        }
        return VerifiedDocument(
            document: document, signer: identity, certificate: signer.certificate, algorithm: shape.algorithm,
            canonicalization: shape.canonicalization, checkedAt: time)
    }

    /// Runs xmlsec1 with everything but the allow-listed behaviour switched off, on the parsed tree: the reference
    /// the native engine's verdicts are tested against (`NativeDSigConformanceTests`), not the hub's path, which is
    /// `NativeDSig` (see there why).
    static func verifyWithXMLSec(_ shape: SignatureShape, key: XMLSecKey) throws {
        guard case .xmlsec(let method) = shape.algorithm.engine else { return }
        guard let context = xmlSecDSigCtxCreate(nil) else { throw TanbaError(.internal, "xmlSecDSigCtxCreate failed") }
        defer {
            context.pointee.signKey = nil  // lent, not given: the cache owns the key
            xmlSecDSigCtxDestroy(context)
        }
        // Only URI="" and only the allow-listed transforms; xmlsec's defaults accept any URI (remote, file).
        context.pointee.enabledReferenceUris = xmlSecTransformUriType(tanba_xmlsec_uri_empty())
        context.pointee.transformCtx.enabledUris = xmlSecTransformUriType(tanba_xmlsec_uri_empty())
        for transform in XMLSecTransform.referenceAllowList {
            guard xmlSecDSigCtxEnableReferenceTransform(context, transform.id) >= 0 else {
                throw TanbaError(.internal, "xmlsec refused to enable a reference transform")
            }
        }
        for transform in XMLSecTransform.canonicalizations + [method] {
            guard xmlSecDSigCtxEnableSignatureTransform(context, transform.id) >= 0 else {
                throw TanbaError(.internal, "xmlsec refused to enable a signature transform")
            }
        }
        // KeyInfo is never read (the key is lent below); if it were, only X.509 data would count — never a
        // bare KeyValue, which xmlsec would otherwise trust.
        xmlSecPtrListAdd(
            &context.pointee.keyInfoReadCtx.enabledKeyData,
            UnsafeMutableRawPointer(mutating: tanba_xmlsec_keydata_x509()))
        context.pointee.signKey = key.pointer

        let (rc, messages) = XMLSecErrors.collecting { xmlSecDSigCtxVerify(context, shape.element.node) }
        defer { OpenSSL.clearErrors() }
        // A zero return code only means "no processing error"; the verdict is `status`.
        if rc >= 0 && context.pointee.status == xmlSecDSigStatusSucceeded { return }
        let at = shape.element
        var referenceFailed = false
        let count = xmlSecPtrListGetSize(&context.pointee.signedInfoReferences)
        for index in 0..<count {
            if let item = xmlSecPtrListGetItem(&context.pointee.signedInfoReferences, index) {
                let reference = item.assumingMemoryBound(to: xmlSecDSigReferenceCtx.self)
                if reference.pointee.status != xmlSecDSigStatusSucceeded { referenceFailed = true }
            }
        }
        if rc < 0 {
            throw TanbaError(
                .sigValueInvalid,
                "the signature could not be processed: \(messages.last ?? "xmlsec error")", line: at.line, path: at.path
            )
        }
        if referenceFailed {
            throw TanbaError(
                .sigDigestMismatch, "the document was changed after signing: the reference digest does not match",
                line: at.line, path: at.path)
        }
        throw TanbaError(
            .sigValueInvalid,
            "the signature value does not verify with the certificate's public key (tampered, or signed with another key)",
            line: at.line, path: at.path)
    }
}

/// An xmlsec key, owned and destroyed by this object.
final class XMLSecKey: @unchecked Sendable {
    let pointer: xmlSecKeyPtr
    init(owning pointer: xmlSecKeyPtr) { self.pointer = pointer }
    deinit { xmlSecKeyDestroy(pointer) }

    /// The public key of a certificate, as an xmlsec verification key (for `verifyWithXMLSec`, the tests' reference).
    convenience init(publicKeyOf certificate: Certificate) throws {
        guard let evp = X509_get_pubkey(certificate.pointer) else {  // a new reference, adopted below
            throw TanbaError(.certMalformed, "the certificate's public key cannot be read")
        }
        try self.init(adopting: evp)
    }

    /// Takes ownership of an `EVP_PKEY` reference.
    init(adopting evp: OpaquePointer) throws {
        guard let data = xmlSecOpenSSLEvpKeyAdopt(evp) else {
            EVP_PKEY_free(evp)
            throw TanbaError(.keyInvalid, "xmlsec cannot use this key type")
        }
        guard let key = xmlSecKeyCreate(), xmlSecKeySetValue(key, data) >= 0 else {
            xmlSecKeyDataDestroy(data)
            throw TanbaError(.internal, "xmlSecKeyCreate failed")
        }
        pointer = key
    }
}

/// What the verifier knows about one KeyInfo certificate set: decoded certificates, the public key, the
/// identity, and the time window in which its chain is known to validate against this verifier's trust store.
final class KnownSigner: @unchecked Sendable {
    let certificate: Certificate
    let intermediates: [Certificate]
    let key: VerificationKey
    let identity: SignerIdentity

    /// The certificate's public key, ready for its engine.
    enum VerificationKey {
        case evp(EVPPublicKey)
        case gost(GOSTPublicKey)
    }
    /// The window, and the store it was found against (a swapped-in store, e.g. with a fresh CRL, starts over).
    private let window = Mutex<(store: UInt64, validity: ClosedRange<Date>)?>(nil)

    init(certificate: Certificate, intermediates: [Certificate]) throws {
        self.certificate = certificate
        self.intermediates = intermediates
        self.key =
            certificate.publicKey.kind == .gost
            ? .gost(try GOSTPublicKey(certificate: certificate)) : .evp(try EVPPublicKey(publicKeyOf: certificate))
        self.identity = SignerIdentity(certificate: certificate)
    }

    /// Whether a validation that succeeded earlier, against `store`, covers `time`.
    func chainValid(at time: Date, store: TrustStore) -> Bool {
        window.withLock { known in
            guard let known, known.store == store.generation else { return false }
            return known.validity.contains(time)
        }
    }

    /// Remembers a successful validation against `store` (by its generation, never reused, unlike an address).
    func remember(_ validity: ClosedRange<Date>, store: TrustStore) {
        window.withLock { $0 = (store.generation, validity) }
    }
}

/// Signers by the exact certificates their KeyInfo carries.
///
/// Decoding a certificate and its key dominates the cost of verifying a small document (OpenSSL 3's decoders
/// take locks), and so does re-checking an unchanged chain against unchanged CRLs. Both are cached. A chain is
/// re-validated whenever the verification time leaves the window in which the earlier validation holds (every
/// certificate of the chain and every CRL of the trust store in force), or when the trust store in force is not the
/// one it was validated against: the trust store, CRLs included, is immutable, so a new CRL means a new `TrustStore`.
final class SignerCache: Sendable {
    private let entries = Mutex<[[[UInt8]]: KnownSigner]>([:])
    private let capacity = 10_000

    func signer(for shape: SignatureShape) throws -> KnownSigner {
        if let known = entries.withLock({ $0[shape.certificates] }) { return known }
        let (leaf, others) = try shape.decodeSignerCertificate()
        let known = try KnownSigner(certificate: leaf, intermediates: others)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[shape.certificates] = known
        }
        return known
    }
}
