internal import CLibXML2
internal import COpenSSL
import Foundation
import TanbaErrors

/// XMLDSig done by Tanba itself: the reference's digest and the signature value over SignedInfo, for every
/// algorithm the hub accepts (RSA and ECDSA with OpenSSL, Kazakh GOST 34.10-2015 with Tanba's own arithmetic).
///
/// Why not xmlsec1 for verifying: xmlsec renders the `URI=""` reference and SignedInfo through node sets, asking
/// for every node of the document whether it is in the set, up its ancestors, which was three quarters of a signed
/// fiscal batch's verification; `Canonicalizer` renders the same octets without that walk. xmlsec1 stays the
/// reference the native verdicts are tested against (`NativeDSigConformanceTests`), and it signs.
///
/// The policy checks are the same for every algorithm (`SignatureShape` ran first); the processing follows the
/// XMLDSig recommendation for the one shape the policy allows: `URI=""` (the document without comments), the
/// enveloped-signature transform, then one C14N (inclusive C14N 1.0 when none is named).
enum NativeDSig {
    /// Verifies digest and signature value. The key has been taken from the certificate already.
    static func verify(_ shape: SignatureShape, in document: XMLDocument, key: KnownSigner.VerificationKey) throws {
        let element = shape.element
        let signedInfo = element.children[0]
        let reference = signedInfo.children[2]
        let digestValue = reference.children.last!
        let computed = try referenceDigest(shape, in: document)
        guard let recorded = Data(base64Encoded: digestValue.text, options: .ignoreUnknownCharacters),
            Array(recorded) == computed
        else {
            throw TanbaError(
                .sigDigestMismatch, "the document was changed after signing: the reference digest does not match",
                line: element.line, path: element.path)
        }
        let canonical = try Canonicalizer.canonicalize(
            document, .subtree(signedInfo.node), method: shape.canonicalization, signedInfoComments: true)
        let verified: Bool
        if let value = Data(base64Encoded: element.children[1].text, options: .ignoreUnknownCharacters) {
            switch (shape.algorithm.engine, key) {
            case (.xmlsec(let method), .evp(let key)):
                guard let digest = method.signatureDigest else {
                    throw TanbaError(.internal, "\(shape.algorithm.name) names no digest")
                }
                verified = try key.verifies(Array(value), over: canonical, digest: digest)
            case (.kazakhGOST, .gost(let key)):
                verified = try KazakhGOST.verify(message: canonical, signature: Array(value), publicKey: key)
            default:
                throw TanbaError(
                    .sigValueInvalid, "the certificate's key cannot verify \(shape.algorithm.name)",
                    line: element.line, path: element.path)
            }
        } else {
            verified = false
        }
        guard verified else {
            throw TanbaError(
                .sigValueInvalid,
                "the signature value does not verify with the certificate's public key (tampered, or signed with another key)",
                line: element.line, path: element.path)
        }
    }

    /// Digest of the document without the signature, as the Reference's transforms say.
    static func referenceDigest(_ shape: SignatureShape, in document: XMLDocument) throws -> [UInt8] {
        let method = shape.referenceTransforms.dropFirst().first ?? XMLDSigURI.inclusiveC14N
        return try Canonicalizer.digest(
            document, .excluding(shape.element.node), method: method,
            inclusivePrefixes: shape.referenceInclusivePrefixes, digestMethod: shape.digestMethod)
    }

    /// Appends a signature in `profile`'s shape to the root and fills it: digest, then signature value.
    static func sign(
        _ document: XMLDocument, key: GOSTPrivateKey, certificate: Certificate, profile: SigningProfile
    ) throws {
        let ds = XMLDSigURI.namespace
        let root = document.root.node
        guard let signature = xmlNewDocNode(document.pointer, nil, "Signature", nil) else {
            throw TanbaError(.internal, "cannot create the Signature element")
        }
        let ns = xmlNewNs(signature, ds, "ds")
        xmlSetNs(signature, ns)
        xmlAddChild(root, signature)
        var completed = false
        defer {
            if !completed {
                xmlUnlinkNode(signature)
                xmlFreeNode(signature)
            }
        }
        func child(_ parent: xmlNodePtr, _ name: String, algorithm: String? = nil) -> xmlNodePtr {
            let node = xmlNewChild(parent, ns, name, nil)!
            if let algorithm { xmlNewProp(node, "Algorithm", algorithm) }
            return node
        }
        let signedInfo = child(signature, "SignedInfo")
        _ = child(signedInfo, "CanonicalizationMethod", algorithm: profile.canonicalization)
        _ = child(signedInfo, "SignatureMethod", algorithm: XMLDSigURI.gost2015_512)
        let reference = child(signedInfo, "Reference")
        xmlNewProp(reference, "URI", "")
        let transforms = child(reference, "Transforms")
        _ = child(transforms, "Transform", algorithm: XMLDSigURI.envelopedSignature)
        _ = child(transforms, "Transform", algorithm: profile.c14nTransform)
        _ = child(reference, "DigestMethod", algorithm: XMLDSigURI.streebog512)
        let digestValue = child(reference, "DigestValue")
        let signatureValue = child(signature, "SignatureValue")
        let x509 = child(child(signature, "KeyInfo"), "X509Data")
        xmlNodeSetContent(child(x509, "X509Certificate"), Data(certificate.der).base64EncodedString())

        let digest = try Canonicalizer.digest(
            document, .excluding(signature), method: profile.c14nTransform, digestMethod: XMLDSigURI.streebog512)
        xmlNodeSetContent(digestValue, Data(digest).base64EncodedString())
        let canonical = try Canonicalizer.canonicalize(
            document, .subtree(signedInfo), method: profile.canonicalization, signedInfoComments: true)
        xmlNodeSetContent(signatureValue, Data(try KazakhGOST.sign(message: canonical, key: key)).base64EncodedString())
        completed = true
    }
}
