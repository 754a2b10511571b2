internal import COpenSSL
import TanbaErrors

/// GOST R 34.11-2012 (Streebog) from Debian's maintained gost provider (`libengine-gost-openssl`, `gostprov`).
///
/// The provider has digests only (no keys), which is what this is for. Loaded once per process next to the
/// default provider (loading one provider explicitly stops OpenSSL from auto-loading the default one).
enum Streebog {
    /// The fetched `md_gost12_512` method, or why it is unavailable. An `EVP_MD` is immutable and shared
    /// by OpenSSL across threads.
    nonisolated(unsafe) private static let method: Result<OpaquePointer, TanbaError> = {
        _ = LibraryRuntime.ready
        guard OSSL_PROVIDER_load(nil, "default") != nil, OSSL_PROVIDER_load(nil, "gostprov") != nil else {
            let reason = OpenSSL.lastError()
            return .failure(
                TanbaError(
                    .configInvalid,
                    "the GOST provider (gostprov from libengine-gost-openssl) cannot be loaded: \(reason)"))
        }
        guard let md = EVP_MD_fetch(nil, "md_gost12_512", nil) else {
            return .failure(TanbaError(.configInvalid, "Streebog-512 is not available: \(OpenSSL.lastError())"))
        }
        return .success(md)
    }()

    /// The digest method, for a running digest (`DigestStream`).
    static func md() throws -> OpaquePointer { try method.get() }

    /// Streebog-512 of `bytes`, in the byte order the standard's examples print and XMLDSig carries.
    static func hash512(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        let md = try method.get()
        var digest = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        guard EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, md, nil) == 1, length == 64 else {
            throw TanbaError(.internal, "Streebog-512 failed: \(OpenSSL.lastError())")
        }
        return digest
    }

    static func hash512(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try hash512($0) }
    }
}
