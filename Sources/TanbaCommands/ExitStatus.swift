import ArgumentParser
import TanbaErrors

/// The exit status of every `tanba` command: one scheme, documented in the README and `tanba --help`.
///
/// - 0: success.
/// - 1: the input was judged and refused: a document rejected, a code not genuine or not found, an invalid
///   identifier, an unknown participant.
/// - 2: the command could not run: a missing or unreadable file, a bad configuration or option value, a missing
///   or failing store.
/// - 64: usage: an unknown option, a missing argument (swift-argument-parser's `EX_USAGE`, kept as it is).
///
/// Which of 1 and 2 a failure is follows from its first error's catalogue category alone (`status(for:)`), never
/// from the command that failed.
enum ExitStatus {
    static let success: Int32 = 0
    static let refused: Int32 = 1
    static let couldNotRun: Int32 = 2
    static let usage: Int32 = ExitCode.validationFailure.rawValue

    /// 1 for the categories that judge an input (document, certificate, request), 2 for `internal`: the
    /// configuration, a file or key the command was given, the store.
    static func status(for category: ErrorCategory) -> Int32 {
        switch category {
        case .document, .certificate, .request: refused
        case .internal: couldNotRun
        }
    }

    /// The status of a failure whose first error has `code` (an unknown code counts as internal).
    static func status(for code: ErrorCode) -> Int32 {
        status(for: ErrorCatalogue.definition(of: code)?.category ?? .internal)
    }
}
