internal import COpenSSL
public import Foundation
import TanbaErrors

/// A private key (OpenSSL `EVP_PKEY`), owned and freed by this object.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// The kinds of key the hub can generate.
    public enum Kind: Sendable, Hashable, Codable {
        case rsa(bits: Int)
        case ecP256
    }

    /// Generates a new key.
    public static func generate(_ kind: Kind) throws -> PrivateKey {
        _ = LibraryRuntime.ready
        let id =
            switch kind {
            case .rsa: EVP_PKEY_RSA
            case .ecP256: EVP_PKEY_EC
            }
        guard let context = EVP_PKEY_CTX_new_id(id, nil) else {
            throw TanbaError(.internal, "EVP_PKEY_CTX_new_id failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw TanbaError(.internal, OpenSSL.lastError()) }
        switch kind {
        case .rsa(let bits): EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits))
        case .ecP256: EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1)
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw TanbaError(.internal, "key generation failed: \(OpenSSL.lastError())")
        }
        return PrivateKey(owning: key)
    }

    /// Reads an unencrypted PEM private key (PKCS#8 or traditional).
    /// - Throws: `KEY_INVALID`.
    public convenience init(pem: [UInt8]) throws {
        _ = LibraryRuntime.ready
        let key = try OpenSSL.withMemoryBIO(pem) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        guard let key else { throw TanbaError(.keyInvalid, "not a PEM private key: \(OpenSSL.lastError())") }
        self.init(owning: key)
    }

    /// Reads a PEM private key file.
    public convenience init(contentsOf url: URL) throws {
        try self.init(pem: Array(readFile(url, limit: 1 << 20)))
    }

    /// PKCS#8 PEM encoding (unencrypted: test PKI and demo keys only).
    public var pem: String {
        let bytes =
            (try? OpenSSL.writingMemoryBIO { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) }) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The algorithm and size of the key.
    public var info: PublicKeyInfo { PublicKeyInfo(pointer) }

    /// Whether `certificate` carries this key's public half.
    public func matches(_ certificate: Certificate) -> Bool {
        X509_check_private_key(certificate.pointer, pointer) == 1
    }
}
