import Foundation

/// The text of a keyset cursor over a list ordered newest first by a stored time and then a unique text key, as
/// clients see it: base64url (no padding) of `<tag>|<seconds>|<key>`. One encoding for every such list
/// (`DocumentCursor`, `MoFCursor`); the tag says whose list a cursor is, so that one list's cursor is
/// refused by another rather than read as a position in it.
///
/// The time travels as the exact stored number (Swift writes a `Double` so that it reads back to the same value):
/// a rounded time would repeat or skip the rows stored in the same instant as a page's last one.
enum OpaqueCursor {
    /// The longest cursor read: far more than any the hub gives out, and short enough that a made-up one costs
    /// nothing to refuse.
    static let maxLength = 512

    static func encode(tag: String, seconds: Double, key: String) -> String {
        Data("\(tag)|\(seconds)|\(key)".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The time and key of a cursor written with `tag`; nil for anything else (a damaged, made-up or foreign
    /// string, another list's cursor).
    static func decode(_ text: String, tag: String) -> (seconds: Double, key: String)? {
        guard text.count <= maxLength,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = plain.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == tag, let seconds = Double(parts[1]), seconds.isFinite, !parts[2].isEmpty,
            !parts[2].unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return (seconds, String(parts[2]))
    }
}
