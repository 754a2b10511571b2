import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TanbaBarcode
import TanbaCore
import TanbaErrors
import TanbaHTTP
import TanbaXML

/// Labels from the web workspace: an order's codes as printable A4 sheets (210 labels a page, the next batch
/// linked), and one code's label as SVG or PNG. Only the participant the codes were issued to (or, for one code,
/// its owner) gets them.
extension WebRoutes {
    func addLabelPages(to router: Router<HubContext>) {
        page(
            router, .get, "/documents/:id/labels", action: "web-labels", query: ["after"],
            object: { $0.parameters.get("id") }
        ) { visit, _ in
            let order = try visit.context.pathParameter("id")
            let page = try core.orderLabels(order, after: visit.query("after"), as: visit.caller!)
            let t = app.catalogue.table(visit.language)
            var html = CodeLabels.sheets(
                page.labels, title: "\(t["labels_title"] ?? "Labels") \(order)", language: visit.language.rawValue)
            if let next = page.next {
                // The next batch, as a link that does not print (it sits outside the sheets).
                let link =
                    "<p class=\"next\" style=\"margin:1em\"><a href=\"/documents/\(Self.escape(order))/labels?after="
                    + "\(Self.escape(next))\" id=\"next-labels\" rel=\"next\">\(XMLText.escape(t["labels_next"] ?? "Next"))</a></p>"
                    + "<style>@media print { .next { display: none } }</style>"
                html = html.replacingOccurrences(of: "</body>", with: link + "</body>")
            }
            var response = self.html(html)
            response.headers[HTTPField.Name("Content-Security-Policy")!] =
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'none'"
            return response
        }
        page(
            router, .get, "/codes/:id/label", action: "web-label", query: ["format"],
            object: { $0.parameters.get("id") }
        ) { visit, _ in
            let identity = try core.codeIdentity(try id(visit), parameter: "code")
            let label = try core.codeLabel(identity, as: visit.caller!)
            var headers = HTTPFields()
            let body: [UInt8]
            switch visit.query("format") ?? "svg" {
            case "png":
                headers[.contentType] = "image/png"
                body = [UInt8](label.symbol.png(moduleSize: 10, quietZone: 2))
            case "svg":
                headers[.contentType] = "image/svg+xml"
                body = Array(TanbaBarcode.Label.svg(label).utf8)
            default:
                throw TanbaError(.requestParameterInvalid, "format must be svg or png")
            }
            headers[.contentDisposition] = "inline; filename=\"label.\(visit.query("format") ?? "svg")\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
