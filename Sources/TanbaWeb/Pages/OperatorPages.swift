import Foundation
import HTTPTypes
import Hummingbird
import TanbaCore
import TanbaErrors
import TanbaHTTP
import TanbaStore

/// The operators' workspace (a participant with the `operator` role): the outbox of messages to other systems —
/// counts by channel and state, the queue filtered (the stuck and the dead ones), and sending one again — the
/// Ministry of Finance exports and reconciliation reports with their delivery and acknowledgement, and the
/// Ministry's SNT lists kept with their SNTs in force. Every step is audited by `serve`, as every page is.
extension WebRoutes {
    func addOperatorPages(to router: Router<HubContext>) {
        page(router, .get, "/operator/outbox", action: "web-outbox-messages", query: HubCore.outboxParameters) {
            visit, _ in
            try render("operator-outbox", try outboxContext(visit))
        }
        page(router, .get, "/operator/mof", action: "web-mof-exports", query: Self.mofPageParameters) {
            visit, _ in
            try render("operator-mof", try mofContext(visit))
        }
        page(router, .get, "/operator/mof/snts", action: "web-mof-snts", query: HubCore.mofSNTParameters) {
            visit, _ in
            try render("operator-mof-snts", try mofSNTContext(visit))
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

    /// The page's parameters: the exports' list's own (`limit`, `after`), and the reconciliation reports' list's
    /// under `reconciliations_`, so that each list pages on its own while the other keeps its place.
    static let mofReconciliationPrefix = "reconciliations_"
    static let mofPageParameters = HubCore.mofListParameters.union(
        HubCore.mofListParameters.map { mofReconciliationPrefix + $0 })

    /// A page of the exports and one of the reconciliation reports as `HubCore.mofExports` and
    /// `HubCore.mofReconciliations` list them (the API's and the command line's lists), in the visitor's language,
    /// each with the link to its older ones (the list's `next`, the other parameters kept).
    func mofContext(_ visit: Visit) throws -> [String: Any] {
        let pairs = visit.request.uri.queryParameters.filter { $0.key != "lang" && !$0.value.isEmpty }.map {
            (String($0.key), String($0.value))
        }
        let prefix = Self.mofReconciliationPrefix
        let page = try core.mofExports(
            pairs.filter { !$0.0.hasPrefix(prefix) }, as: visit.caller!, naming: { "filter '\($0)'" })
        let reports = try core.mofReconciliations(
            pairs.filter { $0.0.hasPrefix(prefix) }.map { (String($0.0.dropFirst(prefix.count)), $0.1) },
            as: visit.caller!, naming: { "filter '\(prefix)\($0)'" })
        let t = app.catalogue.table(visit.language)
        /// The link to the page whose parameter `name` is `cursor`, the others kept; empty on a list's last page.
        func older(_ name: String, _ cursor: String?) -> String {
            cursor.map {
                "/operator/mof?"
                    + (pairs.filter { $0.0 != name }.map { "\($0.0)=\(Self.escape($0.1))" } + [
                        "\(name)=\(Self.escape($0))"
                    ]).joined(separator: "&")
            } ?? ""
        }
        /// A count of a comparison with the SNT list, or that there was none.
        func compared(_ count: Int?) -> String { count.map(visit.formats.number) ?? (t["mof_not_compared"] ?? "") }
        return context(
            visit, title: "mof_title", current: "mof_operator",
            [
                "rows": page.exports.map { export -> [String: Any] in
                    mofStatus(export.status, ack: "mof_ack_", visit).merging([
                        "id": export.id, "sha256": export.sha256, "from": export.from, "to": export.to,
                        "mode": t["mof_mode_\(export.mode)"] ?? export.mode,
                        "created": visit.formats.dateTime(export.createdAt),
                        "total": visit.formats.number(export.total), "size": visit.formats.number(Int(export.size)),
                    ]) { $1 }
                },
                // "No export made yet" is the first page's to say; a later one may only have none older.
                "empty": page.exports.isEmpty && !pairs.contains { $0.0 == "after" },
                "next": older("after", page.next),
                "reconciliations": reports.reconciliations.map { report -> [String: Any] in
                    mofStatus(report.status, ack: "mof_report_ack_", visit).merging([
                        "id": report.id, "sha256": report.sha256, "from": report.from, "to": report.to,
                        "created": visit.formats.dateTime(report.createdAt),
                        "without_snt": visit.formats.number(report.withoutSNT),
                        "snt_without_shipment": compared(report.sntWithoutShipment),
                        "quantities_differ": compared(report.quantitiesDiffer),
                        "parties_differ": compared(report.partiesDiffer),
                    ]) { $1 }
                },
                "reconciliations_empty": reports.reconciliations.isEmpty
                    && !pairs.contains { $0.0 == prefix + "after" },
                "reconciliations_next": older(prefix + "after", reports.next),
            ])
    }

    /// The SNT lists kept whose period meets the days asked and a page of their SNTs in force, as `HubCore.mofSNTs`
    /// answers them (the API's and the command line's view), in the visitor's language, with the filter's form and
    /// the link to the next page (the answer's `next`, the period and limit kept).
    func mofSNTContext(_ visit: Visit) throws -> [String: Any] {
        let pairs = visit.request.uri.queryParameters.filter { $0.key != "lang" && !$0.value.isEmpty }.map {
            (String($0.key), String($0.value))
        }
        let page = try core.mofSNTs(pairs, as: visit.caller!, naming: { "filter '\($0)'" })
        let t = app.catalogue.table(visit.language)
        let chosen = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        let kept = pairs.filter { $0.0 != "after" }.map { "\($0.0)=\(Self.escape($0.1))" }
        return context(
            visit, title: "mof_snts_title", current: "mof_operator",
            [
                "from": chosen["from"] ?? "", "to": chosen["to"] ?? "", "limit": chosen["limit"] ?? "",
                "lists": page.lists.map { list -> [String: Any] in
                    [
                        "sha256": list.sha256, "from": visit.formats.day(list.from), "to": visit.formats.day(list.to),
                        "created": visit.formats.dateTime(list.createdAt),
                        "imported": visit.formats.dateTime(list.importedAt), "count": visit.formats.number(list.count),
                        "days": list.daysInForce > 0
                            ? visit.formats.number(list.daysInForce) : (t["mof_snts_replaced"] ?? ""),
                        "days_in_force": String(list.daysInForce),
                    ]
                },
                "lists_empty": page.lists.isEmpty, "more_lists": page.moreLists,
                "snts": page.snts.map { snt -> [String: Any] in
                    [
                        "number": snt.number, "date": visit.formats.day(snt.date), "seller": snt.seller,
                        "buyer": snt.buyer, "line_count": visit.formats.number(snt.lineCount),
                        "lines": snt.lines.map { ["gtin": $0.gtin, "quantity": visit.formats.amount($0.quantity)] },
                        "list": snt.list, "list_created": visit.formats.dateTime(snt.listCreatedAt),
                    ]
                },
                // "None in force" is the first page's to say; a later one may only have none after the last shown.
                "snts_empty": page.snts.isEmpty && chosen["after"] == nil,
                "next": page.next.map {
                    "/operator/mof/snts?" + (kept + ["after=\(Self.escape($0))"]).joined(separator: "&")
                } ?? "",
            ])
    }

    /// The delivery and acknowledgement columns of a row of either list, the acknowledgement's words under
    /// `ack` + state (an export is feminine in Russian, a report masculine).
    func mofStatus(_ status: MoFStatusView, ack: String, _ visit: Visit) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        return [
            "delivery": status.deliveryState.map { t["outbox_state_\($0)"] ?? $0 } ?? (t["mof_not_queued"] ?? ""),
            "delivery_code": status.deliveryState ?? "", "attempts": String(status.failedAttempts),
            "ack": t[ack + status.acknowledgement] ?? status.acknowledgement, "ack_code": status.acknowledgement,
            "ack_at": status.acknowledgedAt.map(visit.formats.dateTime) ?? "",
            "reason": status.reason ?? "", "error": status.lastError ?? "",
        ]
    }
}
