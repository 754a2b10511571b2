/// Text written into XML the hub makes itself (receipts, drafts, requests to sign): the five markup characters
/// escaped, and the control characters XML 1.0 does not allow dropped (a pasted one must not make the document
/// unreadable).
public enum XMLText {
    public static func escape(_ text: String) -> String {
        // Most text (code ids, BINs, numbers) has nothing to escape: one pass over the bytes says so.
        guard
            text.utf8.contains(where: {
                $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27
            })
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r", "\r\n": out.append(character)
            case _ where character.unicodeScalars.allSatisfy({ $0.value < 0x20 }): continue
            default: out.append(character)
            }
        }
        return out
    }
}
