public import Foundation
import TanbaDomain
import TanbaErrors
public import TanbaStore

/// The outbox as the hub's operators see it in the web workspace (the command line has `tanba outbox`): counts, the
/// queue filtered, and sending dead or stuck messages again. Only a participant with the `operator` role sees it:
/// the messages carry every participant's shipments.
extension HubCore {
    /// The list's parameters.
    public static let outboxParameters: Set<String> = ["state", "channel", "failed", "after", "limit"]

    /// - Throws: `AUTH_FORBIDDEN` unless `caller` is one of the hub's operators.
    func checkOperator(_ caller: Caller) throws {
        let isOperator = try store.read { try $0.participant(caller.participant)?.roles.contains(.operator) ?? false }
        guard isOperator else { throw TanbaError(.authForbidden, "only the hub's operators see the outbox") }
    }

    /// Counts by channel and state.
    /// - Throws: `AUTH_FORBIDDEN`.
    public func outboxCounts(as caller: Caller) throws -> [OutboxCount] {
        try checkOperator(caller)
        return try store.read { try $0.outboxCounts() }
    }

    /// One page of messages filtered by name=value `parameters` (`outboxParameters`): `state` (pending, delivered,
    /// dead), `channel`, `failed` (`true`: only those that failed at least once), `after` (a place in the queue),
    /// `limit` (1…200, 50).
    /// - Throws: `AUTH_FORBIDDEN`; `REQUEST_PARAMETER_INVALID` naming the parameter.
    public func outboxMessages(
        _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> [QueuedMessage] {
        try checkOperator(caller)
        let query = try QueryText(parameters, known: Self.outboxParameters, naming: naming)
        var filter = OutboxFilter(limit: try query.integer("limit", in: 1...200, default: 50))
        if let state = try query.string("state") {
            guard let value = OutboxState(rawValue: state) else {
                throw query.invalid("state", "must be pending, delivered or dead, not '\(state)'")
            }
            filter.state = value
        }
        if let channel = try query.string("channel") {
            guard channel.count <= 40, channel.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw query.invalid("channel", "must be a channel's name such as eaeu")
            }
            filter.channel = channel
        }
        if let failed = try query.string("failed") {
            guard failed == "true" || failed == "false" else {
                throw query.invalid("failed", "must be true or false, not '\(failed)'")
            }
            filter.failedOnly = failed == "true"
        }
        filter.after = Int64(try query.integer("after", in: 0...Int(Int64.max), default: 0))
        return try store.read { try $0.queued(filter) }
    }

    /// Sends message `seq` again from now, its attempts counted from zero.
    /// - Throws: `AUTH_FORBIDDEN`; `OUTBOX_NOT_RESENDABLE` unless it is dead, or pending and failed at least once.
    public func resendMessage(_ seq: Int64, as caller: Caller, now: Date = Date()) throws {
        try checkOperator(caller)
        guard try store.write({ try $0.resend(seq, at: now) }) else {
            throw TanbaError(
                .outboxNotResendable,
                "message \(seq) is not dead or stuck: delivered, waiting for its first delivery, or absent")
        }
    }
}
