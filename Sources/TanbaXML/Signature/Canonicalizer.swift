internal import CLibXML2
internal import COpenSSL
import TanbaErrors

/// Canonical XML (inclusive 1.0 or exclusive, with or without comments) of a node set, by libxml2.
///
/// libxml2 renders a node set by walking the *whole* document and asking a callback, for every element,
/// attribute and namespace node, whether it is in the set. For the two sets XMLDSig needs here that walk is most
/// of the cost (a 2,000-line batch: the enveloped reference's set cost xmlsec twice what rendering it does), so
/// neither is asked of libxml2 that way:
/// - the document without the signature is the document with the signature element taken out of its parent's
///   list of children for the time of the walk, rendered without a callback;
/// - an element's subtree (SignedInfo) is rendered with every sibling of it and of its ancestors taken out of
///   their parents' lists for the time of the walk: the ancestors stay, with the namespaces and `xml:` attributes
///   inclusive C14N renders on the subtree's top, and nothing else is visited.
/// The tree is restored exactly (the same nodes, the same pointers) before returning, even on failure. The
/// document must not be read by another thread meanwhile, which holds for a document being verified or signed.
enum Canonicalizer {
    enum Selection {
        /// The whole document.
        case document
        /// An element and everything inside it (SignedInfo). Inclusive C14N still renders the namespaces the
        /// element inherits, as XMLDSig requires.
        case subtree(xmlNodePtr)
        /// The whole document but one element and everything inside it (the enveloped-signature transform).
        case excluding(xmlNodePtr)
    }

    /// - Parameter signedInfoComments: whether a `#WithComments` method keeps comments. For a `URI=""`
    ///   reference comments are already gone (XMLDSig 4.3.3.3); inside SignedInfo they are kept.
    static func canonicalize(
        _ document: XMLDocument, _ selection: Selection, method: String, inclusivePrefixes: [String] = [],
        signedInfoComments: Bool = false, libxml2: Bool = false
    ) throws -> [UInt8] {
        var octets: [UInt8] = []
        try write(
            document, selection, method: method, inclusivePrefixes: inclusivePrefixes,
            signedInfoComments: signedInfoComments, libxml2: libxml2
        ) { octets.append(contentsOf: $0) }
        return octets
    }

    /// The digest of a selection's canonical form, streamed into the hash (a document of 100,000 codes is never
    /// held twice in memory).
    static func digest(
        _ document: XMLDocument, _ selection: Selection, method: String, inclusivePrefixes: [String] = [],
        digestMethod: String
    ) throws -> [UInt8] {
        let digest = try DigestStream(digestMethod)
        try write(document, selection, method: method, inclusivePrefixes: inclusivePrefixes) { digest.update($0) }
        return try digest.finish()
    }

    /// Streams a selection's canonical form to `sink`, a chunk at a time.
    /// - Parameter libxml2: render with libxml2 even where `TreeCanonicalizer` would (for the tests comparing them).
    static func write(
        _ document: XMLDocument, _ selection: Selection, method: String, inclusivePrefixes: [String] = [],
        signedInfoComments: Bool = false, libxml2: Bool = false, to sink: (UnsafeRawBufferPointer) -> Void
    ) throws {
        let exclusive = method.hasPrefix(XMLDSigURI.exclusiveC14N)
        let comments = signedInfoComments && method.hasSuffix("#WithComments")
        if !libxml2, !comments, inclusivePrefixes.isEmpty {
            switch selection {
            case .document:
                if TreeCanonicalizer.write(document.pointer, exclusive: exclusive, excluding: nil, to: sink) { return }
            case .excluding(let node):
                if TreeCanonicalizer.write(document.pointer, exclusive: exclusive, excluding: node, to: sink) { return }
            case .subtree: break
            }
        }
        var prefixes: [UnsafeMutablePointer<xmlChar>?] = inclusivePrefixes.map { xmlStrdup($0) } + [nil]
        defer { prefixes.forEach { tanba_xmlFree($0) } }
        let mode = Int32(exclusive ? XML_C14N_EXCLUSIVE_1_0.rawValue : XML_C14N_1_0.rawValue)
        let result = withoutActuallyEscaping(sink) { sink -> Int32 in
            let output = Output(sink)
            return withExtendedLifetime(output) {
                // The buffer owns nothing of ours: its close callback is nil, `output` outlives it.
                guard
                    let buffer = xmlOutputBufferCreateIO(
                        Output.write, nil, Unmanaged.passUnretained(output).toOpaque(), nil)
                else { return -1 }
                let status = prefixes.withUnsafeMutableBufferPointer { list in
                    let prefixList = exclusive && inclusivePrefixes.count > 0 ? list.baseAddress : nil
                    switch selection {
                    case .document:
                        return xmlC14NExecute(document.pointer, nil, nil, mode, prefixList, comments ? 1 : 0, buffer)
                    case .excluding(let node):
                        return Detached(node).during {
                            xmlC14NExecute(document.pointer, nil, nil, mode, prefixList, comments ? 1 : 0, buffer)
                        }
                    case .subtree(let node):
                        // The callback is given the subtree's top itself as its data.
                        return Isolated(node).during {
                            xmlC14NExecute(
                                document.pointer, Self.inside, UnsafeMutableRawPointer(node), mode, prefixList,
                                comments ? 1 : 0, buffer)
                        }
                    }
                }
                let closed = xmlOutputBufferClose(buffer)
                return status < 0 || closed < 0 ? -1 : 0
            }
        }
        guard result == 0 else { throw TanbaError(.internal, "canonicalization failed") }
    }

    /// The sink libxml2's output callback writes into (reached through its `void *`).
    private final class Output {
        let sink: (UnsafeRawBufferPointer) -> Void
        init(_ sink: @escaping (UnsafeRawBufferPointer) -> Void) { self.sink = sink }

        static let write: xmlOutputWriteCallback = { opaque, bytes, length in
            guard let opaque, length >= 0 else { return -1 }
            if length > 0, let bytes {
                Unmanaged<Output>.fromOpaque(opaque).takeUnretainedValue().sink(
                    UnsafeRawBufferPointer(start: bytes, count: Int(length)))
            }
            return length
        }
    }

    /// libxml2 asks for every node still in the tree: the isolated subtree and its ancestors. Namespace and
    /// attribute nodes come with their element as `parent`.
    private static let inside: xmlC14NIsVisibleCallback = { data, node, parent in
        guard let data, let node else { return 0 }
        let top = data.assumingMemoryBound(to: xmlNode.self)
        // xmlNs and xmlNode share the position of `type`, which libxml2 itself relies on here.
        let type = node.pointee.type
        var cursor: xmlNodePtr? = (type == XML_NAMESPACE_DECL || type == XML_ATTRIBUTE_NODE) ? parent : node
        while let current = cursor {
            if current == top { return 1 }
            cursor = current.pointee.parent
        }
        return 0
    }

    /// An element taken out of its parent's children for the time of a walk, put back where it was.
    private struct Detached {
        let node: xmlNodePtr
        init(_ node: xmlNodePtr) { self.node = node }

        func during<T>(_ body: () -> T) -> T {
            guard let parent = node.pointee.parent else { return body() }
            let previous = node.pointee.prev
            let next = node.pointee.next
            if let previous { previous.pointee.next = next } else { parent.pointee.children = next }
            if let next { next.pointee.prev = previous } else { parent.pointee.last = previous }
            defer {
                if let previous { previous.pointee.next = node } else { parent.pointee.children = node }
                if let next { next.pointee.prev = node } else { parent.pointee.last = node }
            }
            return body()
        }
    }

    /// A node and its ancestors, each made the only child of its parent for the time of a walk (the document node
    /// included: a comment or processing instruction beside the root is out too), all put back as they were.
    private struct Isolated {
        let node: xmlNodePtr
        init(_ node: xmlNodePtr) { self.node = node }

        func during<T>(_ body: () -> T) -> T {
            // The document node's `children` and `last` are at the same places as an element's (libxml2 relies on
            // it too), so the walk up treats it as a node.
            var saved:
                [(
                    node: xmlNodePtr, parent: xmlNodePtr, first: xmlNodePtr?, last: xmlNodePtr?, previous: xmlNodePtr?,
                    next: xmlNodePtr?
                )] = []
            var cursor = node
            while let parent = cursor.pointee.parent {
                saved.append(
                    (
                        cursor, parent, parent.pointee.children, parent.pointee.last, cursor.pointee.prev,
                        cursor.pointee.next
                    ))
                parent.pointee.children = cursor
                parent.pointee.last = cursor
                cursor.pointee.prev = nil
                cursor.pointee.next = nil
                cursor = parent
            }
            defer {
                for entry in saved.reversed() {
                    entry.parent.pointee.children = entry.first
                    entry.parent.pointee.last = entry.last
                    entry.node.pointee.prev = entry.previous
                    entry.node.pointee.next = entry.next
                }
            }
            return body()
        }
    }
}

/// A running digest, fed chunk by chunk, by the XMLDSig URI of its method.
final class DigestStream {
    private let context: OpaquePointer
    private var failed = false

    /// OpenSSL's method for a digest URI the hub accepts.
    private static func method(_ uri: String) throws -> OpaquePointer {
        switch uri {
        case XMLDSigURI.streebog512: return try Streebog.md()
        case XMLDSigURI.sha256: return EVP_sha256()
        case XMLDSigURI.sha384: return EVP_sha384()
        case XMLDSigURI.sha512: return EVP_sha512()
        default: throw TanbaError(.sigAlgorithmForbidden, "digest method '\(uri)' is not accepted")
        }
    }

    init(_ uri: String) throws {
        let method = try Self.method(uri)
        guard let context = EVP_MD_CTX_new() else { throw TanbaError(.internal, "EVP_MD_CTX_new failed") }
        guard EVP_DigestInit_ex(context, method, nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw TanbaError(.internal, "the digest \(uri) is unavailable: \(OpenSSL.lastError())")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        if !bytes.isEmpty, EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) != 1 { failed = true }
    }

    func finish() throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard !failed, EVP_DigestFinal_ex(context, &digest, &length) == 1 else {
            throw TanbaError(.internal, "digest failed: \(OpenSSL.lastError())")
        }
        return Array(digest.prefix(Int(length)))
    }
}
