import Crypto
public import Foundation
public import TanbaErrors
import TanbaXML

extension DocumentPipeline {
    /// Refuses an input that was never read as a document (a drop-folder item that is not a regular file, or one
    /// the hub could not finish deciding): a signed refusal receipt carrying `error` and nothing of the item, with
    /// the channel's audit entry.
    ///
    /// The receipt names no bytes (its digest is that of no bytes), so it tells nothing about what the item was or
    /// pointed to. Nothing is kept in the refusals' journal: there is no document whose id could be asked for.
    public func refuseUnread(
        _ error: TanbaError, now: Date = Date(), journal: (@Sendable (Decision) -> Audit.Event)? = nil
    ) throws -> Decision {
        var context = Context(bytes: [], now: now, dryRun: false)
        context.identify(digest: Hex.encode(SHA256.hash(data: [UInt8]())))
        let receipt = try Receipts.make(context, accepted: false, diagnostics: error.diagnostics, signer: hub)
        let decision = Decision(
            documentID: context.id, type: nil, accepted: false, status: .rejected, diagnostics: error.diagnostics,
            changes: [], receipt: receipt, repeated: false, dryRun: false)
        if let journal { try Audit.record(journal(decision), in: store, at: now) }
        return decision
    }
}
