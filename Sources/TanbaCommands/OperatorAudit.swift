import Foundation
import TanbaErrors
import TanbaPipeline
import TanbaStore

/// The operator's own actions on the command line, in the audit trail beside the participants' (channel `cli`).
///
/// Every command that changes data writes its change and its audit entry in one transaction, so the trail can
/// neither miss a change nor record one that did not happen. The person is the operating-system user on its
/// host (`user@host`, in the entry's address): the command line has no signature login to name an IIN.
enum OperatorAudit {
    static let channel = "cli"

    /// `user@host` of the process: who ran the command, and where.
    static let who: String = {
        let user =
            getpwuid(geteuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
            ?? ProcessInfo.processInfo.environment["USER"] ?? "uid\(geteuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }()

    /// An entry of this channel.
    static func event(
        _ action: String, participant: String? = nil, iin: String? = nil, object: String? = nil, result: String
    ) -> Audit.Event {
        Audit.Event(
            iin: iin, participant: participant, address: who, channel: channel, action: action, object: object,
            result: result)
    }

    /// Runs `change` in one write transaction with its audit entry, whose result `result` describes.
    ///
    /// A refusal (the input judged: a code in the wrong status, an unknown participant…) is audited too, in a
    /// transaction of its own since the change rolled back; a failure of the store itself is not, since the
    /// store may be what failed.
    @discardableResult
    static func write<T>(
        _ store: any HubStore, action: String, participant: String? = nil, object: String? = nil,
        result: (T) -> String = { _ in "ok" }, _ change: (any StoreWriter) throws -> T
    ) throws -> T {
        do {
            return try store.write { tx in
                let value = try change(tx)
                try Audit.append(
                    event(action, participant: participant, object: object, result: result(value)), at: Date(), in: tx)
                return value
            }
        } catch let error as TanbaError where error.category != .internal {
            try? Audit.record(
                event(action, participant: participant, object: object, result: "refused \(error.code)"), in: store)
            throw error
        }
    }
}
