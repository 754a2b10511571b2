import TanbaCore
import TanbaErrors

/// The public check's JSON, written directly: the check is the hub's busiest answer, and Foundation's encoder
/// took a third of its time. The bytes are JSONEncoder's with `.sortedKeys` (keys in order, nil left out, `/`
/// escaped as `\/`): `PublicCheckJSONTests` holds the two equal for every kind of answer.
extension PublicCheck {
    package var jsonBytes: [UInt8] {
        var out = JSONText(capacity: 1024)
        out.open()
        out.field("authenticity", authenticity.rawValue)
        out.field("brand", brand)
        out.field("code", code)
        if let contents {
            out.key("contents")
            out.bytes.append(UInt8(ascii: "["))
            for (index, line) in contents.enumerated() {
                if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
                var item = JSONText()
                item.open()
                item.field("count", line.count)
                item.field("gtin", line.gtin)
                item.field("level", line.level)
                item.field("name", line.name)
                item.close()
                out.bytes += item.bytes
            }
            out.bytes.append(UInt8(ascii: "]"))
        }
        out.field("country", country)
        out.field("expired", expired)
        out.field("expiryDate", expiryDate)
        out.field("genuine", genuine)
        out.field("gtin", gtin)
        out.field("importer", importer)
        out.field("importerBIN", importerBIN)
        out.field("level", level)
        out.field("manufacturer", manufacturer)
        out.field("name", name)
        out.key("problems")
        out.bytes.append(UInt8(ascii: "["))
        for (index, problem) in problems.enumerated() {
            if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
            var item = JSONText()
            item.open()
            item.field("code", problem.code.rawValue)
            item.field("column", problem.column)
            item.field("line", problem.line)
            item.field("message", problem.message)
            item.field("path", problem.path)
            item.field("subject", problem.subject)
            item.close()
            out.bytes += item.bytes
        }
        out.bytes.append(UInt8(ascii: "]"))
        out.field("producer", producer)
        out.field("producerBIN", producerBIN)
        out.field("productGroup", productGroup)
        out.field("productionDate", productionDate)
        out.field("status", status.rawValue)
        out.field("withdrawalReason", withdrawalReason)
        out.close()
        return out.bytes
    }
}

/// A JSON object written a field at a time, in the order given.
struct JSONText {
    /// Reserved once: an answer is a few hundred bytes, and growing the array by doubling copied it five times.
    var bytes: [UInt8] = []
    private var first = true

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func open() { bytes.append(UInt8(ascii: "{")) }
    mutating func close() { bytes.append(UInt8(ascii: "}")) }

    mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        bytes += Array(String(value).utf8)
    }

    mutating func field(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bytes += Array((value ? "true" : "false").utf8)
    }

    /// A string as Foundation's encoder writes it: `"`, `\` and `/` escaped, control characters as their short
    /// escapes or `\u00XX`, everything else as UTF-8.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most values need no escape at all: copied whole.
        if text.utf8.allSatisfy({
            $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/")
        }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [0x5C, 0x22]
            case UInt8(ascii: "\\"): bytes += [0x5C, 0x5C]
            case UInt8(ascii: "/"): bytes += [0x5C, 0x2F]
            case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
            case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
            case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
            case 0x08: bytes += [0x5C, UInt8(ascii: "b")]
            case 0x0C: bytes += [0x5C, UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
