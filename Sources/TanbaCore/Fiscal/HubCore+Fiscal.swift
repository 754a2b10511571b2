public import Foundation
public import TanbaPipeline
public import TanbaStore

/// Fiscal data: the batches of cash receipts OFDs relay (`FiscalIntake`), for every channel alike.
extension HubCore {
    /// The intake over this core's pipeline (its store, schemas, verifier and reference data).
    public var fiscal: FiscalIntake { FiscalIntake(pipeline: pipeline) }

    /// Decides an OFD's signed batch. The batch authenticates itself (its signature): no login is asked. The audit
    /// entry (action `fiscal-receipts`, the signer's IIN and the OFD, the batch id, the counts or `refused CODE`)
    /// is written with the batch, or alone for a refusal.
    /// - Throws: the refusal, every error of the failing stage listed; nothing is applied then.
    public func submitFiscal(_ bytes: [UInt8], via channel: ChannelOrigin, now: Date = Date()) throws -> FiscalAnswer {
        try fiscal.submit(bytes, now: now) { facts in
            Audit.Event(
                iin: facts.signer?.iin, participant: facts.ofd, address: channel.address, channel: channel.name,
                action: "fiscal-receipts", object: facts.batch, result: facts.result)
        }
    }

    /// The receipts with a line naming a code (given in any form the look-ups read), newest first.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming `parameter` when `text` is not a code.
    public func fiscalReceipts(code text: String, parameter: String, limit: Int = 100) throws
        -> [FiscalReceiptRecord]
    {
        try fiscal.receipts(code: try codeIdentity(text, parameter: parameter), limit: limit)
    }
}
