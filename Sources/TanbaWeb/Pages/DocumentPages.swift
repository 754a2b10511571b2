import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaHTTP
import TanbaStore
import TanbaXML

/// The inbox and outbox, a document with its receipt, and the upload of a document signed elsewhere.
extension WebRoutes {
    /// The list filters a page takes, as the API's (`DocumentQuery`), and the search box `q`.
    static let listQuery = DocumentQuery.parameters.union(["q"])

    func addDocumentPages(to router: Router<HubContext>) {
        for box in DocumentQuery.Box.allCases {
            page(router, .get, "/\(box.rawValue)", action: "web-list-\(box.rawValue)", query: Self.listQuery) {
                visit, _ in try listPage(visit, box)
            }
        }
        page(router, .get, "/documents/:id", action: "web-read", object: { $0.parameters.get("id") }) { visit, _ in
            try documentPage(visit, id: try id(visit))
        }
        page(
            router, .get, "/documents/:id/document.xml", action: "web-read-document",
            object: { $0.parameters.get("id") }
        ) {
            visit, _ in
            guard case .document(let document) = try core.document(try id(visit), as: visit.caller!) else {
                throw TanbaError(.notFound, "the hub refused this document and kept only its receipt")
            }
            return download(document.content, name: "\(document.id).xml")
        }
        page(
            router, .get, "/documents/:id/receipt.xml", action: "web-read-receipt", object: { $0.parameters.get("id") }
        ) {
            visit, _ in
            let id = try id(visit)
            return download(try core.document(id, as: visit.caller!).receipt, name: "\(id)-receipt.xml")
        }
        page(router, .get, "/upload", action: "web-upload-page") { visit, _ in
            try render("upload", context(visit, title: "upload_title", current: "upload"))
        }
        page(router, .post, "/upload", action: "web-submit", limit: Self.maxUpload) { visit, identity in
            guard let bytes = visit.form.signedDocument else {
                throw TanbaError(.requestInvalid, "choose a signed XML file to upload")
            }
            let result = try core.submit(bytes, as: visit.caller!, via: ChannelOrigin("web", address: visit.address))
            identity.audited = true
            identity.object = result.document
            return try resultPage(visit, result)
        }
    }

    /// The route's `:id`, read as the API reads its path parameters.
    func id(_ visit: Visit) throws -> String { try visit.context.pathParameter("id") }

    /// An inbox or outbox page: the filters as the API's, a search by number or code (a code opens its page).
    func listPage(_ visit: Visit, _ box: DocumentQuery.Box) throws -> Response {
        var pairs = visit.request.uri.queryParameters.filter { !["q", "lang"].contains($0.key) && !$0.value.isEmpty }
            .map { (String($0.key), String($0.value)) }
        let search = visit.query("q")?.trimmingCharacters(in: .whitespaces)
        if let search, !search.isEmpty {
            if let code = try? core.codeIdentity(search, parameter: "q") {
                return redirect("/codes/\(Self.escape(code))")
            }
            pairs.append(("number", search))
        }
        let t = app.catalogue.table(visit.language)
        var errors: [[String: Any]] = []
        var rows: [[String: Any]] = []
        var next: String?
        do {
            let page = try core.list(box, pairs, as: visit.caller!)
            rows = page.documents.map { summaryRow($0, box: box, visit: visit) }
            next = page.next
        } catch let error as TanbaError where error.category == .request {
            errors = errorItems(error, language: visit.language)
        }
        let kept = pairs.filter { $0.0 != "after" }.map { "\($0.0)=\(Self.escape($0.1))" }
        let types = core.reference.lists["document-types"]?.items ?? []
        let chosenType = visit.query("type")
        let chosenStatus = visit.query("status")
        return try render(
            "list",
            context(
                visit, title: "\(box.rawValue)_title", current: box.rawValue,
                [
                    "box": box.rawValue, "rows": rows, "has_rows": !rows.isEmpty,
                    "empty": rows.isEmpty && errors.isEmpty, "errors": errors,
                    "has_errors": !errors.isEmpty, "inbox": box == .inbox,
                    "next": next.map {
                        "/\(box.rawValue)?" + (kept + ["after=\(Self.escape($0))"]).joined(separator: "&")
                    }
                        ?? "",
                    "q": search ?? "", "counterparty": visit.query("counterparty") ?? "",
                    "dateFrom": visit.query("dateFrom") ?? "", "dateTo": visit.query("dateTo") ?? "",
                    "types": types.map {
                        ["code": $0.code, "name": name(of: $0, visit.language), "selected": $0.code == chosenType]
                    },
                    "statuses": DocumentStatus.allCases.map {
                        [
                            "code": $0.rawValue, "name": t["doc_status_\($0.rawValue)"] ?? $0.rawValue,
                            "selected": $0.rawValue == chosenStatus,
                        ]
                    },
                ]), status: errors.isEmpty ? .ok : .badRequest)
    }

    func summaryRow(_ summary: DocumentSummary, box: DocumentQuery.Box, visit: Visit) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        return [
            "id": summary.id, "href": "/documents/\(Self.escape(summary.id))",
            "type": typeName(summary.type, visit.language), "number": summary.number,
            "date": visit.formats.day(summary.date),
            "counterparty": (box == .inbox ? summary.sender : summary.recipient) ?? "",
            "status": t["doc_status_\(summary.status)"] ?? summary.status,
            "status_code": summary.status, "received": visit.formats.dateTime(summary.receivedAt),
            "items": summary.items.map { visit.formats.number($0) } ?? "",
            "amount": summary.amount.map { visit.formats.amount($0) } ?? "",
            "error": summary.code.map { ErrorCode($0) }.map {
                "\($0.rawValue): \(ErrorMessages.text($0, in: visit.language))"
            }
                ?? "",
        ]
    }

    /// A document's page: header, lines with codes and packages (a package opens to its contents), the signer,
    /// the receipt and every error in the user's language with its place.
    func documentPage(_ visit: Visit, id: String) throws -> Response {
        let visible = try core.document(id, as: visit.caller!)
        let summary = visible.summary
        let t = app.catalogue.table(visit.language)
        var values: [String: Any] = [
            "summary": summaryRow(
                summary, box: summary.sender == visit.caller!.participant ? .outbox : .inbox, visit: visit),
            "sender": summary.sender, "recipient": summary.recipient ?? "",
        ]
        if case .document(let record) = visible {
            let pending = record.type == "shipment" && record.status == .waitingForCounterparty
            values["may_answer"] = pending && record.recipient == visit.caller!.participant
            values["may_cancel"] = pending && record.sender == visit.caller!.participant
            let content = try DocumentContent(record.content)
            values["has_content"] = true
            values["header"] = content.header.map { field(fieldPath: $0.path, value: $0.value, visit: visit) }
            let packages = Set(content.lines.flatMap(\.codes).filter(DocumentItems.isPackage))
            let contents = try packageContents(Array(packages))
            values["lines"] = content.lines.map { line -> [String: Any] in
                [
                    "number": line.number,
                    "fields": line.fields.map { field(fieldPath: $0.path, value: $0.value, visit: visit) },
                    "codes": line.codes.map { code -> [String: Any] in
                        let inside = contents[code] ?? []
                        return [
                            "code": code, "href": "/codes/\(Self.escape(code))", "package": !inside.isEmpty,
                            "contents": inside.map { ["code": $0, "href": "/codes/\(Self.escape($0))"] },
                            "count": visit.formats.number(inside.count),
                        ]
                    },
                    "code_count": visit.formats.number(line.codes.count), "has_codes": !line.codes.isEmpty,
                ]
            }
            if let signer = content.signer {
                values["signer"] = [
                    "name": signer.commonName ?? "", "iin": signer.iin ?? "", "bin": signer.bin ?? "",
                    "organization": signer.organization ?? "", "serial": signer.serialNumber,
                    "issuer": signer.issuer, "valid_to": visit.formats.dateTime(signer.notAfter),
                ]
            }
        }
        let receipt = try ReceiptContent(visible.receipt)
        values["receipt"] = [
            "accepted": receipt.result == "accepted",
            "result": t["receipt_\(receipt.result)"] ?? receipt.result,
            "received": visit.formats.dateTime(summary.receivedAt),
        ]
        let errors = receipt.errors.map { error -> [String: Any] in
            errorItem(
                code: ErrorCode(error.code), message: error.message, line: error.line, path: error.path,
                language: visit.language)
        }
        values["errors"] = errors
        values["has_errors"] = !errors.isEmpty
        values["heading"] = "\(typeName(summary.type, visit.language)) \(summary.number)"
        // An accepted code order of the caller's own: its codes' labels, to print.
        if summary.type == "codeOrder", receipt.result == "accepted", summary.sender == visit.caller?.participant {
            values["labels_href"] = "/documents/\(Self.escape(summary.id))/labels"
        }
        return try render("document", context(visit, title: "document_title", values))
    }

    /// The direct contents of packages, by package.
    func packageContents(_ packages: [String]) throws -> [String: [String]] {
        guard !packages.isEmpty else { return [:] }
        return Dictionary(
            grouping: try core.store.read { try $0.children(of: packages) }, by: { $0.parent ?? "" }
        ).mapValues { $0.map(\.id) }
    }

    func field(fieldPath: [String], value: String, visit: Visit) -> [String: Any] {
        let t = app.catalogue.table(visit.language)
        let label = fieldPath.map { t["el_\($0)"] ?? $0 }.joined(separator: " · ")
        let last = fieldPath.last ?? ""
        let shown =
            last.hasSuffix("Date")
            ? visit.formats.day(value)
            : ["Amount", "UnitPrice", "VATAmount"].contains(last) ? visit.formats.amount(value) : value
        return ["label": label, "value": shown]
    }

    /// The answer to an uploaded document: accepted, or refused with every error.
    func resultPage(_ visit: Visit, _ result: SubmitResult) throws -> Response {
        let errors = errorItems(result.errors, language: visit.language)
        return try render(
            "result",
            context(
                visit, title: result.ok ? "result_accepted" : "result_rejected", current: "upload",
                [
                    "ok": result.ok, "document": result.document, "href": "/documents/\(Self.escape(result.document))",
                    "repeated": result.repeated, "errors": errors, "has_errors": !errors.isEmpty,
                ]), status: result.ok ? .ok : .unprocessableContent)
    }

    func download(_ bytes: [UInt8], name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/xml; charset=utf-8"
        headers[.contentDisposition] =
            "attachment; filename=\"\(name.filter { $0.isLetter || $0.isNumber || "-_.".contains($0) })\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A document type's name in `language`, from reference data.
    func typeName(_ code: String, _ language: Language) -> String {
        core.reference.lists["document-types"]?.item(code).map { name(of: $0, language) } ?? code
    }

    func name(of item: ReferenceItem, _ language: Language) -> String {
        switch language {
        case .kk: item.nameKk
        case .ru: item.nameRu
        case .en: item.nameEn
        }
    }

    /// The errors of a refusal, each with its code, its sentence in `language`, and its place.
    func errorItems(_ error: TanbaError, language: Language) -> [[String: Any]] {
        errorItems(error.diagnostics, language: language)
    }

    func errorItems(_ diagnostics: [Diagnostic], language: Language) -> [[String: Any]] {
        diagnostics.map {
            errorItem(
                code: $0.code, message: $0.message, line: $0.line.map(String.init), path: $0.path, language: language)
        }
    }

    /// One error: its code and sentence in `language`; its place (line, element); and, on English pages, the
    /// hub's specifics, which are written in English (a Kazakh or Russian page shows no English).
    func errorItem(code: ErrorCode, message: String, line: String?, path: String?, language: Language) -> [String: Any]
    {
        // Mustache shows a section for any value, an empty string too: what is unknown is left out.
        var item: [String: Any] = ["code": code.rawValue, "sentence": ErrorMessages.text(code, in: language)]
        if language == .en, ErrorCatalogue.definition(of: code)?.category != .internal, !message.isEmpty {
            item["detail"] = message
        }
        if let line, !line.isEmpty { item["line"] = line }
        if let path, !path.isEmpty { item["path"] = path }
        return item
    }
}
