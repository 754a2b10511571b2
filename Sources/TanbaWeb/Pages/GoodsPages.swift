import Foundation
import Hummingbird
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaHTTP
import TanbaStore

/// My goods: what the participant holds, counted by GTIN and status; the codes of one kind; a code's history.
extension WebRoutes {
    func addGoodsPages(to router: Router<HubContext>) {
        page(router, .get, "/goods", action: "web-stock") { visit, _ in
            let t = app.catalogue.table(visit.language)
            let stock = try core.stock(as: visit.caller!)
            let names = Dictionary(
                try core.store.read { tx in try Set(stock.compactMap(\.gtin)).compactMap { try tx.product($0) } }
                    .map { ($0.gtin, $0.name) }, uniquingKeysWith: { a, _ in a })
            let rows = stock.map { row -> [String: Any] in
                var query = "status=\(row.status.rawValue)"
                if let gtin = row.gtin { query += "&gtin=\(gtin)" } else { query += "&level=\(row.level.rawValue)" }
                return [
                    "gtin": row.gtin ?? "",
                    "name": row.gtin.flatMap { names[$0] } ?? t["level_\(row.level.rawValue)"] ?? "",
                    "status": t["code_status_\(row.status.rawValue)"] ?? row.status.rawValue,
                    "count": visit.formats.number(row.count), "href": "/goods/codes?\(query)",
                ]
            }
            let total = stock.reduce(0) { $0 + $1.count }
            return try render(
                "goods",
                context(
                    visit, title: "goods_title", current: "goods",
                    [
                        "rows": rows, "has_rows": !rows.isEmpty, "empty": rows.isEmpty,
                        "total": visit.formats.number(total),
                    ]))
        }
        page(router, .get, "/goods/codes", action: "web-stock-codes", query: ["gtin", "status", "level", "after"]) {
            visit, _ in
            let t = app.catalogue.table(visit.language)
            let gtin = visit.query("gtin")
            let status = try visit.query("status").map { text -> CodeStatus in
                guard let status = CodeStatus(rawValue: text) else {
                    throw TanbaError(.requestParameterInvalid, "status '\(text)' is not a code status")
                }
                return status
            }
            let level = visit.query("level").flatMap(Int.init).flatMap(PackagingLevel.init(rawValue:))
            let page = try core.ownedCodes(
                as: visit.caller!, gtin: gtin, level: level, status: status, after: visit.query("after"))
            var kept: [String] = []
            if let gtin { kept.append("gtin=\(Self.escape(gtin))") }
            if let level { kept.append("level=\(level.rawValue)") }
            if let status { kept.append("status=\(status.rawValue)") }
            return try render(
                "codes",
                context(
                    visit, title: "codes_title", current: "goods",
                    [
                        "gtin": gtin ?? "",
                        "status": status.map { t["code_status_\($0.rawValue)"] ?? $0.rawValue } ?? "",
                        "codes": page.codes.map { code(row: $0, visit: visit) }, "empty": page.codes.isEmpty,
                        "next": page.next.map {
                            "/goods/codes?" + (kept + ["after=\(Self.escape($0))"]).joined(separator: "&")
                        }
                            ?? "",
                    ]))
        }
        page(router, .get, "/codes/:id", action: "web-read-code", object: { $0.parameters.get("id") }) { visit, _ in
            let text = try id(visit)
            let identity = try core.codeIdentity(text, parameter: "code")
            let view = try core.code(identity, as: visit.caller!)
            let history = historyRows(view.history, visit)
            return try render(
                "code",
                context(
                    visit, title: "code_title", current: "goods",
                    [
                        "code": code(row: view.code, visit: visit), "history": history,
                        "contents": view.contents.map { ["code": $0, "href": "/codes/\(Self.escape($0))"] },
                        "has_contents": !view.contents.isEmpty, "partial": view.scope == .formerHolder,
                    ]))
        }
    }

    func code(row: CodeRecord, visit: Visit) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        return [
            "id": row.id, "href": "/codes/\(Self.escape(row.id))", "href_id": Self.escape(row.id),
            "gtin": row.gtin ?? "",
            "level": t["level_\(row.level.rawValue)"] ?? "",
            "status": t["code_status_\(row.status.rawValue)"] ?? row.status.rawValue,
            "owner": row.owner, "locked": row.lockedBy ?? "", "parent": row.parent ?? "",
            "reason": reasonName(row.withdrawalReason?.rawValue, visit.language),
        ]
    }

    /// A code's history as the pages show it (the code's page, an inspector's report): when, the operation and
    /// status in the page's language, the owner, the document linked.
    func historyRows(_ events: [CodeEvent], _ visit: Visit) -> [[String: Any]] {
        let t = app.catalogue.table(visit.language)
        return events.map { event in
            [
                "at": visit.formats.dateTime(event.at),
                "operation": t["op_\(event.operation)"] ?? event.operation,
                "status": t["code_status_\(event.status.rawValue)"] ?? event.status.rawValue,
                "owner": event.owner, "document": event.document ?? "",
                // A cash receipt (`FR-…`) is not a document the hub keeps: named, not linked.
                "href": event.document.flatMap {
                    FiscalReceiptRecord.isReceipt($0) ? nil : "/documents/\(Self.escape($0))"
                } ?? "",
            ]
        }
    }
}
