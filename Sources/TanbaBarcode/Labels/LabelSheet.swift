/// Printable A4 sheets of labels.
public enum LabelSheet {
    /// Where labels sit on a sheet, in millimetres.
    public struct Layout: Sendable, Hashable {
        public var columns: Int
        public var rows: Int
        /// The space between neighbouring labels.
        public var horizontalGap: Double
        public var verticalGap: Double
        public var label: LabelStyle

        public init(
            columns: Int = 3, rows: Int = 7, horizontalGap: Double = 2.5, verticalGap: Double = 0,
            label: LabelStyle = .standard
        ) {
            self.columns = max(1, columns)
            self.rows = max(1, rows)
            self.horizontalGap = horizontalGap
            self.verticalGap = verticalGap
            self.label = label
        }

        /// 3 × 7 labels of 63.5 × 38.1 mm, centred (left and right margins 7.25 mm, top and bottom 15.15 mm): the
        /// common 21-to-a-sheet label paper.
        public static let standard = Layout()

        public var perPage: Int { columns * rows }

        /// The margins that centre the grid on the page.
        var left: Double {
            (LabelSheet.width - Double(columns) * label.width - Double(columns - 1) * horizontalGap) / 2
        }
        var top: Double { (LabelSheet.height - Double(rows) * label.height - Double(rows - 1) * verticalGap) / 2 }
    }

    static let width = 210.0
    static let height = 297.0

    /// The labels on as many A4 pages as they need, one SVG document per page (`width="210mm" height="297mm"`,
    /// viewBox in millimetres), filled row by row. No labels, no pages.
    public static func a4(_ labels: [LabelContent], layout: Layout = .standard) -> [String] {
        stride(from: 0, to: labels.count, by: layout.perPage).map { start in
            var svg =
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 210 297\">"
            for (index, content) in labels[start..<min(labels.count, start + layout.perPage)].enumerated() {
                let x = layout.left + Double(index % layout.columns) * (layout.label.width + layout.horizontalGap)
                let y = layout.top + Double(index / layout.columns) * (layout.label.height + layout.verticalGap)
                svg += "<g transform=\"translate(\(SVGNumber.format(x)) \(SVGNumber.format(y)))\">"
                svg += LabelDrawing.elements(content, style: layout.label) + "</g>"
            }
            return svg + "</svg>\n"
        }
    }

    /// One HTML document that prints the pages, one per A4 sheet with no browser margins (`@page { size: A4;
    /// margin: 0 }`, a page break after each).
    /// - Parameters:
    ///   - pages: what `a4` made.
    ///   - title: the document's title (escaped).
    ///   - language: the `lang` attribute, e.g. `kk`, `ru`, `en`.
    public static func html(pages: [String], title: String, language: String = "en") -> String {
        let lang = XMLText.escape(String(language.filter { $0.isLetter || $0 == "-" }.prefix(16)))
        var html = """
            <!DOCTYPE html>
            <html lang="\(lang)">
            <head>
            <meta charset="utf-8">
            <title>\(XMLText.escape(title))</title>
            <style>
            @page { size: A4; margin: 0 }
            html, body { margin: 0; padding: 0; background: #fff }
            .page { width: 210mm; height: 297mm; overflow: hidden; break-after: page; page-break-after: always }
            .page:last-child { break-after: auto; page-break-after: auto }
            .page svg { display: block; width: 210mm; height: 297mm }
            </style>
            </head>
            <body>

            """
        for page in pages { html += "<div class=\"page\">\(page)</div>\n" }
        return html + "</body>\n</html>\n"
    }
}
