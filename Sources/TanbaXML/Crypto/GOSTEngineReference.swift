internal import COpenSSL
import Foundation
import TanbaErrors

/// The gost engine's own GOST R 34.10-2012 512-bit sign and verify rates on paramSetA, measured in-process:
/// the `openssl speed`-style reference `make bench` prints beside Tanba's figures (`openssl speed` itself has
/// no GOST signature test). Uses the deprecated ENGINE API because the gost provider offers no keys.
public enum GOSTEngineReference {
    /// Operations per second over about `seconds` each, on a 64-byte message with Streebog-512.
    public static func rates(seconds: Double = 1) throws -> (sign: Double, verify: Double) {
        _ = LibraryRuntime.ready
        guard let engine = ENGINE_by_id("gost") else {
            throw TanbaError(.configInvalid, "the gost engine is not installed (libengine-gost-openssl)")
        }
        defer { ENGINE_free(engine) }
        // ENGINE_METHOD_ALL (0xFFFF, a cast macro Swift cannot import), as `openssl -engine gost` does; the engine serves its own algorithms (GOST only) in this process.
        guard ENGINE_init(engine) == 1, ENGINE_set_default(engine, 0xFFFF) == 1 else {
            throw TanbaError(.configInvalid, "the gost engine does not start: \(OpenSSL.lastError())")
        }
        defer { ENGINE_finish(engine) }
        guard let md = ENGINE_get_digest(engine, NID_id_GostR3411_2012_512),
            let keyContext = EVP_PKEY_CTX_new_id(NID_id_GostR3410_2012_512, engine)
        else { throw TanbaError(.configInvalid, "the gost engine has no GOST 2012-512: \(OpenSSL.lastError())") }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(keyContext) == 1, EVP_PKEY_CTX_ctrl_str(keyContext, "paramset", "A") > 0,
            EVP_PKEY_keygen(keyContext, &key) == 1, let key
        else { throw TanbaError(.internal, "gost engine key generation failed: \(OpenSSL.lastError())") }
        defer { EVP_PKEY_free(key) }

        let message = [UInt8](repeating: 0x5A, count: 64)
        var signature = [UInt8](repeating: 0, count: 128)
        let sign = try operationsPerSecond(seconds) {
            guard let context = EVP_MD_CTX_new() else { throw TanbaError(.internal, "EVP_MD_CTX_new failed") }
            defer { EVP_MD_CTX_free(context) }
            var length = signature.count
            guard EVP_DigestSignInit(context, nil, md, engine, key) == 1,
                EVP_DigestSign(context, &signature, &length, message, message.count) == 1
            else { throw TanbaError(.internal, "gost engine signing failed: \(OpenSSL.lastError())") }
        }
        let verify = try operationsPerSecond(seconds) {
            guard let context = EVP_MD_CTX_new() else { throw TanbaError(.internal, "EVP_MD_CTX_new failed") }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestVerifyInit(context, nil, md, engine, key) == 1,
                EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
            else { throw TanbaError(.internal, "gost engine verification failed: \(OpenSSL.lastError())") }
        }
        return (sign, verify)
    }
}

/// Tanba's own GOST signature rate on the same 64-byte message, for the same table.
public enum GOSTPrimitiveRate {
    public static func rates(seconds: Double = 1) throws -> (sign: Double, verify: Double) {
        let key = try GOSTPrivateKey.generate()
        let message = [UInt8](repeating: 0x5A, count: 64)
        var signature: [UInt8] = []
        let sign = try operationsPerSecond(seconds) { signature = try KazakhGOST.sign(message: message, key: key) }
        let verify = try operationsPerSecond(seconds) {
            guard try KazakhGOST.verify(message: message, signature: signature, publicKey: key.publicKey) else {
                throw TanbaError(.internal, "GOST self-check failed")
            }
        }
        return (sign, verify)
    }
}

/// How often `body` runs per second, over about `seconds`.
private func operationsPerSecond(_ seconds: Double, _ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    let deadline = start + UInt64(seconds * 1e9)
    var count = 0
    while DispatchTime.now().uptimeNanoseconds < deadline {
        try body()
        count += 1
    }
    return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
