internal import COpenSSL
internal import CXMLSec

/// XMLDSig algorithm URIs the hub knows, and which of them it accepts.
///
/// Everything not listed is refused before any cryptography runs: MD5, SHA-1, HMAC, XSLT, XPath,
/// Base64 and every other transform. Signature algorithms are values in a list, so further ones (Kazakh
/// GOST 34.10-2015) are added by appending, not by changing the verifier.
public enum XMLDSigURI {
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    public static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    public static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    public static let exclusiveC14NWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
    public static let inclusiveC14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    public static let inclusiveC14NWithComments = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
    public static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    public static let sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    public static let sha512 = "http://www.w3.org/2001/04/xmlenc#sha512"
    public static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    public static let rsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
    public static let rsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
    public static let ecdsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    public static let ecdsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
    public static let ecdsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"
    /// Kazakh GOST 34.10-2015 512-bit with GOST 34.11-2015 (Streebog) 512, as NCALayer writes it.
    public static let gost2015_512 =
        "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512"
    /// GOST 34.11-2015 (Streebog) 512 digest.
    public static let streebog512 = "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512"
}

/// A signature algorithm the hub accepts: its URI, the key it needs and the engine that computes it.
public struct SignatureAlgorithm: Sendable, Hashable, CustomStringConvertible {
    public let uri: String
    /// Short name for messages and benchmarks, e.g. `RSA-SHA256`.
    public let name: String
    /// The key type the signer's certificate must carry.
    public let keyKind: PublicKeyInfo.Kind
    /// The smallest accepted key, in bits (RSA modulus; EC field size).
    public let minimumKeyBits: Int
    /// The digest methods a Reference may use with this algorithm.
    public let digestMethods: Set<String>
    let engine: Engine

    /// How the cryptography is done. Verifying is Tanba's own for every algorithm (`NativeDSig`: libxml2's C14N,
    /// OpenSSL's digests and signatures); signing is xmlsec1's for the algorithms it supports, named by its
    /// transform, and Tanba's own for Kazakh GOST (the gost provider's Streebog, OpenSSL's curve arithmetic),
    /// which xmlsec1 lacks.
    enum Engine: Sendable, Hashable {
        case xmlsec(XMLSecTransform)
        case kazakhGOST
    }

    static let sha2: Set<String> = [XMLDSigURI.sha256, XMLDSigURI.sha384, XMLDSigURI.sha512]

    init(
        uri: String, name: String, keyKind: PublicKeyInfo.Kind, minimumKeyBits: Int, engine: Engine,
        digestMethods: Set<String> = sha2
    ) {
        self.uri = uri
        self.name = name
        self.keyKind = keyKind
        self.minimumKeyBits = minimumKeyBits
        self.engine = engine
        self.digestMethods = digestMethods
    }

    public var description: String { name }

    public static let rsaSHA256 = SignatureAlgorithm(
        uri: XMLDSigURI.rsaSHA256, name: "RSA-SHA256", keyKind: .rsa, minimumKeyBits: 2048, engine: .xmlsec(.rsaSHA256))
    public static let rsaSHA384 = SignatureAlgorithm(
        uri: XMLDSigURI.rsaSHA384, name: "RSA-SHA384", keyKind: .rsa, minimumKeyBits: 2048, engine: .xmlsec(.rsaSHA384))
    public static let rsaSHA512 = SignatureAlgorithm(
        uri: XMLDSigURI.rsaSHA512, name: "RSA-SHA512", keyKind: .rsa, minimumKeyBits: 2048, engine: .xmlsec(.rsaSHA512))
    public static let ecdsaSHA256 = SignatureAlgorithm(
        uri: XMLDSigURI.ecdsaSHA256, name: "ECDSA-SHA256", keyKind: .ec, minimumKeyBits: 256,
        engine: .xmlsec(.ecdsaSHA256))
    public static let ecdsaSHA384 = SignatureAlgorithm(
        uri: XMLDSigURI.ecdsaSHA384, name: "ECDSA-SHA384", keyKind: .ec, minimumKeyBits: 256,
        engine: .xmlsec(.ecdsaSHA384))
    public static let ecdsaSHA512 = SignatureAlgorithm(
        uri: XMLDSigURI.ecdsaSHA512, name: "ECDSA-SHA512", keyKind: .ec, minimumKeyBits: 256,
        engine: .xmlsec(.ecdsaSHA512))
    /// Kazakh GOST 34.10-2015 512-bit: what NCA RK has issued since April 2024.
    public static let gost2015_512 = SignatureAlgorithm(
        uri: XMLDSigURI.gost2015_512, name: "GOST-2015-512", keyKind: .gost, minimumKeyBits: 512,
        engine: .kazakhGOST, digestMethods: [XMLDSigURI.streebog512])
}

/// The algorithms a verifier accepts. `standard` is the hub's policy.
public struct AlgorithmSuite: Sendable {
    public var signatureAlgorithms: [SignatureAlgorithm]
    public var digestMethods: Set<String>
    public var canonicalizationMethods: Set<String>

    public static let standard = AlgorithmSuite(
        signatureAlgorithms: [
            .gost2015_512, .rsaSHA256, .rsaSHA384, .rsaSHA512, .ecdsaSHA256, .ecdsaSHA384, .ecdsaSHA512,
        ],
        digestMethods: [XMLDSigURI.sha256, XMLDSigURI.sha384, XMLDSigURI.sha512, XMLDSigURI.streebog512],
        canonicalizationMethods: [
            XMLDSigURI.exclusiveC14N, XMLDSigURI.exclusiveC14NWithComments,
            XMLDSigURI.inclusiveC14N, XMLDSigURI.inclusiveC14NWithComments,
        ])

    func signatureAlgorithm(uri: String) -> SignatureAlgorithm? { signatureAlgorithms.first { $0.uri == uri } }
}

/// xmlsec1 transform klasses by the URIs above. Function-like macros in C; the shim exposes them.
enum XMLSecTransform: Sendable, Hashable {
    case enveloped, exclusiveC14N, exclusiveC14NWithComments, inclusiveC14N, inclusiveC14NWithComments
    case sha256, sha384, sha512
    case rsaSHA256, rsaSHA384, rsaSHA512, ecdsaSHA256, ecdsaSHA384, ecdsaSHA512

    var id: xmlSecTransformId {
        switch self {
        case .enveloped: tanba_xmlsec_enveloped()
        case .exclusiveC14N: tanba_xmlsec_exc_c14n()
        case .exclusiveC14NWithComments: tanba_xmlsec_exc_c14n_comments()
        case .inclusiveC14N: tanba_xmlsec_c14n()
        case .inclusiveC14NWithComments: tanba_xmlsec_c14n_comments()
        case .sha256: tanba_xmlsec_sha256()
        case .sha384: tanba_xmlsec_sha384()
        case .sha512: tanba_xmlsec_sha512()
        case .rsaSHA256: tanba_xmlsec_rsa_sha256()
        case .rsaSHA384: tanba_xmlsec_rsa_sha384()
        case .rsaSHA512: tanba_xmlsec_rsa_sha512()
        case .ecdsaSHA256: tanba_xmlsec_ecdsa_sha256()
        case .ecdsaSHA384: tanba_xmlsec_ecdsa_sha384()
        case .ecdsaSHA512: tanba_xmlsec_ecdsa_sha512()
        }
    }

    /// The digest a signature method hashes SignedInfo with; nil for a transform that is not a signature method.
    var signatureDigest: OpaquePointer? {
        switch self {
        case .rsaSHA256, .ecdsaSHA256: EVP_sha256()
        case .rsaSHA384, .ecdsaSHA384: EVP_sha384()
        case .rsaSHA512, .ecdsaSHA512: EVP_sha512()
        default: nil
        }
    }

    init?(uri: String) {
        switch uri {
        case XMLDSigURI.envelopedSignature: self = .enveloped
        case XMLDSigURI.exclusiveC14N: self = .exclusiveC14N
        case XMLDSigURI.exclusiveC14NWithComments: self = .exclusiveC14NWithComments
        case XMLDSigURI.inclusiveC14N: self = .inclusiveC14N
        case XMLDSigURI.inclusiveC14NWithComments: self = .inclusiveC14NWithComments
        case XMLDSigURI.sha256: self = .sha256
        case XMLDSigURI.sha384: self = .sha384
        case XMLDSigURI.sha512: self = .sha512
        default: return nil
        }
    }

    /// The transforms a Reference may use, and the canonicalizations SignedInfo may use.
    static let referenceAllowList: [XMLSecTransform] = [
        .enveloped, .exclusiveC14N, .exclusiveC14NWithComments, .inclusiveC14N, .inclusiveC14NWithComments,
        .sha256, .sha384, .sha512,
    ]
    static let canonicalizations: [XMLSecTransform] = [
        .exclusiveC14N, .exclusiveC14NWithComments, .inclusiveC14N, .inclusiveC14NWithComments,
    ]
}
