/// One reported problem: a stable code, a human message, and where it is, when known.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// 1-based line in the input document, when the problem has one.
    public var line: Int?
    /// 1-based column, when the producer knows it (libxml2's schema errors do not).
    public var column: Int?
    /// The element's path, e.g. `/Shipment/Lines/Line[2]/GTIN`.
    public var path: String?
    /// What the diagnostic is about when that is a thing with an identity (a marking code, a package): a
    /// document's handler points the diagnostic at the element that named it by this, never by reading the
    /// message.
    public var subject: String?

    public init(
        _ code: ErrorCode, _ message: String, line: Int? = nil, column: Int? = nil, path: String? = nil,
        subject: String? = nil
    ) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.path = path
        self.subject = subject
    }

    public var description: String {
        var location = ""
        if let line {
            location += "line \(line)" + (column.map { ":\($0)" } ?? "")
        } else if let column {
            location += "column \(column)"
        }
        if let path { location += (location.isEmpty ? "" : " ") + path }
        return location.isEmpty ? "\(code): \(message)" : "\(code) at \(location): \(message)"
    }
}

/// The error every Tanba module throws: one or more diagnostics, the first one deciding the overall code.
///
/// A document is rejected with *every* problem found (e.g. all XSD violations), so this carries a list.
public struct TanbaError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        precondition(!diagnostics.isEmpty, "a TanbaError needs at least one diagnostic")
        self.diagnostics = diagnostics
    }

    public init(
        _ code: ErrorCode, _ message: String, line: Int? = nil, column: Int? = nil, path: String? = nil,
        subject: String? = nil
    ) {
        self.diagnostics = [Diagnostic(code, message, line: line, column: column, path: path, subject: subject)]
    }

    /// The code of the first diagnostic: the one a client should branch on.
    public var code: ErrorCode { diagnostics[0].code }
    public var message: String { diagnostics[0].message }
    public var category: ErrorCategory { ErrorCatalogue.definition(of: code)?.category ?? .internal }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
