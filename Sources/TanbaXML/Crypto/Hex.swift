/// Lowercase hexadecimal, as digests are written in the store, receipts and the audit trail.
///
/// Why not `String(format: "%02x")`: on Linux that goes through Foundation's formatter for every byte, which
/// showed up in profiles of small documents (two digests per document, one per audit entry).
public enum Hex {
    @usableFromInline static let digits = Array("0123456789abcdef".utf8)

    /// Inlined so that the caller's sequence (a digest, an array) is copied once in its own specialised code:
    /// iterated here through the generic witness, a SHA-256 digest cost 18,000 instructions (a fiscal batch writes
    /// one per receipt).
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Array(bytes).withUnsafeBytes { encode(buffer: $0) }
    }

    /// The bytes of a buffer, written straight into the string's storage.
    public static func encode(buffer: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: buffer.count * 2) { out in
            for (index, byte) in buffer.enumerated() {
                out[2 * index] = digits[Int(byte >> 4)]
                out[2 * index + 1] = digits[Int(byte & 0x0f)]
            }
            return buffer.count * 2
        }
    }
}
