import TanbaErrors
import TanbaPipeline
import TanbaXML

/// What `tanba submit --json` prints: the documented shape of every command's JSON (`ok`, `command`, `file`,
/// `documentType`, `signer`, `algorithm`, `errors` as objects), then the decision: the document's id, result
/// and status, how many codes it changed, and whether it repeated an earlier submission or was a dry run.
struct SubmitReport: Encodable {
    var ok: Bool
    var command = "submit"
    var file: String
    var documentType: String?
    var signer: SignerIdentity?
    var algorithm: String?
    var errors: [Diagnostic]
    var document: String
    var result: String
    var status: String
    var changes: Int
    var repeated: Bool
    var dryRun: Bool

    init(_ decision: Decision, file: String) {
        ok = decision.accepted
        self.file = file
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
}
