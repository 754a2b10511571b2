internal import COpenSSL
import Foundation
import SwiftASN1
import TanbaErrors

/// Kazakh GOST 34.10-2015 (512-bit) as NCA RK and its signing software (Kalkan, NCALayer) encode it.
///
/// The arithmetic is GOST R 34.10-2012 on the 512-bit paramSetA curve (`GOSTCurve`) with Streebog-512. What
/// is Kazakh is the byte layout: the hash is read as a little-endian integer, a signature is r ‖ s with each
/// half little-endian, and a public key is an OCTET STRING holding x ‖ y, each little-endian. Every other
/// layout fails against real NCALayer signatures (the vectors in ../shared/vectors/kz-gost).
enum KazakhGOST {
    /// Public-key algorithm GOST 34.10-2015 512.
    static let publicKeyAlgorithm = "1.2.398.3.10.1.1.2.2"
    /// Its curve: the same as id-tc26-gost-3410-12-512-paramSetA.
    static let curveParameters = "1.2.398.3.10.1.1.2.2.1"
    /// GOST 34.11-2015 (Streebog) 512.
    static let hashAlgorithm = "1.2.398.3.10.1.3.3"
    /// Certificate and CRL signature algorithm GOST 34.10-2015 512 with GOST 34.11-2015 512.
    static let signatureAlgorithm = "1.2.398.3.10.1.1.2.3.2"

    static let curve = GOSTCurve.paramSetA512
    static let size = 64

    /// The hash of `message` as the big-endian integer the curve arithmetic takes.
    static func hashInteger(_ message: [UInt8]) throws -> [UInt8] { Array(try Streebog.hash512(message).reversed()) }

    /// Verifies a Kazakh-layout signature (r_LE ‖ s_LE) over `message`.
    static func verify(message: [UInt8], signature: [UInt8], publicKey: GOSTPublicKey) throws -> Bool {
        guard signature.count == 2 * size else { return false }
        let r = Array(signature[0..<size].reversed())
        let s = Array(signature[size...].reversed())
        return curve.verify(hash: try hashInteger(message), r: r, s: s, publicKey: (publicKey.x, publicKey.y))
    }

    /// Signs `message`, returning r_LE ‖ s_LE.
    static func sign(message: [UInt8], key: GOSTPrivateKey) throws -> [UInt8] {
        let (r, s) = try curve.sign(hash: try hashInteger(message), privateKey: key.scalar)
        return Array(r.reversed()) + Array(s.reversed())
    }

    /// The AlgorithmIdentifier of a GOST public key: the algorithm with {curve, hash} parameters.
    static func serializePublicKeyAlgorithm(_ coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(ASN1ObjectIdentifier(dotRepresentation: publicKeyAlgorithm))
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(ASN1ObjectIdentifier(dotRepresentation: curveParameters))
                try coder.serialize(ASN1ObjectIdentifier(dotRepresentation: hashAlgorithm))
            }
        }
    }
}

/// A Kazakh GOST 34.10-2015 public key (coordinates big-endian).
struct GOSTPublicKey: Sendable, Hashable {
    let x: [UInt8]
    let y: [UInt8]

    /// Reads the key of a certificate whose public-key algorithm is Kazakh GOST 2015-512.
    init(certificate: Certificate) throws {
        guard let raw = certificate.rawPublicKey, raw.algorithm == KazakhGOST.publicKeyAlgorithm else {
            throw TanbaError(.certMalformed, "the certificate's key is not a Kazakh GOST 34.10-2015 key")
        }
        try self.init(subjectPublicKey: raw.key)
    }

    /// From the SubjectPublicKeyInfo BIT STRING's content: an OCTET STRING with x_LE ‖ y_LE.
    init(subjectPublicKey bytes: [UInt8]) throws {
        guard let node = try? DER.parse(bytes), case .primitive(let content) = node.content,
            node.identifier == .octetString, content.count == 2 * KazakhGOST.size
        else { throw TanbaError(.certMalformed, "a GOST public key must be an OCTET STRING of 128 bytes") }
        x = Array(content.prefix(KazakhGOST.size).reversed())
        y = Array(content.suffix(KazakhGOST.size).reversed())
    }

    init(x: [UInt8], y: [UInt8]) {
        self.x = x
        self.y = y
    }

    /// The SubjectPublicKeyInfo DER.
    func subjectPublicKeyInfo() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try KazakhGOST.serializePublicKeyAlgorithm(&coder)
            try coder.serialize(ASN1BitString(bytes: ArraySlice(bitStringContent)))
        }
        return coder.serializedBytes
    }

    /// OCTET STRING(x_LE ‖ y_LE), the BIT STRING's content.
    var bitStringContent: [UInt8] {
        var coder = DER.Serializer()
        try! coder.serialize(ASN1OctetString(contentBytes: ArraySlice(Array(x.reversed()) + Array(y.reversed()))))
        return coder.serializedBytes
    }
}

/// A Kazakh GOST 34.10-2015 private key, stored as PKCS#8 ("PRIVATE KEY" PEM) with the Kazakh OIDs and the
/// scalar little-endian, like the public key.
final class GOSTPrivateKey: @unchecked Sendable {
    /// d, big-endian.
    let scalar: [UInt8]
    let publicKey: GOSTPublicKey

    init(scalar: [UInt8]) throws {
        self.scalar = scalar
        let (x, y) = try KazakhGOST.curve.publicKey(privateKey: scalar)
        publicKey = GOSTPublicKey(x: x, y: y)
    }

    static func generate() throws -> GOSTPrivateKey { try GOSTPrivateKey(scalar: KazakhGOST.curve.randomPrivateKey()) }

    /// Reads PKCS#8 DER; nil when it is not a Kazakh GOST key.
    convenience init?(pkcs8 der: [UInt8]) throws {
        guard let root = try? DER.parse(der), case .constructed(let fields) = root.content else { return nil }
        let nodes = Array(fields)
        guard nodes.count >= 3, case .constructed(let algorithm) = nodes[1].content,
            let oid = Array(algorithm).first.flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }),
            oid.description == KazakhGOST.publicKeyAlgorithm,
            case .primitive(let wrapped) = nodes[2].content,
            let inner = try? DER.parse(Array(wrapped)), case .primitive(let scalar) = inner.content,
            scalar.count == KazakhGOST.size
        else { return nil }
        try self.init(scalar: Array(scalar.reversed()))
    }

    /// PKCS#8 DER.
    func pkcs8() throws -> [UInt8] {
        var inner = DER.Serializer()
        try inner.serialize(ASN1OctetString(contentBytes: ArraySlice(scalar.reversed())))
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(0)
            try KazakhGOST.serializePublicKeyAlgorithm(&coder)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(inner.serializedBytes)))
        }
        return coder.serializedBytes
    }
}
