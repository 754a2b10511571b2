import Foundation
import HTTPTypes
import Hummingbird
import TanbaCore
import TanbaErrors
import TanbaHTTP
import TanbaStore

/// The operators' workspace (a participant with the `operator` role): the outbox of messages to other systems —
/// counts by channel and state, the queue filtered (the stuck and the dead ones), and sending one again — and the
/// Ministry of Finance exports with their delivery and acknowledgement. Every step is audited by `serve`, as every
/// page is.
extension WebRoutes {
    func addOperatorPages(to router: Router<HubContext>) {
        page(router, .get, "/operator/outbox", action: "web-outbox-messages", query: HubCore.outboxParameters) {
            visit, _ in
            try render("operator-outbox", try outboxContext(visit))
        }
        page(router, .get, "/operator/mof", action: "web-mof-exports", query: HubCore.mofExportParameters) {
            visit, _ in
            try render("operator-mof", try mofContext(visit))
        }
        page(
            router, .post, "/operator/outbox/:seq/resend", action: "web-outbox-resend",
            object: { $0.parameters.get("seq") }
        ) { visit, _ in
            guard let seq = Int64(try visit.context.pathParameter("seq")), seq > 0 else {
                throw TanbaError(.notFound, "no such message in the outbox")
            }
            do {
                try core.resendMessage(seq, as: visit.caller!)
                return redirect("/operator/outbox?state=pending")
            } catch let error as TanbaError where error.code == .outboxNotResendable {
                // The list as it is now, with what went wrong: someone resent it meanwhile, or it was delivered.
                var context = try outboxContext(visit, parameters: [])
                context["errors"] = errorItems(error, language: visit.language)
                context["has_errors"] = true
                return try render("operator-outbox", context, status: httpStatus(of: error))
            }
        }
    }

    func outboxContext(_ visit: Visit, parameters: [(String, String)]? = nil) throws -> [String: Any] {
        let pairs =
            parameters
            ?? visit.request.uri.queryParameters.filter { $0.key != "lang" && !$0.value.isEmpty }.map {
                (String($0.key), String($0.value))
            }
        let caller = visit.caller!
        let counts = try core.outboxCounts(as: caller)
        let messages = try core.outboxMessages(pairs, as: caller, naming: { "filter '\($0)'" })
        let t = app.catalogue.table(visit.language)
        let chosen = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        let limit = Int(chosen["limit"] ?? "") ?? 50
        let kept = pairs.filter { $0.0 != "after" }.map { "\($0.0)=\(Self.escape($0.1))" }
        return context(
            visit, title: "outbox_operator_title", current: "outbox_operator",
            [
                "counts": counts.map {
                    [
                        "channel": $0.channel, "state": t["outbox_state_\($0.state.rawValue)"] ?? $0.state.rawValue,
                        "count": visit.formats.number($0.count),
                        "oldest": $0.oldest.map(visit.formats.dateTime) ?? "",
                    ]
                },
                "has_counts": !counts.isEmpty,
                "states": OutboxState.allCases.map {
                    [
                        "value": $0.rawValue, "name": t["outbox_state_\($0.rawValue)"] ?? $0.rawValue,
                        "selected": chosen["state"] == $0.rawValue,
                    ]
                },
                "channel": chosen["channel"] ?? "", "failed": chosen["failed"] == "true",
                "rows": messages.map { message -> [String: Any] in
                    [
                        "seq": String(message.seq), "channel": message.channel, "kind": message.kind,
                        "key": message.idempotencyKey,
                        "state": t["outbox_state_\(message.state.rawValue)"] ?? message.state.rawValue,
                        "state_code": message.state.rawValue, "attempts": String(message.attempts),
                        "created": visit.formats.dateTime(message.createdAt),
                        "next": message.state == .pending ? visit.formats.dateTime(message.nextAttemptAt) : "",
                        "error": message.lastError ?? "",
                        "resendable": message.state == .dead || (message.state == .pending && message.attempts > 0),
                        "action": "/operator/outbox/\(message.seq)/resend",
                    ]
                },
                "empty": messages.isEmpty,
                "next": messages.count == limit
                    ? "/operator/outbox?" + (kept + ["after=\(messages.last!.seq)"]).joined(separator: "&") : "",
            ])
    }

    /// A page of the exports as `HubCore.mofExports` lists them (the API's and the command line's list), in the
    /// visitor's language, with the link to the older ones (the page's `next`, the other parameters kept).
    func mofContext(_ visit: Visit) throws -> [String: Any] {
        let pairs = visit.request.uri.queryParameters.filter { $0.key != "lang" && !$0.value.isEmpty }.map {
            (String($0.key), String($0.value))
        }
        let page = try core.mofExports(pairs, as: visit.caller!, naming: { "filter '\($0)'" })
        let exports = page.exports
        let kept = pairs.filter { $0.0 != "after" }.map { "\($0.0)=\(Self.escape($0.1))" }
        let t = app.catalogue.table(visit.language)
        return context(
            visit, title: "mof_title", current: "mof_operator",
            [
                "rows": exports.map { export -> [String: Any] in
                    [
                        "id": export.id, "sha256": export.sha256, "from": export.from, "to": export.to,
                        "mode": t["mof_mode_\(export.mode)"] ?? export.mode,
                        "created": visit.formats.dateTime(export.createdAt),
                        "total": visit.formats.number(export.total), "size": visit.formats.number(Int(export.size)),
                        "delivery": export.deliveryState.map { t["outbox_state_\($0)"] ?? $0 }
                            ?? (t["mof_not_queued"] ?? ""),
                        "delivery_code": export.deliveryState ?? "", "attempts": String(export.failedAttempts),
                        "ack": t["mof_ack_\(export.acknowledgement)"] ?? export.acknowledgement,
                        "ack_code": export.acknowledgement,
                        "ack_at": export.acknowledgedAt.map(visit.formats.dateTime) ?? "",
                        "reason": export.reason ?? "", "error": export.lastError ?? "",
                    ]
                },
                // "No export made yet" is the first page's to say; a later one may only have none older.
                "empty": exports.isEmpty && !pairs.contains { $0.0 == "after" },
                "next": page.next.map {
                    "/operator/mof?" + (kept + ["after=\(Self.escape($0))"]).joined(separator: "&")
                } ?? "",
            ])
    }
}
