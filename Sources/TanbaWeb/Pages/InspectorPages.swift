import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaHTTP
import TanbaStore

/// The inspectors' workspace (a state body's login): the triage list of reports and signals with its filters, one
/// report with the code's full history, and the status set with a comment. Every step is audited by `serve`.
extension WebRoutes {
    func addInspectorPages(to router: Router<HubContext>) {
        page(router, .get, "/violations", action: "web-violations", query: Violations.parameters) { visit, _ in
            let pairs = visit.request.uri.queryParameters.filter { $0.key != "lang" && !$0.value.isEmpty }.map {
                (String($0.key), String($0.value))
            }
            let page = try core.violations(pairs, as: visit.caller!, naming: { "filter '\($0)'" })
            let t = app.catalogue.table(visit.language)
            let chosen = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
            func options(_ name: String, _ values: [String], label: (String) -> String) -> [[String: Any]] {
                values.map { ["value": $0, "name": label($0), "selected": chosen[name] == $0] }
            }
            let kept = pairs.filter { $0.0 != "after" }.map { "\($0.0)=\(Self.escape($0.1))" }
            return try render(
                "violations",
                context(
                    visit, title: "violations_title", current: "violations",
                    [
                        "rows": page.reports.map { violationRow($0, visit) }, "empty": page.reports.isEmpty,
                        "kinds": options("kind", ViolationKind.allCases.map(\.rawValue)) {
                            t["violation_kind_\($0)"] ?? $0
                        },
                        "statuses": options("status", ViolationStatus.allCases.map(\.rawValue)) {
                            t["violation_status_\($0)"] ?? $0
                        },
                        "sources": options("source", ViolationSource.allCases.map(\.rawValue)) {
                            t["violation_source_\($0)"] ?? $0
                        },
                        "regions": options("region", Region.codes) { t["region_\($0)"] ?? $0 },
                        "groups": options("group", core.reference.productGroups.items.map(\.code)) {
                            groupName($0, visit.language)
                        },
                        "participant": chosen["participant"] ?? "", "from": chosen["from"] ?? "",
                        "to": chosen["to"] ?? "", "code": chosen["code"] ?? "",
                        "next": page.next.map {
                            "/violations?" + (kept + ["after=\(Self.escape($0.encoded))"]).joined(separator: "&")
                        } ?? "",
                    ]))
        }
        page(
            router, .get, "/violations/:reference", action: "web-violation",
            object: { $0.parameters.get("reference") }
        ) { visit, _ in
            let found = try core.violationCase(try visit.context.pathParameter("reference"), as: visit.caller!)
            return try render("violation", caseContext(found, visit))
        }
        page(
            router, .get, "/violations/:reference/photo", action: "web-violation-photo",
            object: { $0.parameters.get("reference") }
        ) { visit, _ in
            let found = try core.violationCase(try visit.context.pathParameter("reference"), as: visit.caller!)
            guard let photo = found.report.photo, let type = found.report.photoType else {
                throw TanbaError(.notFound, "this report has no photo")
            }
            var headers = HTTPFields()
            headers[.contentType] = type
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: photo)))
        }
        page(
            router, .post, "/violations/:reference/status", action: "web-violation-status",
            object: { $0.parameters.get("reference") }
        ) { visit, _ in
            let reference = try visit.context.pathParameter("reference")
            guard let expected = visit.form["expected"].flatMap(ViolationStatus.init(rawValue:)),
                let status = visit.form["status"].flatMap(ViolationStatus.init(rawValue:))
            else {
                throw TanbaError(.requestParameterInvalid, "choose the new status")
            }
            do {
                _ = try core.setViolationStatus(
                    reference, expected: expected, to: status, comment: visit.form["comment"], as: visit.caller!)
                return redirect("/violations/\(Self.escape(reference))")
            } catch let error as TanbaError
                where error.code == .violationStatusChanged || error.code == .violationInvalid
            {
                // The report as it is now, with what went wrong: the inspector decides again on what is there.
                var context = caseContext(try core.violationCase(reference, as: visit.caller!), visit)
                context["errors"] = errorItems(error, language: visit.language)
                context["has_errors"] = true
                return try render("violation", context, status: httpStatus(of: error))
            }
        }
    }

    func violationRow(_ report: ViolationReport, _ visit: Visit) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        return [
            "reference": report.reference, "href": "/violations/\(report.reference)",
            "created": visit.formats.dateTime(report.createdAt),
            "kind": t["violation_kind_\(report.kind.rawValue)"] ?? report.kind.rawValue,
            "source": t["violation_source_\(report.source.rawValue)"] ?? report.source.rawValue,
            "status": t["violation_status_\(report.status.rawValue)"] ?? report.status.rawValue,
            "status_code": report.status.rawValue,
            "region": report.region.map { t["region_\($0)"] ?? $0 } ?? "",
            "group": report.productGroup.map { groupName($0, visit.language) } ?? "",
            "participant": report.participant ?? "", "code": report.code ?? "",
            "shop": report.shop ?? "", "address": report.address ?? "",
        ]
    }

    func caseContext(_ found: ViolationCase, _ visit: Visit) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        let report = found.report
        var row = violationRow(report, visit)
        row["description"] = report.description ?? ""
        row["contact"] = report.contact ?? ""
        row["location"] = report.latitude.map { "\($0), \(report.longitude ?? 0)" } ?? ""
        row["photo"] = report.photoType == nil ? "" : "/violations/\(report.reference)/photo"
        row["code_href"] = report.code.map { "/codes/\(Self.escape($0))" } ?? ""
        return context(
            visit, title: "violation_title", current: "violations",
            [
                "report": row,
                "steps": found.steps.map {
                    [
                        "at": visit.formats.dateTime($0.at),
                        "status": t["violation_status_\($0.status.rawValue)"] ?? $0.status.rawValue,
                        "comment": $0.comment ?? "", "inspector": $0.inspector ?? "",
                    ]
                },
                "history": historyRows(found.history, visit),
                "has_history": !found.history.isEmpty,
                "choices": ViolationStatus.allCases.filter { $0 != report.status }.map {
                    ["value": $0.rawValue, "name": t["violation_status_\($0.rawValue)"] ?? $0.rawValue]
                },
                "expected": report.status.rawValue,
            ])
    }
}
