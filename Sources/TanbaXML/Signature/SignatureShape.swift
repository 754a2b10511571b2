import Foundation
import TanbaErrors

/// The parts of an XMLDSig `Signature` element, checked against the hub's policy before any cryptography.
///
/// The checks are what xmlsec1's defaults do not do: exactly one whole-document reference, allow-listed
/// transforms and algorithms, the signature directly under the root, and KeyInfo holding certificates only.
struct SignatureShape {
    let element: XMLElement
    let algorithm: SignatureAlgorithm
    let canonicalization: String
    let referenceTransforms: [String]
    /// PrefixList of an exclusive C14N transform's InclusiveNamespaces, if any.
    let referenceInclusivePrefixes: [String]
    let digestMethod: String
    /// Every certificate in KeyInfo/X509Data (DER), in document order. Decoded by the verifier, which caches
    /// decoded certificates: OpenSSL 3's decoder dominates the cost of a small document.
    let certificates: [[UInt8]]
    /// The KeyInfo element, for error locations.
    let keyInfo: XMLElement

    private static let ds = XMLDSigURI.namespace

    /// Finds every Signature element in the document, checks count and placement, and returns them.
    static func signatures(in document: XMLDocument, maximum: Int) throws -> [XMLElement] {
        let root = document.root
        let signatures = root.descendants(named: "Signature", namespace: ds)
        if root.name == "Signature" && root.namespaceURI == ds {
            throw TanbaError(
                .sigPlacement,
                "the root element is a Signature: a detached or enveloping signature carries no document",
                line: root.line, path: root.path)
        }
        guard !signatures.isEmpty else {
            throw TanbaError(.sigMissing, "the document has no ds:Signature element", line: root.line, path: root.path)
        }
        guard signatures.count <= maximum else {
            throw TanbaError(
                diagnostics: signatures.map {
                    Diagnostic(
                        .sigMultiple, "the document has \(signatures.count) signatures; \(maximum) allowed",
                        line: $0.line,
                        path: $0.path)
                })
        }
        for signature in signatures where signature.parent?.node != root.node {
            throw TanbaError(
                .sigPlacement,
                "the Signature must be a direct child of the root element (signed content wrapped in other content is refused)",
                line: signature.line, path: signature.path)
        }
        return signatures
    }

    /// Checks one Signature element's structure and algorithms.
    init(_ signature: XMLElement, suite: AlgorithmSuite) throws {
        element = signature
        let parts = signature.children
        func fail(_ code: ErrorCode, _ message: String, at element: XMLElement) -> TanbaError {
            TanbaError(code, message, line: element.line, path: element.path)
        }
        for part in parts where part.namespaceURI != Self.ds {
            throw fail(.sigStructure, "unexpected element \(part.name) in Signature", at: part)
        }
        let names = parts.map(\.name)
        guard names.count >= 2, names[0] == "SignedInfo", names[1] == "SignatureValue" else {
            throw fail(.sigStructure, "Signature must begin with SignedInfo and SignatureValue", at: signature)
        }
        if let object = parts.first(where: { $0.name == "Object" }) {
            throw fail(.sigStructure, "ds:Object is not accepted (no manifests or enveloping content)", at: object)
        }
        guard names.count <= 3, names.count == 2 || names[2] == "KeyInfo" else {
            throw fail(.sigStructure, "after SignatureValue only one KeyInfo may follow", at: parts[2])
        }
        if signature.hasAttribute("Id") || parts[1].hasAttribute("Id") { /* harmless: ids are never dereferenced */  }

        // SignedInfo: CanonicalizationMethod, SignatureMethod, Reference+
        let signedInfo = parts[0]
        let info = signedInfo.children
        guard info.count >= 3, info.allSatisfy({ $0.namespaceURI == Self.ds }),
            info[0].name == "CanonicalizationMethod", info[1].name == "SignatureMethod"
        else {
            throw fail(
                .sigStructure, "SignedInfo must hold CanonicalizationMethod, SignatureMethod and a Reference",
                at: signedInfo)
        }
        let c14n = info[0].attribute("Algorithm") ?? ""
        guard suite.canonicalizationMethods.contains(c14n), info[0].children.isEmpty else {
            throw fail(.sigAlgorithmForbidden, "canonicalization method '\(c14n)' is not accepted", at: info[0])
        }
        canonicalization = c14n
        let method = info[1].attribute("Algorithm") ?? ""
        guard let algorithm = suite.signatureAlgorithm(uri: method) else {
            throw fail(
                .sigAlgorithmForbidden,
                "signature method '\(method)' is not accepted (allowed: \(suite.signatureAlgorithms.map(\.name).joined(separator: ", ")))",
                at: info[1])
        }
        guard info[1].children.isEmpty else {
            throw fail(
                .sigAlgorithmForbidden, "SignatureMethod parameters (e.g. HMACOutputLength) are not accepted",
                at: info[1])
        }
        self.algorithm = algorithm
        let references = Array(info.dropFirst(2))
        guard references.count == 1, references[0].name == "Reference" else {
            let at = references.count > 1 ? references[1] : signedInfo
            throw fail(
                .sigReferenceForbidden,
                "exactly one Reference is required; found \(references.filter { $0.name == "Reference" }.count)",
                at: at)
        }
        let reference = references[0]
        guard reference.hasAttribute("URI"), reference.attribute("URI") == "" else {
            let uri = reference.attribute("URI").map { "URI=\"\($0)\"" } ?? "no URI"
            throw fail(
                .sigReferenceForbidden, "the Reference must be URI=\"\" (the whole document); found \(uri)",
                at: reference)
        }
        if let type = reference.attribute("Type"), !type.isEmpty {
            throw fail(.sigReferenceForbidden, "Reference Type '\(type)' is not accepted", at: reference)
        }

        // Reference: Transforms?, DigestMethod, DigestValue
        var referenceParts = reference.children
        var transforms: [String] = []
        var prefixes: [String] = []
        if let first = referenceParts.first, first.name == "Transforms", first.namespaceURI == Self.ds {
            referenceParts.removeFirst()
            for transform in first.children {
                let uri = transform.attribute("Algorithm") ?? ""
                let allowed = uri == XMLDSigURI.envelopedSignature || suite.canonicalizationMethods.contains(uri)
                guard transform.name == "Transform", transform.namespaceURI == Self.ds, allowed else {
                    throw fail(
                        .sigTransformForbidden,
                        "transform '\(uri)' is not accepted (only enveloped-signature and C14N)", at: transform)
                }
                // Exclusive C14N may name inclusive prefixes; no other transform takes parameters (XPath…).
                for parameter in transform.children {
                    guard uri.hasPrefix(XMLDSigURI.exclusiveC14N), parameter.name == "InclusiveNamespaces" else {
                        throw fail(
                            .sigTransformForbidden, "transform parameter \(parameter.name) is not accepted",
                            at: parameter)
                    }
                    prefixes += (parameter.attribute("PrefixList") ?? "").split(separator: " ").map(String.init)
                }
                transforms.append(uri)
            }
        }
        guard transforms.first == XMLDSigURI.envelopedSignature, transforms.count <= 2,
            transforms.filter({ $0 == XMLDSigURI.envelopedSignature }).count == 1
        else {
            throw fail(
                .sigTransformForbidden,
                "the Reference must apply enveloped-signature first, optionally followed by one C14N", at: reference)
        }
        referenceTransforms = transforms
        referenceInclusivePrefixes = prefixes
        guard referenceParts.count == 2, referenceParts[0].name == "DigestMethod",
            referenceParts[1].name == "DigestValue"
        else {
            throw fail(.sigStructure, "the Reference must hold DigestMethod and DigestValue", at: reference)
        }
        let digest = referenceParts[0].attribute("Algorithm") ?? ""
        guard suite.digestMethods.contains(digest), algorithm.digestMethods.contains(digest) else {
            throw fail(.sigAlgorithmForbidden, "digest method '\(digest)' is not accepted", at: referenceParts[0])
        }
        digestMethod = digest

        // KeyInfo: X509Data with certificates only.
        guard parts.count == 3 else {
            throw fail(
                .sigCertificateMissing, "the Signature has no KeyInfo with the signer's certificate", at: signature)
        }
        let keyInfo = parts[2]
        var certificates: [[UInt8]] = []
        for item in keyInfo.children {
            guard item.name == "X509Data", item.namespaceURI == Self.ds else {
                throw fail(
                    .sigKeyInfoForbidden,
                    "KeyInfo/\(item.name) is not accepted: the signer is identified by an X.509 certificate only",
                    at: item)
            }
            for entry in item.children {
                switch (entry.namespaceURI == Self.ds, entry.name) {
                case (true, "X509Certificate"):
                    guard let der = Data(base64Encoded: entry.text, options: .ignoreUnknownCharacters), !der.isEmpty
                    else {
                        throw fail(.certMalformed, "X509Certificate is not valid base64", at: entry)
                    }
                    certificates.append(Array(der))
                case (true, "X509IssuerSerial"), (true, "X509SubjectName"), (true, "X509SKI"):
                    continue  // informational; the certificate itself decides
                default:
                    throw fail(.sigKeyInfoForbidden, "X509Data/\(entry.name) is not accepted", at: entry)
                }
            }
        }
        guard !certificates.isEmpty else {
            throw fail(.sigCertificateMissing, "KeyInfo carries no X509Certificate", at: keyInfo)
        }
        self.certificates = certificates
        self.keyInfo = keyInfo
    }

    /// Decodes KeyInfo's certificates and picks the signer's: the one that issued none of the others.
    func decodeSignerCertificate() throws -> (leaf: Certificate, others: [Certificate]) {
        var decoded: [Certificate] = []
        for der in certificates {
            do { decoded.append(try Certificate(der: der)) } catch let error as TanbaError {
                throw TanbaError(error.code, error.message, line: keyInfo.line, path: keyInfo.path)
            }
        }
        let leaves = decoded.filter { candidate in
            !decoded.contains { $0 !== candidate && candidate.isNamedIssuer(of: $0) }
        }
        guard leaves.count == 1, let leaf = leaves.first else {
            throw TanbaError(
                .sigKeyInfoForbidden, "KeyInfo must carry one signer certificate (optionally with its CA chain)",
                line: keyInfo.line, path: keyInfo.path)
        }
        return (leaf, decoded.filter { $0 !== leaf })
    }
}
