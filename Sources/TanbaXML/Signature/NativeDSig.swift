internal import CLibXML2
internal import COpenSSL
import Foundation
import TanbaErrors

/// XMLDSig done by Tanba itself, for algorithms xmlsec1 lacks (Kazakh GOST 34.10-2015).
///
/// The policy checks are the same as for xmlsec1 (`SignatureShape` ran first); the processing follows the
/// XMLDSig recommendation for the one shape the policy allows: `URI=""` (the document without comments), the
/// enveloped-signature transform, then one C14N (inclusive C14N 1.0 when none is named).
enum NativeDSig {
    /// Verifies digest and signature value. The key has been taken from the certificate already.
    static func verify(_ shape: SignatureShape, in document: XMLDocument, key: GOSTPublicKey) throws {
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
        guard let value = Data(base64Encoded: element.children[1].text, options: .ignoreUnknownCharacters),
            try KazakhGOST.verify(message: canonical, signature: Array(value), publicKey: key)
        else {
            throw TanbaError(
                .sigValueInvalid,
                "the signature value does not verify with the certificate's public key (tampered, or signed with another key)",
                line: element.line, path: element.path)
        }
    }

    /// Digest of the document without the signature, as the Reference's transforms say.
    static func referenceDigest(_ shape: SignatureShape, in document: XMLDocument) throws -> [UInt8] {
        let method = shape.referenceTransforms.dropFirst().first ?? XMLDSigURI.inclusiveC14N
        let octets = try Canonicalizer.canonicalize(
            document, .excluding(shape.element.node), method: method,
            inclusivePrefixes: shape.referenceInclusivePrefixes)
        return try Digest.compute(shape.digestMethod, octets)
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

        let octets = try Canonicalizer.canonicalize(document, .excluding(signature), method: profile.c14nTransform)
        xmlNodeSetContent(digestValue, Data(try Streebog.hash512(octets)).base64EncodedString())
        let canonical = try Canonicalizer.canonicalize(
            document, .subtree(signedInfo), method: profile.canonicalization, signedInfoComments: true)
        xmlNodeSetContent(signatureValue, Data(try KazakhGOST.sign(message: canonical, key: key)).base64EncodedString())
        completed = true
    }
}

/// Digests by XMLDSig URI.
enum Digest {
    static func compute(_ uri: String, _ bytes: [UInt8]) throws -> [UInt8] {
        let md: OpaquePointer?
        switch uri {
        case XMLDSigURI.streebog512: return try Streebog.hash512(bytes)
        case XMLDSigURI.sha256: md = EVP_sha256()
        case XMLDSigURI.sha384: md = EVP_sha384()
        case XMLDSigURI.sha512: md = EVP_sha512()
        default: throw TanbaError(.sigAlgorithmForbidden, "digest method '\(uri)' is not accepted")
        }
        var digest = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        guard EVP_Digest(bytes, bytes.count, &digest, &length, md, nil) == 1 else {
            throw TanbaError(.internal, "digest failed: \(OpenSSL.lastError())")
        }
        return Array(digest.prefix(Int(length)))
    }
}

/// Canonical XML (inclusive 1.0 or exclusive, with or without comments) of a node set, by libxml2.
enum Canonicalizer {
    enum Selection {
        /// An element and everything inside it (SignedInfo). Inclusive C14N still renders the namespaces the
        /// element inherits, as XMLDSig requires.
        case subtree(xmlNodePtr)
        /// The whole document but one element and everything inside it (the enveloped-signature transform).
        case excluding(xmlNodePtr)
    }

    private final class Context {
        let node: xmlNodePtr
        let inside: Bool
        init(node: xmlNodePtr, inside: Bool) {
            self.node = node
            self.inside = inside
        }
    }

    /// - Parameter signedInfoComments: whether a `#WithComments` method keeps comments. For a `URI=""`
    ///   reference comments are already gone (XMLDSig 4.3.3.3); inside SignedInfo they are kept.
    static func canonicalize(
        _ document: XMLDocument, _ selection: Selection, method: String, inclusivePrefixes: [String] = [],
        signedInfoComments: Bool = false
    ) throws -> [UInt8] {
        let exclusive = method.hasPrefix(XMLDSigURI.exclusiveC14N)
        let comments = signedInfoComments && method.hasSuffix("#WithComments")
        let context: Context
        switch selection {
        case .subtree(let node): context = Context(node: node, inside: true)
        case .excluding(let node): context = Context(node: node, inside: false)
        }
        guard let buffer = xmlAllocOutputBuffer(nil) else { throw TanbaError(.internal, "xmlAllocOutputBuffer failed") }
        defer { xmlOutputBufferClose(buffer) }
        var prefixes: [UnsafeMutablePointer<xmlChar>?] = inclusivePrefixes.map { xmlStrdup($0) } + [nil]
        defer { prefixes.forEach { tanba_xmlFree($0) } }
        let mode = Int32(exclusive ? XML_C14N_EXCLUSIVE_1_0.rawValue : XML_C14N_1_0.rawValue)
        let result = withExtendedLifetime(context) {
            prefixes.withUnsafeMutableBufferPointer { list in
                xmlC14NExecute(
                    document.pointer, Self.visible, Unmanaged.passUnretained(context).toOpaque(), mode,
                    exclusive && inclusivePrefixes.count > 0 ? list.baseAddress : nil, comments ? 1 : 0, buffer)
            }
        }
        guard result >= 0, let content = xmlOutputBufferGetContent(buffer) else {
            throw TanbaError(.internal, "canonicalization failed")
        }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlOutputBufferGetSize(buffer))))
    }

    /// libxml2 asks for every node; namespace and attribute nodes come with their element as `parent`.
    private static let visible: xmlC14NIsVisibleCallback = { data, node, parent in
        guard let data, let node else { return 0 }
        let context = Unmanaged<Context>.fromOpaque(data).takeUnretainedValue()
        // xmlNs and xmlNode share the position of `type`, which libxml2 itself relies on here.
        let type = node.pointee.type
        var cursor: xmlNodePtr? = (type == XML_NAMESPACE_DECL || type == XML_ATTRIBUTE_NODE) ? parent : node
        var inside = false
        while let current = cursor {
            if current == context.node {
                inside = true
                break
            }
            cursor = current.pointee.parent
        }
        return inside == context.inside ? 1 : 0
    }
}
