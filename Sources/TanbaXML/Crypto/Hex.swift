/// Lowercase hexadecimal, as digests are written in the store, receipts and the audit trail.
///
/// Why not `String(format: "%02x")`: on Linux that goes through Foundation's formatter for every byte, which
/// showed up in profiles of small documents (two digests per document, one per audit entry).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
