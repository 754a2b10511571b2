internal import COpenSSL
import TanbaErrors

/// A certificate's RSA or EC public key as OpenSSL holds it, owned by this object; read-only once made, so one key
/// verifies on many threads at once (each verification has its own context).
final class EVPPublicKey: @unchecked Sendable {
    let pointer: OpaquePointer
    let kind: PublicKeyInfo.Kind
    /// The length of each of an ECDSA signature's two halves, r and s, in XMLDSig's form: the group order's bytes.
    private let halfLength: Int

    /// - Throws: `CERT_MALFORMED` when the key cannot be read.
    init(publicKeyOf certificate: Certificate) throws {
        guard let evp = X509_get_pubkey(certificate.pointer) else {  // a new reference, freed in deinit
            throw TanbaError(.certMalformed, "the certificate's public key cannot be read")
        }
        pointer = evp
        kind = PublicKeyInfo(evp).kind
        halfLength = (Int(EVP_PKEY_get_bits(evp)) + 7) / 8
    }

    deinit { EVP_PKEY_free(pointer) }

    /// Whether `signature`, as XMLDSig carries it, is this key's signature of `message` with `digest`.
    ///
    /// RSA: PKCS #1 v1.5 (XMLDSig's `rsa-sha*`), the value as is. ECDSA: XMLDSig (RFC 4050, RFC 6931) carries r and s
    /// as two big-endian integers of the group order's length, concatenated; OpenSSL wants them DER-encoded. A value
    /// of any other length is no signature (as xmlsec1 rules).
    func verifies(_ signature: [UInt8], over message: [UInt8], digest: OpaquePointer) throws -> Bool {
        let encoded: [UInt8]
        switch kind {
        case .rsa: encoded = signature
        case .ec:
            guard signature.count == 2 * halfLength, let der = Self.der(ecdsa: signature) else { return false }
            encoded = der
        default: return false
        }
        guard let context = EVP_MD_CTX_new() else { throw TanbaError(.internal, "EVP_MD_CTX_new failed") }
        defer {
            EVP_MD_CTX_free(context)
            OpenSSL.clearErrors()  // a failed verification leaves its reason on the thread's queue
        }
        var keyContext: OpaquePointer? = nil
        guard EVP_DigestVerifyInit(context, &keyContext, digest, nil, pointer) == 1 else {
            throw TanbaError(.internal, "the signature check cannot start: \(OpenSSL.lastError())")
        }
        if kind == .rsa, EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) != 1 {
            throw TanbaError(.internal, "PKCS #1 v1.5 padding cannot be set: \(OpenSSL.lastError())")
        }
        return EVP_DigestVerify(context, encoded, encoded.count, message, message.count) == 1
    }

    /// r ‖ s as the DER `ECDSA-Sig-Value` OpenSSL verifies.
    private static func der(ecdsa value: [UInt8]) -> [UInt8]? {
        let half = value.count / 2
        guard let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let r = value.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(half), nil) }
        let s = value.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + half, Int32(half), nil) }
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_ECDSA_SIG(signature, &out)
        guard length > 0, let out else { return nil }
        defer { tanba_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }
}
