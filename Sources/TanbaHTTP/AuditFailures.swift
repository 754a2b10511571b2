import Logging
import TanbaErrors
import TanbaPipeline

extension HubAPI {
    /// Appends a request's audit entry; when the store cannot take it (disk full, I/O error), returns why instead of
    /// throwing, so the request is still answered, counted and logged: an unwritable journal must not turn every
    /// read into a failure nor hide the requests made while it lasts.
    func recordAudit(
        _ identity: Identity, address: String?, channel: String = "http", action: String, result: String
    ) -> String? {
        do {
            try Audit.record(
                Audit.Event(
                    iin: identity.iin, participant: identity.participant, address: address, channel: channel,
                    action: action, object: identity.object, result: result), in: store)
            return nil
        } catch {
            metrics.auditFailure(action: action)
            return (error as? TanbaError)?.code.rawValue ?? ErrorCode.internal.rawValue
        }
    }
}
