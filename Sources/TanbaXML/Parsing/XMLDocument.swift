internal import CLibXML2
public import Foundation
import TanbaErrors

/// A parsed XML document. It owns its libxml2 tree and frees it when released.
///
/// Produced only by the safe parser (`XMLDocument.parse`): no network, no DTD, no entities, bounded size and
/// depth. Signature verification works on this same tree, so business data read from a verified document
/// is exactly what the signature covered (no re-parse between "verify" and "read").
public final class XMLDocument {
    let pointer: xmlDocPtr

    private init(pointer: xmlDocPtr) { self.pointer = pointer }
    deinit { xmlFreeDoc(pointer) }

    /// The root element.
    public var root: XMLElement {
        // A parsed document always has a root: parse() refuses one without.
        XMLElement(document: self, node: xmlDocGetRootElement(pointer)!)
    }

    /// Serialises the document as UTF-8 with an XML declaration.
    public func serialized() -> [UInt8] {
        var buffer: UnsafeMutablePointer<xmlChar>? = nil
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &buffer, &size, "UTF-8")
        defer { tanba_xmlFree(buffer) }
        guard let buffer, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// Parses `bytes` safely.
    ///
    /// - Throws: `TanbaError` with `XML_TOO_LARGE`, `XML_DOCTYPE_FORBIDDEN`, `XML_MALFORMED` (every
    ///   well-formedness error, with line and column) or `XML_TOO_DEEP`.
    public static func parse(_ bytes: [UInt8], limits: ParseLimits = .default) throws -> XMLDocument {
        try bytes.withUnsafeBufferPointer { try parse(buffer: UnsafeRawBufferPointer($0), limits: limits) }
    }

    /// Parses `data` safely; see `parse(_:limits:)`.
    public static func parse(_ data: Data, limits: ParseLimits = .default) throws -> XMLDocument {
        try data.withUnsafeBytes { try parse(buffer: $0, limits: limits) }
    }

    /// Reads and parses a file safely.
    public static func parse(contentsOf url: URL, limits: ParseLimits = .default) throws -> XMLDocument {
        try parse(readFile(url, limit: limits.maxBytes), limits: limits)
    }

    static func parse(buffer: UnsafeRawBufferPointer, limits: ParseLimits) throws -> XMLDocument {
        _ = LibraryRuntime.ready
        guard buffer.count <= limits.maxBytes else {
            throw TanbaError(.xmlTooLarge, "document is \(buffer.count) bytes; the limit is \(limits.maxBytes)")
        }
        guard buffer.count > 0, let base = buffer.baseAddress else {
            throw TanbaError(.xmlMalformed, "the document is empty", line: 1)
        }
        guard let ctxt = xmlCreateMemoryParserCtxt(base.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
        else { throw TanbaError(.internal, "libxml2 could not create a parser context") }
        defer {
            if let doc = ctxt.pointee.myDoc { xmlFreeDoc(doc) }
            xmlFreeParserCtxt(ctxt)
        }
        // NONET only. Not NOENT (it turns entity substitution ON), DTDLOAD, DTDATTR, XINCLUDE, HUGE or
        // NOBLANKS (whitespace is signed). BIG_LINES keeps line numbers past 65535 for error reports. HUGE only for
        // limits above libxml2's own text limit, which only the hub's own receipts ask for.
        var options = XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue
        if limits.maxTextBytes > ParseLimits.libxml2TextLimit { options |= XML_PARSE_HUGE.rawValue }
        xmlCtxtUseOptions(ctxt, Int32(options))

        let state = ParseState()
        ctxt.pointee._private = Unmanaged.passUnretained(state).toOpaque()
        // Stop at the DOCTYPE itself: the internal subset (entity declarations, parameter entities that point
        // to remote DTDs) is never parsed, so nothing can expand or be fetched.
        ctxt.pointee.sax.pointee.internalSubset = { context, _, _, _ in
            guard let ctxt = context?.assumingMemoryBound(to: xmlParserCtxt.self) else { return }
            ParseState.from(ctxt)?.doctypeLine = Int(ctxt.pointee.input?.pointee.line ?? 0)
            xmlStopParser(ctxt)
        }
        ctxt.pointee.sax.pointee.serror = { context, error in
            guard let error,
                let ctxt = context?.assumingMemoryBound(to: xmlParserCtxt.self), let state = ParseState.from(ctxt)
            else { return }
            state.record(error.pointee)
        }
        _ = xmlParseDocument(ctxt)

        if let line = state.doctypeLine {
            throw TanbaError(
                .xmlDoctypeForbidden,
                "documents must not have a DOCTYPE: DTDs and entity declarations are refused (XXE, entity expansion)",
                line: line)
        }
        if let diagnostics = state.fatal(limits: limits) { throw TanbaError(diagnostics: diagnostics) }
        // libxml2 can stop building the tree and still call the document well-formed (a text node over its limit
        // reports an error, sets disableSAX and leaves the text cut short): a tree from part of a document is
        // never used, whatever the well-formedness flag says.
        if ctxt.pointee.wellFormed != 0, ctxt.pointee.disableSAX != 0 {
            throw TanbaError(
                diagnostics: state.errors.isEmpty
                    ? [Diagnostic(.xmlMalformed, "the parser stopped before the end of the document")] : state.errors)
        }
        guard ctxt.pointee.wellFormed != 0, let doc = ctxt.pointee.myDoc else {
            throw TanbaError(
                diagnostics: state.errors.isEmpty
                    ? [Diagnostic(.xmlMalformed, "the document is not well-formed")] : state.errors)
        }
        // Belt and braces: a DOCTYPE that slipped past the SAX hook would show here.
        guard doc.pointee.intSubset == nil, doc.pointee.extSubset == nil else {
            throw TanbaError(.xmlDoctypeForbidden, "documents must not have a DOCTYPE")
        }
        guard xmlDocGetRootElement(doc) != nil else {
            throw TanbaError(.xmlMalformed, "the document has no root element")
        }
        ctxt.pointee.myDoc = nil  // ownership moves to the XMLDocument
        let document = XMLDocument(pointer: doc)
        try document.checkShape(depthLimit: min(limits.maxDepth, 256), textLimit: limits.maxTextBytes)
        return document
    }

    /// Walks the tree iteratively (no recursion: a deep document must not overflow our stack either), checking
    /// the depth of elements and the length of text: every run of adjacent text and CDATA nodes (one text as a
    /// reader of the element sees it), so a text split by character references or CDATA sections counts whole.
    private func checkShape(depthLimit limit: Int, textLimit: Int) throws {
        var node: xmlNodePtr? = xmlDocGetRootElement(pointer)
        var depth = 1
        var run = 0
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE && depth > limit {
                throw TanbaError(
                    .xmlTooDeep, "elements are nested more than \(limit) levels deep",
                    line: Int(xmlGetLineNo(current)), path: XMLElement.path(of: current))
            }
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE {
                run += Int(xmlStrlen(current.pointee.content))
                if run > textLimit {
                    throw TanbaError(
                        .xmlTooLarge, "a text is longer than \(textLimit) bytes",
                        line: Int(xmlGetLineNo(current)), path: current.pointee.parent.map(XMLElement.path(of:)))
                }
            } else {
                run = 0
            }
            if let child = current.pointee.children, current.pointee.type == XML_ELEMENT_NODE {
                node = child
                depth += 1
                continue
            }
            var climb: xmlNodePtr? = current
            node = nil
            run = run > 0 && current.pointee.next == nil ? 0 : run
            while let up = climb {
                if let next = up.pointee.next {
                    node = next
                    break
                }
                climb = up.pointee.parent
                depth -= 1
                if climb == nil || climb!.pointee.type != XML_ELEMENT_NODE { break }
            }
        }
    }
}

/// Parser state reachable from libxml2 callbacks through `ctxt->_private`.
private final class ParseState {
    var doctypeLine: Int?
    var errors: [Diagnostic] = []
    var tooDeep: Diagnostic?
    var tooLarge: Diagnostic?

    static func from(_ ctxt: xmlParserCtxtPtr) -> ParseState? {
        ctxt.pointee._private.map { Unmanaged<ParseState>.fromOpaque($0).takeUnretainedValue() }
    }

    func record(_ error: xmlError) {
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message =
            error.message.map { String(cString: $0) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "XML error \(error.code)"
        let line = error.line > 0 ? Int(error.line) : nil
        let column = error.int2 > 0 ? Int(error.int2) : nil
        // libxml2's own hard limit (256 levels without XML_PARSE_HUGE) arrives as an internal error.
        if message.contains("Excessive depth") {
            tooDeep = tooDeep ?? Diagnostic(.xmlTooDeep, message, line: line, column: column)
            return
        }
        // libxml2's text limit (without XML_PARSE_HUGE) arrives as a memory error, "huge text node", after which
        // the parser stops and the text is cut short.
        if error.code == Int32(XML_ERR_NO_MEMORY.rawValue) || message.lowercased().contains("huge") {
            tooLarge =
                tooLarge
                ?? Diagnostic(
                    .xmlTooLarge, "a text is longer than libxml2's limit (\(message))", line: line, column: column)
            return
        }
        if errors.count < 100 { errors.append(Diagnostic(.xmlMalformed, message, line: line, column: column)) }
    }

    func fatal(limits: ParseLimits) -> [Diagnostic]? {
        if let tooDeep {
            var d = tooDeep
            d.message = "elements are nested more than \(min(limits.maxDepth, 256)) levels deep (\(d.message))"
            return [d]
        }
        if let tooLarge { return [tooLarge] }
        return nil
    }
}

/// Reads a whole file, refusing one larger than `limit` before reading it.
func readFile(_ url: URL, limit: Int) throws -> Data {
    let attributes: [FileAttributeKey: Any]
    do { attributes = try FileManager.default.attributesOfItem(atPath: url.path) } catch {
        throw TanbaError(.fileUnreadable, "cannot read \(url.path): no such file or not accessible")
    }
    if let size = attributes[.size] as? Int, size > limit {
        throw TanbaError(.xmlTooLarge, "\(url.path) is \(size) bytes; the limit is \(limit)")
    }
    do { return try Data(contentsOf: url) } catch {
        // Foundation's description names its error domain and codes: say what a user can act on.
        throw TanbaError(.fileUnreadable, "cannot read \(url.path): not a readable file")
    }
}
