internal import CLibXML2
import Foundation

/// Canonical XML 1.0 or Exclusive Canonical XML 1.0, without comments, of a whole parsed document or of the document
/// without one element's subtree (the enveloped-signature transform), written by Tanba from libxml2's tree.
///
/// Why not libxml2's `xmlC14NExecute`: it writes every piece of markup through a separate output call and builds and
/// frees a sorted list per element, which made canonicalising a 2,000-line fiscal batch cost more than parsing it.
/// Every signed document's reference, and every document's canonical digest, is rendered this way.
///
/// It covers what a parsed document without a DTD holds (the parser refuses DTDs): elements, attributes, namespaces
/// (declared, redeclared, undeclared with `xmlns=""`), text and CDATA, processing instructions and comments (left
/// out). Anything else — an entity reference, an unbound prefix, an attribute value that is not text, a namespace
/// URI that is relative or malformed (which C14N refuses), exclusive C14N's InclusiveNamespaces list — is left to
/// libxml2: the writer says so before writing anything. `TreeCanonicalizerTests` holds its output equal to
/// libxml2's on the samples and on generated documents.
struct TreeCanonicalizer {
    private let exclusive: Bool
    private let excluded: xmlNodePtr?
    private let sink: (UnsafeRawBufferPointer) -> Void
    /// The output not yet given to the sink: `count` bytes of `storage`, a chunk's worth, written by hand (an
    /// array's append of a C string's bytes cost more than finding them).
    private let storage: UnsafeMutablePointer<UInt8>
    private var count = 0
    /// The namespace declarations rendered by the elements open now, innermost last (prefix nil: the default).
    private var rendered: [(prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>)] = []
    /// An empty C string: the URI of no namespace. (Static text, never written.)
    private static var empty: UnsafePointer<xmlChar> { ("" as StaticString).utf8Start }
    private static let chunk = 1 << 16

    /// A node of a kind `supported` let through by mistake. Should it ever be met after output has begun, the caller
    /// renders again with libxml2 after it, and the digest of the two no longer matches: the document is refused,
    /// never a node left out of what its signature covers.
    private struct Unsupported: Error {}

    /// Renders `document` (less `excluded` and its subtree) into `sink`, a chunk at a time.
    /// - Returns: false, having written nothing, when the document holds something this renderer leaves to libxml2.
    static func write(
        _ document: xmlDocPtr, exclusive: Bool, excluding excluded: xmlNodePtr?,
        to sink: (UnsafeRawBufferPointer) -> Void
    ) -> Bool {
        // Nothing is written before the whole tree has been checked: a fallback must not follow half an output.
        guard supported(document, excluded: excluded) else { return false }
        return withoutActuallyEscaping(sink) { sink in
            var writer = TreeCanonicalizer(exclusive: exclusive, excluded: excluded, sink: sink)
            defer { writer.storage.deallocate() }
            do {
                try writer.document(document)
            } catch {
                return false
            }
            writer.flush()
            return true
        }
    }

    private init(exclusive: Bool, excluded: xmlNodePtr?, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.exclusive = exclusive
        self.excluded = excluded
        self.sink = sink
        storage = .allocate(capacity: Self.chunk)
    }

    /// Whether every node of the document is of a kind rendered here.
    private static func supported(_ document: xmlDocPtr, excluded: xmlNodePtr?) -> Bool {
        // The document node's `children` is where an element's is (libxml2 relies on it too); it holds no text.
        supportedChildren(
            of: UnsafeMutableRawPointer(document).assumingMemoryBound(to: xmlNode.self), excluded: excluded,
            text: false)
    }

    private static func supportedChildren(of parent: xmlNodePtr, excluded: xmlNodePtr?, text: Bool) -> Bool {
        var cursor = parent.pointee.children
        while let node = cursor {
            cursor = node.pointee.next
            if node == excluded { continue }
            switch node.pointee.type {
            case XML_ELEMENT_NODE: guard supported(element: node, excluded: excluded) else { return false }
            case XML_COMMENT_NODE, XML_PI_NODE: continue
            case XML_TEXT_NODE where text, XML_CDATA_SECTION_NODE where text: continue
            default: return false
            }
        }
        return true
    }

    private static func supported(element node: xmlNodePtr, excluded: xmlNodePtr?) -> Bool {
        if node.pointee.ns == nil, strchr(node.pointee.name, 0x3A) != nil { return false }  // an unbound prefix
        // C14N refuses a namespace URI that is relative or no URI at all; libxml2 says so, so it is left to it.
        var declaration = node.pointee.nsDef
        while let ns = declaration {
            if let href = ns.pointee.href, href.pointee != 0 {
                guard let uri = xmlParseURI(UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self)) else {
                    return false
                }
                let absolute = uri.pointee.scheme.map { $0.pointee != 0 } ?? false
                xmlFreeURI(uri)
                guard absolute else { return false }
            }
            declaration = ns.pointee.next
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            if current.pointee.ns == nil, strchr(current.pointee.name, 0x3A) != nil { return false }
            var child = current.pointee.children
            while let text = child {
                guard text.pointee.type == XML_TEXT_NODE else { return false }
                child = text.pointee.next
            }
            attribute = current.pointee.next
        }
        return supportedChildren(of: node, excluded: excluded, text: true)
    }

    // MARK: Nodes

    private mutating func document(_ document: xmlDocPtr) throws {
        var afterRoot = false
        var cursor = document.pointee.children
        while let node = cursor {
            cursor = node.pointee.next
            if node == excluded { continue }
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                try element(node)
                afterRoot = true
            case XML_PI_NODE:
                // Outside the root, C14N puts a line feed between the root and each node before or after it.
                if afterRoot { byte(0x0A) }
                processingInstruction(node)
                if !afterRoot { byte(0x0A) }
            case XML_COMMENT_NODE: continue
            default: throw Unsupported()
            }
        }
    }

    private mutating func element(_ node: xmlNodePtr) throws {
        let mark = rendered.count
        byte(0x3C)
        qualifiedName(node.pointee.ns, node.pointee.name)
        namespaces(of: node)
        try attributes(of: node)
        byte(0x3E)
        var cursor = node.pointee.children
        while let child = cursor {
            cursor = child.pointee.next
            if child == excluded { continue }
            switch child.pointee.type {
            case XML_ELEMENT_NODE: try element(child)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: if let content = child.pointee.content { text(content) }
            case XML_PI_NODE: processingInstruction(child)
            case XML_COMMENT_NODE: continue
            default: throw Unsupported()
            }
        }
        bytes(ascii: "</")
        qualifiedName(node.pointee.ns, node.pointee.name)
        byte(0x3E)
        rendered.removeSubrange(mark...)
    }

    /// The namespace declarations this element renders, sorted by prefix (the default first).
    private mutating func namespaces(of node: xmlNodePtr) {
        var output: [(prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>)] = []
        func consider(_ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>) {
            if let prefix, xmlStrEqual(prefix, "xml") != 0 { return }  // the xml prefix is never declared
            let current = renderedURI(prefix)
            if prefix == nil && uri.pointee == 0 {
                // xmlns="": only to undo a default namespace rendered above.
                guard let current, current.pointee != 0 else { return }
            } else if let current, xmlStrEqual(current, uri) != 0 {
                return
            }
            if output.contains(where: { xmlStrEqual($0.prefix, prefix) != 0 }) { return }
            output.append((prefix, uri))
        }
        if exclusive {
            // Exclusive C14N: the namespaces the element and its attributes use, where not rendered above.
            if let ns = node.pointee.ns {
                consider(ns.pointee.prefix, ns.pointee.href ?? Self.empty)
            } else {
                consider(nil, Self.empty)
            }
            var attribute = node.pointee.properties
            while let current = attribute {
                if let ns = current.pointee.ns, let prefix = ns.pointee.prefix {
                    consider(prefix, ns.pointee.href ?? Self.empty)
                }
                attribute = current.pointee.next
            }
        } else {
            // Inclusive C14N of a whole document: the element's own declarations, less those repeating what is in
            // scope already.
            var declaration = node.pointee.nsDef
            while let ns = declaration {
                consider(ns.pointee.prefix, ns.pointee.href ?? Self.empty)
                declaration = ns.pointee.next
            }
        }
        output.sort { Self.less($0.prefix, $1.prefix) }
        for (prefix, uri) in output {
            if let prefix {
                bytes(ascii: " xmlns:")
                cString(prefix)
            } else {
                bytes(ascii: " xmlns")
            }
            // As libxml2 writes it: the URI as stored, unescaped (it keeps `&` as `&#38;`; a quote, which would need
            // escaping, makes the URI one C14N refuses, left to libxml2 above).
            bytes(ascii: "=\"")
            cString(uri)
            byte(0x22)
            rendered.append((prefix, uri))
        }
    }

    /// The URI rendered last for `prefix` by an element open now.
    private func renderedURI(_ prefix: UnsafePointer<xmlChar>?) -> UnsafePointer<xmlChar>? {
        for entry in rendered.reversed() where xmlStrEqual(entry.prefix, prefix) != 0 { return entry.uri }
        return nil
    }

    /// Attributes sorted by namespace URI (none first), then local name.
    private mutating func attributes(of node: xmlNodePtr) throws {
        var list: [xmlAttrPtr] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            list.append(current)
            attribute = current.pointee.next
        }
        if list.count > 1 {
            list.sort { a, b in
                let order = xmlStrcmp(
                    a.pointee.ns?.pointee.href ?? Self.empty, b.pointee.ns?.pointee.href ?? Self.empty)
                return order != 0 ? order < 0 : xmlStrcmp(a.pointee.name, b.pointee.name) < 0
            }
        }
        for current in list {
            byte(0x20)
            qualifiedName(current.pointee.ns, current.pointee.name)
            bytes(ascii: "=\"")
            var child = current.pointee.children
            while let text = child {
                guard text.pointee.type == XML_TEXT_NODE else { throw Unsupported() }
                if let content = text.pointee.content { attributeValue(content) }
                child = text.pointee.next
            }
            byte(0x22)
        }
    }

    private mutating func processingInstruction(_ node: xmlNodePtr) {
        bytes(ascii: "<?")
        cString(node.pointee.name)
        if let content = node.pointee.content, content.pointee != 0 {
            byte(0x20)
            cString(content)
        }
        bytes(ascii: "?>")
    }

    // MARK: Output

    private static func less(_ a: UnsafePointer<xmlChar>?, _ b: UnsafePointer<xmlChar>?) -> Bool {
        xmlStrcmp(a ?? empty, b ?? empty) < 0
    }

    private mutating func qualifiedName(_ ns: xmlNsPtr?, _ name: UnsafePointer<xmlChar>) {
        if let prefix = ns?.pointee.prefix {
            cString(prefix)
            byte(0x3A)
        }
        cString(name)
    }

    private mutating func byte(_ value: UInt8) {
        if count == Self.chunk { flush() }
        storage[count] = value
        count += 1
    }

    private mutating func bytes(ascii text: StaticString) { append(text.utf8Start, text.utf8CodeUnitCount) }

    private mutating func cString(_ text: UnsafePointer<xmlChar>) { append(text, strlen(text)) }

    private mutating func append(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
        if count + length > Self.chunk {
            flush()
            if length > Self.chunk {  // a long text goes to the sink as it lies
                sink(UnsafeRawBufferPointer(start: bytes, count: length))
                return
            }
        }
        (storage + count).update(from: bytes, count: length)
        count += length
    }

    /// Text content: `&`, `<`, `>` and carriage return escaped (C14N 1.0, 5.2).
    private mutating func text(_ content: UnsafePointer<xmlChar>) { escaped(content, attribute: false) }

    /// An attribute's value: `&`, `<`, `"`, tab, line feed and carriage return escaped.
    private mutating func attributeValue(_ content: UnsafePointer<xmlChar>) { escaped(content, attribute: true) }

    /// Copies a C string, escaping as text or as an attribute value; runs without a special byte go in one piece.
    private mutating func escaped(_ content: UnsafePointer<xmlChar>, attribute: Bool) {
        var start = content
        var cursor = content
        while true {
            let byte = cursor.pointee
            if byte == 0 { break }
            // Every byte escaped is below 0x3F: letters and most of UTF-8 pass with one comparison.
            if byte < 0x3F {
                let replacement: StaticString? =
                    switch byte {
                    case 0x26: "&amp;"
                    case 0x3C: "&lt;"
                    case 0x0D: "&#xD;"
                    case 0x3E where !attribute: "&gt;"
                    case 0x22 where attribute: "&quot;"
                    case 0x09 where attribute: "&#x9;"
                    case 0x0A where attribute: "&#xA;"
                    default: nil
                    }
                if let replacement {
                    if cursor > start { append(start, cursor - start) }
                    bytes(ascii: replacement)
                    start = cursor + 1
                }
            }
            cursor += 1
        }
        if cursor > start { append(start, cursor - start) }
    }

    private mutating func flush() {
        guard count > 0 else { return }
        sink(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }
}
