internal import CLibXML2
internal import COpenSSL
internal import CXMLSec
public import Foundation
import TanbaErrors

/// How a signature is laid out. Both profiles make an enveloped signature, last child of the root, with one
/// `URI=""` reference and the signer's certificate (only) in KeyInfo.
public struct SigningProfile: Sendable, Hashable {
    public let name: String
    /// SignedInfo's canonicalization.
    public let canonicalization: String
    /// Transforms after enveloped-signature.
    public let c14nTransform: String

    /// The hub's own: exclusive C14N throughout.
    public static let standard = SigningProfile(
        name: "standard", canonicalization: XMLDSigURI.exclusiveC14N, c14nTransform: XMLDSigURI.exclusiveC14N)
    /// The shape NCALayer (Kazakhstan's signing application) produces: inclusive C14N for SignedInfo,
    /// enveloped + C14N-with-comments on the reference.
    public static let ncaLayer = SigningProfile(
        name: "ncalayer", canonicalization: XMLDSigURI.inclusiveC14N,
        c14nTransform: XMLDSigURI.inclusiveC14NWithComments)

    public static let all: [SigningProfile] = [.standard, .ncaLayer]
}

/// Signs documents with one key and certificate. Safe to share across threads: the xmlsec key is built once
/// and lent to each signature context (rebuilding it per signature costs two thirds of the time).
public final class DocumentSigner: @unchecked Sendable {
    public let certificate: Certificate
    public let profile: SigningProfile
    public let algorithm: SignatureAlgorithm
    private let key: SigningKey

    /// The key as its engine needs it.
    private enum SigningKey {
        case xmlsec(XMLSecKey)
        case gost(GOSTPrivateKey)
    }

    /// - Throws: `KEY_INVALID` when the key does not match the certificate or is of an unsupported kind,
    ///   `SIG_KEY_TOO_WEAK` for RSA under 2048 bits.
    public init(key: PrivateKey, certificate: Certificate, profile: SigningProfile = .standard) throws {
        _ = LibraryRuntime.ready
        guard key.matches(certificate) else {
            OpenSSL.clearErrors()
            throw TanbaError(.keyInvalid, "the private key does not belong to the certificate \(certificate.subject)")
        }
        let info = key.info
        switch info.kind {
        case .rsa: algorithm = .rsaSHA256
        case .ec where info.bits == 256: algorithm = .ecdsaSHA256
        case .ec where info.bits == 384: algorithm = .ecdsaSHA384
        case .gost: algorithm = .gost2015_512
        default: throw TanbaError(.keyInvalid, "keys of type \(info) cannot sign XMLDSig here")
        }
        guard info.bits >= algorithm.minimumKeyBits else {
            throw TanbaError(.sigKeyTooWeak, "\(info) is too weak; at least \(algorithm.minimumKeyBits) bits")
        }
        self.certificate = certificate
        self.profile = profile
        guard let evp = key.evp else {
            self.key = .gost(key.gost!)
            return
        }
        EVP_PKEY_up_ref(evp)  // adopted by the xmlsec key
        let xmlsecKey = try XMLSecKey(adopting: evp)
        let der = certificate.der
        let loaded = der.withUnsafeBufferPointer {
            xmlSecOpenSSLAppKeyCertLoadMemory(
                xmlsecKey.pointer, $0.baseAddress, UInt32($0.count), xmlSecKeyDataFormatDer)
        }
        guard loaded >= 0 else { throw TanbaError(.keyInvalid, "xmlsec cannot attach the certificate to the key") }
        self.key = .xmlsec(xmlsecKey)
    }

    /// Loads a PEM key and certificate from files.
    public convenience init(keyFile: URL, certificateFile: URL, profile: SigningProfile = .standard) throws {
        let key = try PrivateKey(contentsOf: keyFile)
        guard let certificate = try Certificate.load(contentsOf: certificateFile).first else {
            throw TanbaError(.certMalformed, "no certificate in \(certificateFile.path)")
        }
        try self.init(key: key, certificate: certificate, profile: profile)
    }

    /// Adds an enveloped signature as the last child of the root, in place.
    /// - Throws: `SIG_MULTIPLE` if the document is already signed.
    public func sign(_ document: XMLDocument) throws {
        let root = document.root
        if let existing = root.descendants(named: "Signature", namespace: XMLDSigURI.namespace).first {
            throw TanbaError(.sigMultiple, "the document is already signed", line: existing.line, path: existing.path)
        }
        let xmlsecKey: XMLSecKey
        switch key {
        case .gost(let gost):
            return try NativeDSig.sign(document, key: gost, certificate: certificate, profile: profile)
        case .xmlsec(let key): xmlsecKey = key
        }
        guard case .xmlsec(let method) = algorithm.engine,
            let c14n = XMLSecTransform(uri: profile.canonicalization),
            let transform = XMLSecTransform(uri: profile.c14nTransform)
        else { throw TanbaError(.internal, "no xmlsec engine for \(algorithm)") }

        guard let signature = xmlSecTmplSignatureCreateNsPref(document.pointer, c14n.id, method.id, nil, "ds") else {
            throw TanbaError(.internal, "xmlSecTmplSignatureCreate failed")
        }
        guard xmlAddChild(root.node, signature) != nil else {
            xmlFreeNode(signature)
            throw TanbaError(.internal, "cannot add the signature template")
        }
        var completed = false
        defer {
            if !completed {  // leave the document as it was
                xmlUnlinkNode(signature)
                xmlFreeNode(signature)
            }
        }
        guard let reference = xmlSecTmplSignatureAddReference(signature, XMLSecTransform.sha256.id, nil, "", nil),
            xmlSecTmplReferenceAddTransform(reference, XMLSecTransform.enveloped.id) != nil,
            xmlSecTmplReferenceAddTransform(reference, transform.id) != nil,
            let keyInfo = xmlSecTmplSignatureEnsureKeyInfo(signature, nil),
            let x509 = xmlSecTmplKeyInfoAddX509Data(keyInfo),
            xmlSecTmplX509DataAddCertificate(x509) != nil
        else { throw TanbaError(.internal, "cannot build the signature template") }

        guard let context = xmlSecDSigCtxCreate(nil) else { throw TanbaError(.internal, "xmlSecDSigCtxCreate failed") }
        defer {
            context.pointee.signKey = nil  // lent
            xmlSecDSigCtxDestroy(context)
        }
        context.pointee.signKey = xmlsecKey.pointer
        let (rc, messages) = XMLSecErrors.collecting { xmlSecDSigCtxSign(context, signature) }
        defer { OpenSSL.clearErrors() }
        guard rc >= 0 else { throw TanbaError(.internal, "signing failed: \(messages.last ?? "xmlsec error")") }
        completed = true
    }

    /// Parses, signs and serialises a document.
    public func sign(_ bytes: [UInt8], limits: ParseLimits = .default) throws -> [UInt8] {
        let document = try XMLDocument.parse(bytes, limits: limits)
        try sign(document)
        return document.serialized()
    }
}
