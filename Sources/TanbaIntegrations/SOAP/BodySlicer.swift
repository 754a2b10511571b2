import TanbaErrors

/// Finds the bytes of the SOAP Body's one element in an envelope that libxml2 has already parsed as well-formed.
///
/// Why bytes and not a re-serialised subtree: the element is a signed document, and the only form certain to verify
/// is the one that was signed. A well-formed document's markup is simple to walk: outside comments, processing
/// instructions and CDATA sections a `<` always starts a tag, and inside a tag a `>` ends it unless it is within
/// a quoted attribute value.
enum BodySlicer {
    /// The bytes of the first element inside the root's child element number `bodyIndex` (0-based).
    /// - Throws: `SOAP_ENVELOPE_INVALID` when the envelope is not UTF-8 or the element cannot be found.
    static func slice(_ bytes: [UInt8], bodyIndex: Int) throws -> [UInt8] {
        try checkEncoding(bytes)
        let count = bytes.count
        var index = 0
        var depth = 0
        var rootChildren = -1
        var inBody = false
        var start: Int?

        func find(_ pattern: [UInt8], from position: Int) throws -> Int {
            var at = position
            while at + pattern.count <= count {
                if bytes[at] == pattern[0], Array(bytes[at..<(at + pattern.count)]) == pattern { return at }
                at += 1
            }
            throw unreadable("unterminated markup")
        }
        func startsWith(_ text: String, at position: Int) -> Bool {
            let pattern = Array(text.utf8)
            return position + pattern.count <= count && Array(bytes[position..<(position + pattern.count)]) == pattern
        }

        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if startsWith("<!--", at: index) {
                index = try find(Array("-->".utf8), from: index + 4) + 3
            } else if startsWith("<![CDATA[", at: index) {
                index = try find(Array("]]>".utf8), from: index + 9) + 3
            } else if startsWith("<?", at: index) {
                index = try find(Array("?>".utf8), from: index + 2) + 2
            } else if startsWith("<!", at: index) {
                throw unreadable("a DOCTYPE or other declaration inside the envelope")
            } else if startsWith("</", at: index) {
                let end = try find([UInt8(ascii: ">")], from: index) + 1
                depth -= 1
                if let start, inBody, depth == 2 { return Array(bytes[start..<end]) }
                if inBody, depth == 1 { break }  // the Body ended without an element
                index = end
            } else {
                let end = try tagEnd(bytes, from: index + 1) + 1
                let selfClosing = bytes[end - 2] == UInt8(ascii: "/")
                if depth == 1 {
                    rootChildren += 1
                    inBody = rootChildren == bodyIndex
                    if inBody && selfClosing { break }
                } else if depth == 2, inBody, start == nil {
                    if selfClosing { return Array(bytes[index..<end]) }
                    start = index
                }
                if !selfClosing { depth += 1 }
                index = end
            }
        }
        throw unreadable("the Body's element was not found in the envelope's bytes")
    }

    /// The index of the `>` that ends a start tag, skipping quoted attribute values.
    private static func tagEnd(_ bytes: [UInt8], from position: Int) throws -> Int {
        var index = position
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        throw unreadable("unterminated start tag")
    }

    /// The envelope must be UTF-8 (or ASCII): the body's bytes are handed on as a UTF-8 document.
    private static func checkEncoding(_ bytes: [UInt8]) throws {
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.first == 0 {
            throw unreadable("the envelope is UTF-16; only UTF-8 is accepted")
        }
        var prefix = bytes.prefix(200)[...]
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { prefix = prefix.dropFirst(3) }
        guard prefix.starts(with: Array("<?xml".utf8)),
            let close = prefix.firstIndex(of: UInt8(ascii: ">"))
        else { return }
        let declaration = String(decoding: prefix[..<close], as: UTF8.self).lowercased()
        guard let range = declaration.range(of: "encoding") else { return }
        let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
        let name = rest.prefix { $0 != "\"" && $0 != "'" && $0 != " " }
        guard name == "utf-8" || name == "utf8" || name == "us-ascii" else {
            throw unreadable("the envelope's encoding is \(name); only UTF-8 is accepted")
        }
    }

    private static func unreadable(_ message: String) -> TanbaError {
        TanbaError(.soapEnvelopeInvalid, message, path: "/Envelope/Body")
    }
}
