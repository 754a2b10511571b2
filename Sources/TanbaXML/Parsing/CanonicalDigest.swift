internal import CLibXML2
internal import COpenSSL
import TanbaErrors

extension XMLDocument {
    /// SHA-256 (lowercase hex) of the whole document in Canonical XML 1.0 without comments.
    ///
    /// Why canonical and not the bytes: the same signed document reaches the hub through different channels
    /// (an ERP's HTTP client, a drop folder written on Windows, a browser upload), which may change the XML
    /// declaration, the encoding, line endings (CRLF), attribute quoting or order, `<a/>` against `<a></a>`,
    /// or add comments. None of that changes what was signed, so none of it may make the document a new one:
    /// the hub answers it with its original receipt. The canonical form is streamed into the hash, never held
    /// in memory (an accompanying document may have hundreds of thousands of codes).
    public func canonicalDigest() throws -> String {
        let sink = DigestSink()
        guard let context = EVP_MD_CTX_new() else { throw TanbaError(.internal, "EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw TanbaError(.internal, "SHA-256 is unavailable: \(OpenSSL.lastError())")
        }
        sink.context = context
        let opaque = Unmanaged.passUnretained(sink).toOpaque()
        let result: Int32 = withExtendedLifetime(sink) {
            // The buffer owns nothing of ours: its close callback is nil, `sink` outlives it.
            guard let buffer = xmlOutputBufferCreateIO(Self.write, nil, opaque, nil) else { return -1 }
            let status = xmlC14NExecute(pointer, nil, nil, Int32(XML_C14N_1_0.rawValue), nil, 0, buffer)
            let closed = xmlOutputBufferClose(buffer)
            return status < 0 || closed < 0 ? -1 : 0
        }
        guard result == 0, !sink.failed else { throw TanbaError(.internal, "canonicalization failed") }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
            throw TanbaError(.internal, "SHA-256 failed: \(OpenSSL.lastError())")
        }
        return Hex.encode(digest)
    }

    /// libxml2's output callback: every chunk of the canonical form goes into the running hash.
    private static let write: xmlOutputWriteCallback = { opaque, bytes, length in
        guard let opaque else { return -1 }
        let sink = Unmanaged<DigestSink>.fromOpaque(opaque).takeUnretainedValue()
        guard length >= 0, let context = sink.context else { return -1 }
        if length > 0, EVP_DigestUpdate(context, bytes, Int(length)) != 1 {
            sink.failed = true
            return -1
        }
        return length
    }
}

/// The hash context the output callback writes into (reached through libxml2's `void *`).
private final class DigestSink {
    var context: OpaquePointer?
    var failed = false
}
