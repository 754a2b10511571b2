internal import CLibXML2
import Foundation

/// A read-only view of one element of an `XMLDocument`; it keeps the document alive.
public struct XMLElement {
    /// The document that owns the node.
    public let document: XMLDocument
    let node: xmlNodePtr

    init(document: XMLDocument, node: xmlNodePtr) {
        self.document = document
        self.node = node
    }

    /// The local name, without prefix.
    public var name: String { String(cString: node.pointee.name) }

    /// The namespace URI, or nil for no namespace.
    public var namespaceURI: String? { node.pointee.ns?.pointee.href.map { String(cString: $0) } }

    /// The 1-based source line.
    public var line: Int { Int(xmlGetLineNo(node)) }

    /// The element's path from the root with local names, e.g. `/Shipment/Lines/Line[2]/GTIN`.
    public var path: String { Self.path(of: node) }

    /// The parent element, nil for the root.
    public var parent: XMLElement? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(document: document, node: parent)
    }

    /// Child elements in document order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(document: document, node: current)) }
            child = current.pointee.next
        }
        return result
    }

    /// Child elements with a given local name and namespace.
    public func children(named name: String, namespace: String?) -> [XMLElement] {
        var result: [XMLElement] = []
        forEachChild(named: name, namespace: namespace) { node in
            result.append(XMLElement(document: document, node: node))
            return true
        }
        return result
    }

    /// The first child element with a given local name and namespace.
    public func child(named name: String, namespace: String?) -> XMLElement? {
        var found: XMLElement?
        forEachChild(named: name, namespace: namespace) { node in
            found = XMLElement(document: document, node: node)
            return false
        }
        return found
    }

    /// Visits the child elements with a given local name and namespace, compared in C, until `visit` says stop.
    /// Every reader of a document looks its elements up this way: building the children's array and two Swift
    /// strings per child was a quarter of reading a batch of 500 receipts.
    private func forEachChild(named name: String, namespace: String?, _ visit: (xmlNodePtr) -> Bool) {
        name.withCString { cName in
            func walk(_ cNamespace: UnsafePointer<CChar>?) {
                var child = node.pointee.children
                while let current = child {
                    child = current.pointee.next
                    guard current.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(current.pointee.name, cName) != 0
                    else { continue }
                    // No namespace asked: the element has none (as `namespaceURI` is nil without an href).
                    let href = current.pointee.ns?.pointee.href
                    let matches =
                        switch (cNamespace, href) {
                        case (nil, nil): true
                        case (let wanted?, let href?): xmlStrEqual(href, wanted) != 0
                        default: false
                        }
                    if matches, !visit(current) { return }
                }
            }
            if let namespace { namespace.withCString { walk($0) } } else { walk(nil) }
        }
    }

    /// The concatenated text content of the element and its descendants.
    public var text: String {
        // Nearly every element read holds one text node, or none: its content is read where it lies. libxml2's
        // `xmlNodeGetContent` builds a concatenated copy first, freed again at once (a third of reading a batch).
        guard let first = node.pointee.children else { return "" }
        if first.pointee.next == nil, first.pointee.type == XML_TEXT_NODE, let content = first.pointee.content {
            return String(cString: content)
        }
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { tanba_xmlFree(content) }
        return String(cString: content)
    }

    /// An attribute without namespace, or nil.
    public func attribute(_ name: String) -> String? {
        guard let value = xmlGetNoNsProp(node, name) else { return nil }
        defer { tanba_xmlFree(value) }
        return String(cString: value)
    }

    /// Whether the element has an attribute (even an empty one).
    public func hasAttribute(_ name: String) -> Bool { xmlHasNsProp(node, name, nil) != nil }

    /// Every descendant element (not the element itself) in document order, found without recursion.
    public func descendants(where predicate: (XMLElement) -> Bool) -> [XMLElement] {
        var result: [XMLElement] = []
        forEachDescendantElement { current in
            let element = XMLElement(document: document, node: current)
            if predicate(element) { result.append(element) }
        }
        return result
    }

    /// Descendant elements with a given local name and namespace, compared in C: a walk over a large document
    /// makes no Swift string per element.
    public func descendants(named name: String, namespace: String) -> [XMLElement] {
        var result: [XMLElement] = []
        name.withCString { cName in
            namespace.withCString { cNamespace in
                forEachDescendantElement { current in
                    if xmlStrEqual(current.pointee.name, cName) != 0, let ns = current.pointee.ns,
                        xmlStrEqual(ns.pointee.href, cNamespace) != 0
                    {
                        result.append(XMLElement(document: document, node: current))
                    }
                }
            }
        }
        return result
    }

    /// Visits every descendant element node in document order, depth first, with an explicit stack (a deep
    /// document cannot overflow the call stack).
    private func forEachDescendantElement(_ visit: (xmlNodePtr) -> Void) {
        var stack: [xmlNodePtr] = []
        var child = node.pointee.children
        while true {
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE {
                    visit(current)
                    if let next = current.pointee.next { stack.append(next) }
                    child = current.pointee.children
                } else {
                    child = current.pointee.next
                }
            }
            guard let next = stack.popLast() else { break }
            child = next
        }
    }

    static func path(of node: xmlNodePtr) -> String {
        var parts: [String] = []
        var current: xmlNodePtr? = node
        while let n = current, n.pointee.type == XML_ELEMENT_NODE {
            let name = String(cString: n.pointee.name)
            var index = 1
            var same = 0
            var sibling = n.pointee.parent?.pointee.children
            while let s = sibling {
                if s.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(s.pointee.name, n.pointee.name) != 0 {
                    same += 1
                    if s == n { index = same }
                }
                sibling = s.pointee.next
            }
            parts.append(same > 1 ? "\(name)[\(index)]" : name)
            current = n.pointee.parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }
}
