internal import CLibXML2
public import Foundation
import TanbaErrors

/// The document types the hub knows: every XSD in a folder, compiled once, found by the document's root.
///
/// A compiled `xmlSchema` is read-only after compilation and shared by concurrent validations; each
/// validation creates its own validation context (libxml2's rule).
public final class SchemaSet: @unchecked Sendable {
    /// A document type: root element name and namespace, and the schema file that defines it.
    public struct DocumentType: Sendable, Hashable {
        public let namespace: String
        public let rootElement: String
        public let schemaFile: String
    }

    private final class Compiled {
        let schema: xmlSchemaPtr
        init(_ schema: xmlSchemaPtr) { self.schema = schema }
        deinit { xmlSchemaFree(schema) }
    }

    private var schemas: [Key: Compiled] = [:]
    /// Every known document type, sorted by namespace.
    public private(set) var documentTypes: [DocumentType] = []

    private struct Key: Hashable {
        let namespace: String
        let root: String
    }

    /// Compiles every `*.xsd` in `directory` that declares a global element.
    ///
    /// Files that only hold shared types (no global element) are compiled as imports of the others.
    /// - Throws: `XSD_SCHEMA_BROKEN` naming the file and libxml2's messages.
    public init(directory: URL) throws {
        _ = LibraryRuntime.ready
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "xsd" }.sorted { $0.path < $1.path }
        } catch {
            throw TanbaError(.configInvalid, "cannot read the schema folder \(directory.path)")
        }
        for file in files {
            let declaration = try XMLDocument.parse(contentsOf: file).root
            guard let namespace = declaration.attribute("targetNamespace") else { continue }
            let roots = declaration.children(named: "element", namespace: "http://www.w3.org/2001/XMLSchema")
                .compactMap { $0.attribute("name") }
            guard !roots.isEmpty else { continue }
            let compiled = Compiled(try Self.compile(file))
            for root in roots {
                schemas[Key(namespace: namespace, root: root)] = compiled
                documentTypes.append(
                    DocumentType(namespace: namespace, rootElement: root, schemaFile: file.lastPathComponent))
            }
        }
        guard !documentTypes.isEmpty else {
            throw TanbaError(.configInvalid, "no document schema (*.xsd with a global element) in \(directory.path)")
        }
        documentTypes.sort { ($0.namespace, $0.rootElement) < ($1.namespace, $1.rootElement) }
    }

    private static func compile(_ file: URL) throws -> xmlSchemaPtr {
        let collector = DiagnosticCollector(code: .xsdSchemaBroken)
        guard let parser = xmlSchemaNewParserCtxt(file.path) else {
            throw TanbaError(.xsdSchemaBroken, "cannot open schema \(file.path)")
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        xmlSchemaSetParserStructuredErrors(parser, DiagnosticCollector.callback, context)
        guard let schema = xmlSchemaParse(parser) else {
            throw TanbaError(
                diagnostics: collector.diagnostics.isEmpty
                    ? [Diagnostic(.xsdSchemaBroken, "schema \(file.lastPathComponent) failed to compile")]
                    : collector.diagnostics.map {
                        var d = $0
                        d.message = "\(file.lastPathComponent): \(d.message)"
                        return d
                    })
        }
        return schema
    }

    /// The document type of `document`, from its root element's namespace and name.
    public func documentType(of document: XMLDocument) -> DocumentType? {
        let root = document.root
        return documentTypes.first { $0.namespace == root.namespaceURI && $0.rootElement == root.name }
    }

    /// Validates a document against the schema of its type and reports every violation.
    ///
    /// - Returns: the document type.
    /// - Throws: `XSD_UNKNOWN_DOCUMENT`, or `XSD_INVALID` with one diagnostic per violation (line, path).
    @discardableResult
    public func validate(_ document: XMLDocument) throws -> DocumentType {
        let root = document.root
        guard let type = documentType(of: document),
            let compiled = schemas[Key(namespace: type.namespace, root: type.rootElement)]
        else {
            let name = root.namespaceURI.map { "{\($0)}\(root.name)" } ?? root.name
            throw TanbaError(
                .xsdUnknownDocument, "no document type has the root element \(name)", line: root.line, path: root.path)
        }
        guard let validator = xmlSchemaNewValidCtxt(compiled.schema) else {
            throw TanbaError(.internal, "libxml2 could not create a validation context")
        }
        defer { xmlSchemaFreeValidCtxt(validator) }
        let collector = DiagnosticCollector(code: .xsdInvalid)
        xmlSchemaSetValidStructuredErrors(
            validator, DiagnosticCollector.callback, Unmanaged.passUnretained(collector).toOpaque())
        let result = xmlSchemaValidateDoc(validator, document.pointer)
        if result != 0 {
            throw TanbaError(
                diagnostics: collector.diagnostics.isEmpty
                    ? [Diagnostic(.xsdInvalid, "the document does not match its schema (libxml2 code \(result))")]
                    : collector.diagnostics)
        }
        return type
    }
}

/// Collects libxml2 structured errors as diagnostics; reached through an `Unmanaged` context pointer.
final class DiagnosticCollector {
    let code: ErrorCode
    var diagnostics: [Diagnostic] = []
    /// A runaway document could produce millions of errors; the first thousand tell the sender enough.
    let limit = 1000

    init(code: ErrorCode) { self.code = code }

    static let callback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let collector = Unmanaged<DiagnosticCollector>.fromOpaque(context).takeUnretainedValue()
        guard collector.diagnostics.count < collector.limit,
            error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue
        else { return }
        var message = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        var path: String? = nil
        if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self), node.pointee.type == XML_ELEMENT_NODE {
            path = XMLElement.path(of: node)
            // libxml2 prefixes messages with "Element '{ns}Name': "; the path says that better.
            if message.hasPrefix("Element '"), let end = message.range(of: "': ") {
                message = String(message[end.upperBound...])
            }
        }
        let line = error.pointee.line > 0 ? Int(error.pointee.line) : nil
        // libxml2 follows an invalid value under an identity constraint (xs:unique) with a second, empty
        // complaint about the same element; the first one already says what is wrong.
        if message.hasPrefix("Warning: No precomputed value available"),
            let last = collector.diagnostics.last, last.line == line, last.path == path
        {
            return
        }
        collector.diagnostics.append(
            Diagnostic(
                collector.code, message, line: error.pointee.line > 0 ? Int(error.pointee.line) : nil,
                column: error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil, path: path))
    }
}
