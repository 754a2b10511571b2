import TanbaCore
import TanbaPipeline

/// What `tanba submit --json` prints: the documented shape of every command's JSON (`ok`, `command`, `file`,
/// `documentType`, `signer`, `algorithm`, `errors` as objects), then the decision: the document's id, result
/// and status, how many codes it changed, and whether it repeated an earlier submission or was a dry run. All but
/// `command` and `file` are the core's `SubmitResult`, the view every channel reports a submission with.
struct SubmitReport: Encodable {
    let command = "submit"
    let file: String
    let result: SubmitResult

    init(_ decision: Decision, file: String) {
        self.file = file
        result = SubmitResult(decision)
    }

    enum CodingKeys: String, CodingKey { case command, file }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .command)
        try container.encode(file, forKey: .file)
        // The same object: the result's fields sit beside the command's, as the documented shape has them.
        try result.encode(to: encoder)
    }
}
