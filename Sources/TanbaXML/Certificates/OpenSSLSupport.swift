internal import COpenSSL
import Foundation
import SwiftASN1
import TanbaErrors

/// Small helpers at the OpenSSL boundary. Every function here frees what it allocates.
enum OpenSSL {
    /// The newest OpenSSL error queue entry as text, and clears the queue (it is per thread).
    static func lastError() -> String {
        var text = ""
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            text = String(cString: buffer, truncatingNull: true)
        }
        return text.isEmpty ? "no OpenSSL error recorded" : text
    }

    static func clearErrors() { ERR_clear_error() }

    /// Runs `body` with a read-only memory BIO over `bytes`.
    static func withMemoryBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                throw TanbaError(.internal, "BIO_new_mem_buf failed")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `body` with a writable memory BIO and returns what it wrote.
    static func writingMemoryBIO(_ body: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TanbaError(.internal, "BIO_new failed") }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw TanbaError(.internal, "OpenSSL could not encode: \(lastError())") }
        var data: UnsafeMutablePointer<CChar>? = nil
        let count = tanba_bio_get_mem_data(bio, &data)
        guard let data, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: count))
    }

    /// The dotted text of an ASN.1 object identifier, e.g. `1.2.398.3.3.4.1.2`.
    static func oidText(_ object: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let count = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        return count > 0 ? String(cString: buffer, truncatingNull: true) : ""
    }

    /// An ASN1_STRING as UTF-8.
    static func string(_ asn1: UnsafePointer<ASN1_STRING>?) -> String {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let count = ASN1_STRING_to_UTF8(&out, asn1)
        guard count >= 0, let out else { return "" }
        defer { tanba_openssl_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(count)), as: UTF8.self)
    }

    /// An ASN1_TIME as a Date.
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }
}

extension OpenSSL {
    /// The signature algorithm OID of a certificate, read from its structure when OpenSSL has no NID for it.
    static func signatureAlgorithmOID(of x509: OpaquePointer) -> String {
        var algorithm: UnsafePointer<X509_ALGOR>? = nil
        X509_get0_signature(nil, &algorithm, x509)
        var object: OpaquePointer? = nil
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return oidText(object)
    }

    /// Splits a signed X.509 structure (certificate or CRL) into the bytes that were signed, exactly as
    /// encoded, and the signature's BIT STRING content.
    static func signedParts(_ der: [UInt8]) -> (tbs: [UInt8], signature: [UInt8])? {
        guard let root = try? DER.parse(der), case .constructed(let children) = root.content else { return nil }
        let nodes = Array(children)
        guard nodes.count == 3, case .primitive(let bits) = nodes[2].content, bits.first == 0 else { return nil }
        return (Array(nodes[0].encodedBytes), Array(bits.dropFirst()))
    }
}

extension [UInt8] {
    /// Whether the bytes look like PEM text rather than DER.
    var looksLikePEM: Bool {
        let marker = Array("-----BEGIN".utf8)
        guard count >= marker.count else { return false }
        return withUnsafeBufferPointer { buffer in
            (0...(buffer.count - marker.count)).contains { i in
                buffer[i] == marker[0] && Array(buffer[i..<(i + marker.count)]) == marker
            }
        }
    }
}

extension String {
    /// Decodes a NUL-terminated C string held in a Swift array.
    init(cString buffer: [CChar], truncatingNull: Bool) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
