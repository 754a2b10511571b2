import Foundation

/// The text of a keyset cursor as clients see it: base64url (no padding) of `<tag>|<position>|<key>`, where the
/// position is where the last row a page showed stands in the list's order and the key (which may hold `|`) tells it
/// from the rows beside it. Lists ordered newest first by a stored time write the time as the position
/// (`DocumentCursor`, `MoFCursor`); the SNTs in force, ordered by day, write the day (`SNTCursor`). One encoding for
/// every list; the tag says whose list a cursor is, so that one list's cursor is refused by another rather than read
/// as a position in it.
///
/// The time travels as the exact stored number (Swift writes a `Double` so that it reads back to the same value):
/// a rounded time would repeat or skip the rows stored in the same instant as a page's last one.
enum OpaqueCursor {
    /// The longest cursor read: far more than any the hub gives out, and short enough that a made-up one costs
    /// nothing to refuse.
    static let maxLength = 512

    static func encode(tag: String, seconds: Double, key: String) -> String {
        encode(tag: tag, position: "\(seconds)", key: key)
    }

    static func encode(tag: String, position: String, key: String) -> String {
        Data("\(tag)|\(position)|\(key)".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The time and key of a cursor written with `tag`; nil for anything else (a damaged, made-up or foreign
    /// string, another list's cursor).
    static func decode(_ text: String, tag: String) -> (seconds: Double, key: String)? {
        guard let decoded = decodePosition(text, tag: tag), let seconds = Double(decoded.position), seconds.isFinite
        else { return nil }
        return (seconds, decoded.key)
    }

    /// The position and key of a cursor written with `tag`, as text; nil for anything else. The caller checks that
    /// the position is one of its list's.
    static func decodePosition(_ text: String, tag: String) -> (position: String, key: String)? {
        guard text.count <= maxLength,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = plain.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == tag, !parts[2].isEmpty,
            !parts[2].unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return (String(parts[1]), String(parts[2]))
    }
}
