import Foundation
import Hummingbird
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaHTTP
import TanbaStore

/// The public pages, without login and made for a phone: check a code (typed, pasted, or photographed with the
/// phone's camera through a file input), report a violation, follow a report by its reference number.
///
/// Each check and report passes the address's public bucket first (`HubAPI.publicLimiter`, as the JSON routes).
extension WebRoutes {
    func addPublicPages(to router: Router<HubContext>) {
        page(router, .get, "/check", action: "web-check-form", query: ["code", "location"], login: false) {
            visit, _ in
            guard let code = visit.query("code") else { return try render("check", checkContext(visit, nil)) }
            try admitPublic(visit)
            let result = try core.publicCheck(
                code.replacingOccurrences(of: " ", with: "+"), parameter: "code", address: visit.address,
                location: visit.query("location"))
            return try render("check", checkContext(visit, result))
        }
        page(router, .post, "/check", action: "web-check", login: false, limit: HubAPI.maxPhotoBytes + (64 << 10)) {
            visit, identity in
            try admitPublic(visit)
            let location = visit.form["location"].flatMap { $0.isEmpty ? nil : $0 }
            let result: PublicCheck
            if let photo = visit.form.file("photo") {
                result = try core.publicCheck(photo: photo, address: visit.address, location: location)
            } else if let code = visit.form["code"], !code.trimmingCharacters(in: .whitespaces).isEmpty {
                result = try core.publicCheck(
                    code.trimmingCharacters(in: .whitespacesAndNewlines), parameter: "code", address: visit.address,
                    location: location)
            } else {
                throw TanbaError(.requestParameterInvalid, "type a code or choose a photo of its label")
            }
            identity.object = result.code
            return try render("check", checkContext(visit, result))
        }
        page(router, .get, "/report", action: "web-report-form", query: ["code", "kind"], login: false) { visit, _ in
            try render("report", reportContext(visit, values: ["code": visit.query("code") ?? ""]))
        }
        page(router, .post, "/report", action: "web-report", login: false, limit: HubAPI.maxPhotoBytes + (64 << 10)) {
            visit, identity in
            try admitPublic(visit)
            var input = ViolationInput()
            input.kind = visit.form["kind"]
            input.code = visit.form["code"]
            input.shop = visit.form["shop"]
            input.address = visit.form["address"]
            input.region = visit.form["region"]
            input.location = visit.form["location"]
            input.description = visit.form["description"]
            input.contact = visit.form["contact"]
            input.photo = visit.form.file("photo")
            do {
                let report = try core.fileViolation(input)
                identity.object = report.reference
                return redirect("/report/\(report.reference)")
            } catch let error as TanbaError where error.category == .request {
                // The form again, as filled in, with every problem named next to it.
                var values: [String: Any] = [:]
                for field in ["kind", "code", "shop", "address", "region", "location", "description", "contact"] {
                    values[field] = visit.form[field] ?? ""
                }
                var context = reportContext(visit, values: values)
                // A field's problem names the field as the form labels it, in the page's language.
                let t = app.catalogue.table(visit.language)
                context["errors"] = errorItems(error, language: visit.language).map { item -> [String: Any] in
                    var item = item
                    if let field = item["path"] as? String, let label = t["report_\(field)"] { item["path"] = label }
                    return item
                }
                context["has_errors"] = true
                return try render("report", context, status: httpStatus(of: error))
            }
        }
        page(router, .get, "/report/status", action: "web-report-find", query: ["reference"], login: false) {
            visit, _ in
            if let reference = visit.query("reference") {
                return redirect("/report/\(Self.escape(reference.trimmingCharacters(in: .whitespaces)))")
            }
            return try render("report-status", context(visit, title: "report_status_title", current: "check"))
        }
        page(
            router, .get, "/report/:reference", action: "web-report-status", login: false,
            object: { $0.parameters.get("reference") }
        ) { visit, _ in
            let view = try core.violationStatus(try visit.context.pathParameter("reference"))
            let t = app.catalogue.table(visit.language)
            return try render(
                "report-status",
                context(
                    visit, title: "report_status_title", current: "check",
                    [
                        "report": [
                            "reference": view.reference, "kind": t["violation_kind_\(view.kind.rawValue)"] ?? "",
                            "status": t["violation_status_\(view.status.rawValue)"] ?? "",
                            "status_code": view.status.rawValue,
                            "filed": visit.formats.dateTime(view.filedAt),
                            "steps": view.steps.map {
                                [
                                    "at": visit.formats.dateTime($0.at),
                                    "status": t["violation_status_\($0.status.rawValue)"] ?? "",
                                ]
                            },
                        ]
                    ]))
        }
    }

    /// The address's public bucket (`HubAPI.publicLimiter`): a flood of checks from one address is refused at once.
    func admitPublic(_ visit: Visit) throws {
        guard api.publicLimiter.allow(RateLimiter.key(address: visit.address)) else {
            throw api.publicLimiter.refusal
        }
    }

    /// The check page's context: the form, and the answer when there is one, in plain words.
    func checkContext(_ visit: Visit, _ result: PublicCheck?) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        var values: [String: Any] = [:]
        if let result {
            let verdict: String =
                switch result.authenticity {
                case .genuine, .knownPackage, .registeredAbroad:
                    result.status == .inCirculation && result.expired != true ? "good" : "warning"
                case .tailNotGiven: "warning"
                case .forged, .unknown: "bad"
                }
            var facts: [[String: Any]] = []
            func fact(_ label: String, _ value: String?) {
                if let value, !value.isEmpty { facts.append(["label": t[label] ?? label, "value": value]) }
            }
            fact("check_name", result.name)
            fact("check_brand", result.brand)
            fact("check_manufacturer", result.manufacturer)
            fact("check_producer", result.producer.map { "\($0) (\(result.producerBIN ?? ""))" })
            fact("check_importer", result.importer.map { "\($0) (\(result.importerBIN ?? ""))" })
            fact("check_production_date", result.productionDate)
            let expired = result.expired == true ? " — " + (t["check_expired"] ?? "") : ""
            fact("check_expiry_date", result.expiryDate.map { $0 + expired })
            fact("check_country", result.country.map { countryName($0, visit.language) })
            fact("check_group", result.productGroup.map { groupName($0, visit.language) })
            fact("el_GTIN", result.gtin)
            values["result"] = [
                "code": result.code, "verdict": verdict,
                "authenticity": t["check_authenticity_\(result.authenticity.rawValue)"] ?? "",
                "status": t["check_status_\(result.status.rawValue)"] ?? "",
                "reason": reasonName(result.withdrawalReason, visit.language),
                "facts": facts,
                "contents": (result.contents ?? []).map { line -> [String: Any] in
                    let level: String = t["level_\(Self.levelNumber(line.level))"] ?? line.level
                    let name: String = line.name ?? line.gtin ?? level
                    return ["name": name, "count": visit.formats.number(line.count)]
                },
                "has_contents": !(result.contents ?? []).isEmpty,
                "report_href": "/report?code=\(Self.escape(result.code))",
                "problems": result.problems.map {
                    ["code": $0.code.rawValue, "sentence": ErrorMessages.text($0.code, in: visit.language)]
                },
            ]
        }
        return context(visit, title: "check_title", current: "check", values)
    }

    func reasonName(_ reason: String?, _ language: Language) -> String {
        guard let reason else { return "" }
        return core.reference.lists["withdrawal-reasons"]?.item(reason).map { name(of: $0, language) } ?? reason
    }

    static func levelNumber(_ level: String) -> Int {
        switch level {
        case "group": 1
        case "transport": 2
        default: 0
        }
    }

    /// The report form's context: kinds and regions to choose from, and what was filled in.
    func reportContext(_ visit: Visit, values: [String: Any]) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        let chosenKind = values["kind"] as? String ?? visit.query("kind") ?? ""
        let chosenRegion = values["region"] as? String ?? ""
        var context = context(visit, title: "report_title", current: "check", values)
        context["kinds"] = ViolationKind.reportable.map {
            [
                "value": $0.rawValue, "name": t["violation_kind_\($0.rawValue)"] ?? $0.rawValue,
                "selected": $0.rawValue == chosenKind,
            ]
        }
        context["regions"] = Region.codes.map {
            ["value": $0, "name": t["region_\($0)"] ?? $0, "selected": $0 == chosenRegion]
        }
        return context
    }

    func countryName(_ code: String, _ language: Language) -> String {
        core.reference.countries.item(code).map { name(of: $0, language) } ?? code
    }

    func groupName(_ code: String, _ language: Language) -> String {
        core.reference.productGroups.item(code).map { name(of: $0, language) } ?? code
    }
}
