public import TanbaErrors
public import TanbaPipeline
public import TanbaXML

/// What a submission decided, as every channel reports it: the document's id, `accepted` or `rejected`, its
/// status, how many codes it changed, whether it repeated an earlier submission or was a dry run, and what was
/// read of it (type, signer, algorithm) with every error. `tanba submit --json` prints these fields after its
/// command fields; HTTP sends the receipt and carries `document` and `result` in its headers.
public struct SubmitResult: Encodable, Sendable {
    public let ok: Bool
    public let documentType: String?
    public let signer: SignerIdentity?
    public let algorithm: String?
    public let errors: [Diagnostic]
    public let document: String
    public let result: String
    public let status: String
    public let changes: Int
    public let repeated: Bool
    public let dryRun: Bool
    /// The decision itself, for what a channel sends beyond this view (the signed receipt).
    public let decision: Decision

    public init(_ decision: Decision) {
        self.decision = decision
        ok = decision.accepted
        documentType = decision.type
        signer = decision.signer
        algorithm = decision.algorithm
        errors = decision.diagnostics
        document = decision.documentID
        result = decision.accepted ? "accepted" : "rejected"
        status = decision.status.rawValue
        changes = decision.changes.count
        repeated = decision.repeated
        dryRun = decision.dryRun
    }

    enum CodingKeys: String, CodingKey {
        case ok, documentType, signer, algorithm, errors, document, result, status, changes, repeated, dryRun
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(documentType, forKey: .documentType)
        try container.encodeIfPresent(signer, forKey: .signer)
        try container.encodeIfPresent(algorithm, forKey: .algorithm)
        try container.encode(errors, forKey: .errors)
        try container.encode(document, forKey: .document)
        try container.encode(result, forKey: .result)
        try container.encode(status, forKey: .status)
        try container.encode(changes, forKey: .changes)
        try container.encode(repeated, forKey: .repeated)
        try container.encode(dryRun, forKey: .dryRun)
    }
}
