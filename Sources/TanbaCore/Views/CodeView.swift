import Foundation
public import TanbaDomain

/// A code as a participant may see it (`GET /v1/codes/…`, OpenAPI `CodeView`). A former holder gets the code's
/// identity, not its current state (`AccessPolicy.codeScope`).
public struct CodeView: Encodable, Sendable {
    public enum Scope: String, Encodable, Sendable {
        /// The owner's or a state body's view: everything.
        case full
        /// A former holder's view: the identity and its own part of the history.
        case formerHolder
    }

    public let scope: Scope
    public let code: CodeRecord
    public let history: [CodeEvent]
    /// A package's direct contents (full view only).
    public let contents: [String]

    public init(scope: Scope, code: CodeRecord, history: [CodeEvent], contents: [String]) {
        self.scope = scope
        self.code = code
        self.history = history
        self.contents = contents
    }

    /// What never changes about a code: the part of the record any holder knew.
    struct Unchanging: Encodable {
        let id: String
        let level: PackagingLevel
        let gtin: String?
        let emitter: String
        let issuedAt: Date
    }

    enum CodingKeys: String, CodingKey { case scope, code, history, contents }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scope, forKey: .scope)
        switch scope {
        case .full: try container.encode(code, forKey: .code)
        case .formerHolder:
            try container.encode(
                Unchanging(
                    id: code.id, level: code.level, gtin: code.gtin, emitter: code.emitter, issuedAt: code.issuedAt),
                forKey: .code)
        }
        try container.encode(history, forKey: .history)
        try container.encode(contents, forKey: .contents)
    }
}
