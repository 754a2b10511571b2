import Foundation
import Hummingbird
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaHTTP
import TanbaStore

/// Documents a clerk prepares in the browser: the answer to an incoming shipment, the cancellation of one's own,
/// a new shipment and a withdrawal from one's stock. Each form builds the unsigned document (`DocumentDrafts`), the
/// preview page shows what the pipeline would decide (`HubCore.preview`: every check but the signature, nothing
/// written), and the user signs it there with NCALayer; the signed document is posted to `/upload` as any other.
extension WebRoutes {
    func addDraftPages(to router: Router<HubContext>) {
        page(router, .get, "/documents/:id/answer", action: "web-answer-page", object: { $0.parameters.get("id") }) {
            visit, _ in
            let shipment = try core.pendingShipment(try id(visit), as: visit.caller!, from: .inbox)
            let lines = try core.shippedLines(of: shipment)
            return try render(
                "answer",
                context(
                    visit, title: "answer_title", current: "inbox",
                    [
                        "id": shipment.id, "shipment": shipment.number, "number": Self.draftNumber("ANS"),
                        "lines": lines.map { line -> [String: Any] in
                            [
                                "number": line.number, "gtin": line.gtin,
                                "items": line.items.map { ["id": $0, "href": "/codes/\(Self.escape($0))"] },
                            ]
                        },
                    ]))
        }
        page(
            router, .post, "/documents/:id/answer", action: "web-answer-preview", limit: Self.maxUpload,
            object: { $0.parameters.get("id") }
        ) { visit, _ in
            let caller = visit.caller!
            let shipment = try core.pendingShipment(try id(visit), as: caller, from: .inbox)
            // An item is accepted when it is ticked and so is its line: unticking a line refuses all of it.
            let lines = try core.shippedLines(of: shipment)
            let ticked = Set(visit.form.all("accept"))
            let linesTicked = Set(visit.form.all("line"))
            let acceptedItems = Set(
                lines.filter { linesTicked.contains($0.number) }.flatMap(\.items).filter { ticked.contains($0) })
            let items = lines.flatMap(\.items)
            let rejected = items.filter { !acceptedItems.contains($0) }
            let reason = visit.form["reason"].flatMap { $0.isEmpty ? nil : $0 } ?? ""
            if !rejected.isEmpty, reason.trimmingCharacters(in: .whitespaces).isEmpty {
                throw TanbaError(.requestInvalid, "rejected items need a reason")
            }
            let draft = DocumentDrafts.shipmentAnswer(
                number: try Self.number(visit), date: Self.today(), buyer: try core.participant(caller.participant),
                seller: try core.participant(shipment.sender), shipment: shipment,
                accepted: items.filter { acceptedItems.contains($0) }, rejected: rejected, reason: reason)
            return try previewPage(visit, draft: draft, back: "/documents/\(Self.escape(shipment.id))")
        }
        page(
            router, .post, "/documents/:id/cancel", action: "web-cancel-preview", object: { $0.parameters.get("id") }
        ) { visit, _ in
            let caller = visit.caller!
            let shipment = try core.pendingShipment(try id(visit), as: caller, from: .outbox)
            let draft = DocumentDrafts.cancellation(
                number: Self.draftNumber("CNL"), date: Self.today(), seller: try core.participant(caller.participant),
                buyer: try core.participant(shipment.recipient ?? ""), shipment: shipment,
                reason: visit.form["reason"].flatMap { $0.isEmpty ? nil : $0 } ?? "—")
            return try previewPage(visit, draft: draft, back: "/documents/\(Self.escape(shipment.id))")
        }
        page(router, .get, "/create/shipment", action: "web-create-shipment", query: ["gtin"]) { visit, _ in
            try createPage(visit, template: "create-shipment", title: "create_shipment_title")
        }
        page(router, .post, "/create/shipment", action: "web-shipment-preview", limit: Self.maxUpload) { visit, _ in
            let caller = visit.caller!
            let items = try Self.items(visit, core: core)
            let buyerID = (visit.form["buyer"] ?? "").trimmingCharacters(in: .whitespaces)
            guard (try? KazakhIdentifier(buyerID)) != nil else {
                throw TanbaError(.requestInvalid, "the buyer's BIN or IIN is not valid")
            }
            guard let price = Decimal(string: (visit.form["price"] ?? "").replacingOccurrences(of: ",", with: ".")),
                price >= 0
            else { throw TanbaError(.requestInvalid, "the unit price is not an amount") }
            let rate = visit.form["vat"] ?? "12"
            let holdings = try core.holdings(of: items)
            let gtins = holdings.compactMapValues(\.gtin)
            let units = holdings.mapValues(\.units)
            let names = Dictionary(
                try core.store.read { tx in try Set(gtins.values).compactMap { try tx.product($0) } }
                    .map { ($0.gtin, $0.name) }, uniquingKeysWith: { a, _ in a })
            let grouped = Dictionary(grouping: items, by: { gtins[$0] ?? "" })
            let lines = try grouped.keys.sorted().map { gtin in
                // A price given for this GTIN's group, else the price for all.
                let text = (visit.form["price_\(gtin)"] ?? "").replacingOccurrences(of: ",", with: ".")
                let linePrice = text.isEmpty ? price : Decimal(string: text)
                guard let linePrice, linePrice >= 0 else {
                    throw TanbaError(.requestInvalid, "the unit price of GTIN \(gtin) is not an amount")
                }
                return DocumentDrafts.Line(
                    gtin: gtin, name: names[gtin] ?? gtin, items: grouped[gtin]!,
                    units: grouped[gtin]!.reduce(0) { $0 + (units[$1] ?? 0) }, unitPrice: linePrice, vatRate: rate)
            }
            let draft = DocumentDrafts.shipment(
                number: try Self.number(visit), date: Self.today(), seller: try core.participant(caller.participant),
                buyer: try core.participant(buyerID), lines: lines)
            return try previewPage(visit, draft: draft, back: "/create/shipment")
        }
        page(router, .get, "/create/aggregation", action: "web-create-aggregation", query: ["gtin"]) { visit, _ in
            try createPage(visit, template: "create-aggregation", title: "create_aggregation_title")
        }
        page(router, .post, "/create/aggregation", action: "web-aggregation-preview", limit: Self.maxUpload) {
            visit, _ in
            let items = try Self.items(visit, core: core)
            let package = try core.codeIdentity(
                (visit.form["package"] ?? "").trimmingCharacters(in: .whitespaces), parameter: "package")
            let draft = DocumentDrafts.aggregation(
                number: try Self.number(visit), date: Self.today(),
                owner: try core.participant(visit.caller!.participant), package: package, items: items)
            return try previewPage(visit, draft: draft, back: "/create/aggregation")
        }
        page(router, .get, "/create/withdrawal", action: "web-create-withdrawal", query: ["gtin"]) { visit, _ in
            try createPage(visit, template: "create-withdrawal", title: "create_withdrawal_title")
        }
        page(router, .post, "/create/withdrawal", action: "web-withdrawal-preview", limit: Self.maxUpload) {
            visit, _ in
            let items = try Self.items(visit, core: core)
            let basisNumber = (visit.form["basis_number"] ?? "").trimmingCharacters(in: .whitespaces)
            let basisDate = visit.form["basis_date"] ?? ""
            let draft = DocumentDrafts.withdrawal(
                number: try Self.number(visit), date: Self.today(),
                owner: try core.participant(visit.caller!.participant),
                reason: visit.form["reason"] ?? "", basis: basisNumber.isEmpty ? nil : (basisNumber, basisDate),
                withdrawalDate: visit.form["date"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.today(), codes: items)
            return try previewPage(visit, draft: draft, back: "/create/withdrawal")
        }
    }

    /// A form to pick codes from stock (in circulation, of one GTIN when asked) or to paste or scan them.
    func createPage(_ visit: Visit, template: String, title: String) throws -> Response {
        let gtin = visit.query("gtin")
        let stock = try core.ownedCodes(as: visit.caller!, gtin: gtin, status: .inCirculation, after: nil, limit: 500)
        let reasons = (core.reference.lists["withdrawal-reasons"]?.items ?? []).map {
            ["code": $0.code, "name": name(of: $0, visit.language)]
        }
        let rates = (core.reference.lists["vat-rates"]?.items ?? []).map {
            ["code": $0.code, "name": name(of: $0, visit.language), "selected": $0.code == "12"]
        }
        return try render(
            template,
            context(
                visit, title: title, current: "create",
                [
                    "number": Self.draftNumber(
                        ["create-shipment": "SHP", "create-aggregation": "AGG"][template] ?? "WDR"),
                    "today": Self.today(),
                    "groups": stockGroups(stock.codes.filter { $0.parent == nil && $0.lockedBy == nil }, visit: visit),
                    "prices": template == "create-shipment",
                    "reasons": reasons, "rates": rates, "gtin": gtin ?? "",
                ]))
    }

    /// Free stock by GTIN (packages by themselves), each group with its product's name: a shipment's form asks a
    /// price per group.
    func stockGroups(_ codes: [CodeRecord], visit: Visit) -> [[String: Any]] {
        let t = app.catalogue.table(visit.language)
        let grouped = Dictionary(grouping: codes, by: { $0.gtin ?? "" })
        return grouped.keys.sorted().map { gtin in
            let name =
                gtin.isEmpty
                ? t["goods_packages"] ?? "" : (try? core.store.read { try $0.product(gtin) })??.name ?? gtin
            return [
                "gtin": gtin, "name": name, "codes": grouped[gtin]!.map { code(row: $0, visit: visit) },
                "priced": !gtin.isEmpty,
            ]
        }
    }

    /// The codes a create form names: ticked from stock, and pasted or scanned one per line (any scanner form;
    /// each is read as the API reads a code, so a typo is refused naming it).
    static func items(_ visit: Visit, core: HubCore) throws -> [String] {
        var items = visit.form.all("code")
        for line in (visit.form["codes"] ?? "").split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            items.append(try core.codeIdentity(text, parameter: "codes"))
        }
        var seen = Set<String>()
        items = items.filter { seen.insert($0).inserted }
        guard !items.isEmpty else { throw TanbaError(.requestInvalid, "choose or paste at least one code") }
        return items
    }

    /// The preview of a draft: what the pipeline would decide, the draft to sign, and the signing form.
    func previewPage(_ visit: Visit, draft: String, back: String) throws -> Response {
        let result = try core.preview(Array(draft.utf8), as: visit.caller!)
        let errors = errorItems(result.errors, language: visit.language)
        return try render(
            "preview",
            context(
                visit, title: "preview_title",
                [
                    "ok": result.ok, "changes": visit.formats.number(result.changes), "draft": draft,
                    "type": typeName(result.documentType ?? "", visit.language), "errors": errors,
                    "has_errors": !errors.isEmpty, "purpose": Self.signingPurpose, "back": back,
                ]), status: result.ok ? .ok : .unprocessableContent)
    }

    /// The document number the user typed, or the one the form proposed.
    static func number(_ visit: Visit) throws -> String {
        let number = (visit.form["number"] ?? "").trimmingCharacters(in: .whitespaces)
        guard (1...50).contains(number.count) else {
            throw TanbaError(.requestInvalid, "the document number must be 1 to 50 characters")
        }
        return number
    }

    /// A number proposed for a new document: a prefix and the moment, unique enough for one clerk.
    static func draftNumber(_ prefix: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = Formats.zone
        return "\(prefix)-\(formatter.string(from: Date()))"
    }

    /// Today in Almaty, as documents write a day.
    static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = Formats.zone
        return formatter.string(from: Date())
    }
}
