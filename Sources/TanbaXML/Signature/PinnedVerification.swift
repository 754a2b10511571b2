public import Foundation
public import TanbaErrors

extension SignatureVerifier {
    /// Verifies a document's one enveloped signature against a pinned certificate instead of a trust store.
    ///
    /// For a counterpart that knows exactly one signer (a partner system that was given the hub's certificate): the
    /// pin is the trust, so no chain is built and no CRL is read, but everything else is as strict as `verify(_:at:)`
    /// — placement and structure, the algorithm allow-list, the digest and the signature value, the certificate's
    /// validity period at `time`.
    /// - Throws: `SIG_MISSING` for an unsigned document, `CERT_UNTRUSTED` when KeyInfo's certificate is not
    ///   `pinned`, `CERT_EXPIRED`/`CERT_NOT_YET_VALID` outside its validity, or the other `SIG_…` codes.
    public static func verify(
        _ document: XMLDocument, pinnedTo pinned: Certificate, at time: Date = Date(),
        suite: AlgorithmSuite = .standard
    ) throws -> VerifiedDocument {
        let element = try SignatureShape.signatures(in: document, maximum: 1)[0]
        let shape = try SignatureShape(element, suite: suite)
        let (leaf, _) = try shape.decodeSignerCertificate()
        guard leaf == pinned else {
            throw TanbaError(
                .certUntrusted, "the signer's certificate (\(leaf.subject)) is not the pinned one (\(pinned.subject))",
                line: element.line, path: element.path)
        }
        guard time >= leaf.notBefore else {
            throw TanbaError(.certNotYetValid, "the pinned certificate is not valid yet", line: element.line)
        }
        guard time <= leaf.notAfter else {
            throw TanbaError(.certExpired, "the pinned certificate has expired", line: element.line)
        }
        let signer = try KnownSigner(certificate: leaf, intermediates: [])
        let key = leaf.publicKey
        guard key.kind == shape.algorithm.keyKind, key.bits >= shape.algorithm.minimumKeyBits else {
            throw TanbaError(
                .sigValueInvalid, "the signature method is \(shape.algorithm.name) but the certificate holds \(key)",
                line: element.line, path: element.path)
        }
        try NativeDSig.verify(shape, in: document, key: signer.key)
        return VerifiedDocument(
            document: document, signer: signer.identity, certificate: leaf, algorithm: shape.algorithm,
            canonicalization: shape.canonicalization, checkedAt: time)
    }

    /// Verifies a counterpart's message against the one certificate pinned for it, naming a failure by the
    /// counterpart's own codes: `unsigned` when the message carries no signature, `wrongSigner` for any other
    /// failure — another certificate, a signature that does not verify, the pin outside its validity — with the
    /// signature check's own code and words in the message, so the operator sees which.
    ///
    /// The Ministry's acknowledgements and the registers' answers are refused this way: what matters to the hub is
    /// that the counterpart did not sign it, whichever check found that out.
    public static func verify(
        _ document: XMLDocument, pinnedTo pinned: Certificate, at time: Date, counterpart: String,
        unsigned: ErrorCode, wrongSigner: ErrorCode
    ) throws -> VerifiedDocument {
        let signatures = document.root.descendants(named: "Signature", namespace: XMLDSigURI.namespace)
        guard !signatures.isEmpty else {
            throw TanbaError(unsigned, "the \(counterpart) carries no signature", path: document.root.path)
        }
        do {
            return try verify(document, pinnedTo: pinned, at: time)
        } catch let error as TanbaError {
            if error.code == .sigMissing { throw TanbaError(unsigned, error.message) }
            throw TanbaError(
                wrongSigner,
                "the \(counterpart) is not signed by the configured certificate (\(pinned.subject)): "
                    + "\(error.code) \(error.message)",
                line: error.diagnostics.first?.line, path: error.diagnostics.first?.path)
        }
    }
}
