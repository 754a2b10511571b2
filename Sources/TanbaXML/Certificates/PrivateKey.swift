internal import COpenSSL
public import Foundation
import SwiftASN1
import TanbaErrors

/// A private key: an OpenSSL `EVP_PKEY` (RSA, ECDSA) or a Kazakh GOST 34.10-2015 key, which OpenSSL cannot
/// hold. Owned and freed by this object.
public final class PrivateKey: @unchecked Sendable {
    private enum Storage {
        case evp(OpaquePointer)
        case gost(GOSTPrivateKey)
    }
    private let storage: Storage

    init(owning pointer: OpaquePointer) { storage = .evp(pointer) }
    init(gost: GOSTPrivateKey) { storage = .gost(gost) }
    deinit { if case .evp(let pointer) = storage { EVP_PKEY_free(pointer) } }

    /// The OpenSSL key, nil for GOST keys.
    var evp: OpaquePointer? {
        if case .evp(let pointer) = storage { return pointer }
        return nil
    }

    /// The GOST key, nil for OpenSSL keys.
    var gost: GOSTPrivateKey? {
        if case .gost(let key) = storage { return key }
        return nil
    }

    /// The kinds of key the hub can generate.
    public enum Kind: Sendable, Hashable, Codable {
        case rsa(bits: Int)
        case ecP256
        /// Kazakh GOST 34.10-2015, 512 bits (what NCA RK issues since 2024).
        case gost2015
    }

    /// Generates a new key.
    public static func generate(_ kind: Kind) throws -> PrivateKey {
        _ = LibraryRuntime.ready
        let id: Int32
        switch kind {
        case .rsa: id = EVP_PKEY_RSA
        case .ecP256: id = EVP_PKEY_EC
        case .gost2015: return PrivateKey(gost: try GOSTPrivateKey.generate())
        }
        guard let context = EVP_PKEY_CTX_new_id(id, nil) else {
            throw TanbaError(.internal, "EVP_PKEY_CTX_new_id failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw TanbaError(.internal, OpenSSL.lastError()) }
        switch kind {
        case .rsa(let bits): EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits))
        case .ecP256: EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1)
        case .gost2015: break
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw TanbaError(.internal, "key generation failed: \(OpenSSL.lastError())")
        }
        return PrivateKey(owning: key)
    }

    /// Reads an unencrypted PEM private key: PKCS#8 or traditional for RSA/ECDSA, PKCS#8 for Kazakh GOST.
    /// - Throws: `KEY_INVALID`.
    public convenience init(pem: [UInt8]) throws {
        _ = LibraryRuntime.ready
        if let key = try OpenSSL.withMemoryBIO(pem, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) {
            self.init(owning: key)
            return
        }
        let reason = OpenSSL.lastError()
        if let document = try? PEMDocument(pemString: String(decoding: pem, as: UTF8.self)),
            document.discriminator == "PRIVATE KEY", let gost = try GOSTPrivateKey(pkcs8: document.derBytes)
        {
            self.init(gost: gost)
            return
        }
        throw TanbaError(.keyInvalid, "not a PEM private key: \(reason)")
    }

    /// Reads a PEM private key file.
    public convenience init(contentsOf url: URL) throws {
        try self.init(pem: Array(readFile(url, limit: 1 << 20)))
    }

    /// PKCS#8 PEM encoding (unencrypted: test PKI and demo keys only).
    public var pem: String {
        switch storage {
        case .evp(let pointer):
            let bytes =
                (try? OpenSSL.writingMemoryBIO { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) }) ?? []
            return String(decoding: bytes, as: UTF8.self)
        case .gost(let key):
            return ((try? PEMDocument(type: "PRIVATE KEY", derBytes: key.pkcs8()).pemString) ?? "") + "\n"
        }
    }

    /// The algorithm and size of the key.
    public var info: PublicKeyInfo {
        switch storage {
        case .evp(let pointer): PublicKeyInfo(pointer)
        case .gost: .kazakhGOST512
        }
    }

    /// Whether `certificate` carries this key's public half.
    public func matches(_ certificate: Certificate) -> Bool {
        switch storage {
        case .evp(let pointer):
            defer { OpenSSL.clearErrors() }
            return X509_check_private_key(certificate.pointer, pointer) == 1
        case .gost(let key):
            return (try? GOSTPublicKey(certificate: certificate)) == key.publicKey
        }
    }
}
