import Foundation
import TanbaBarcode
import TanbaErrors
import Testing

/// Labels and A4 sheets are well-formed SVG with their text escaped, in any script, on as many pages as needed.
@Suite struct LabelTests {
    static let sample = Fixtures.longest
    static let name = "Сүт «Ақ бидай» 3,2% & <Co> 'Ltd' \"1 л\""

    static func content(_ index: Int = 0) throws -> LabelContent {
        try LabelContent(gs1: sample.raw, lines: [sample.bracketed, Self.name, "№\(index)"])
    }

    @Test func singleLabelIsWellFormedWithItsTextEscaped() throws {
        let svg = Label.svg(try Self.content())
        #expect(XMLCheck.isWellFormed(svg))
        #expect(svg.contains("width=\"63.5mm\"") && svg.contains("height=\"38.1mm\""))
        let texts = XMLCheck.texts(svg)
        let joined = texts.joined(separator: " ")
        #expect(joined.contains("Сүт «Ақ бидай»"), "Kazakh text kept")
        #expect(joined.contains("& <Co> 'Ltd' \"1 л\""), "escaped and read back: \(joined)")
        #expect(!svg.contains("<Co>"))
        // The bracketed code is wrapped, but every character of it is on the label.
        #expect(texts.joined().replacingOccurrences(of: " ", with: "").contains(Self.sample.bracketed))
    }

    @Test func controlCharactersInTextDoNotBreakTheXML() throws {
        let content = try LabelContent(gs1: Self.sample.raw, lines: ["a\u{1D}b\u{0}c\u{FFFF}d"])
        #expect(XMLCheck.isWellFormed(Label.svg(content)))
    }

    @Test func labelSymbolReadsBackAfterRasterising() throws {
        // The label's path is the symbol's own: the same modules as the PNG that the round trip reads.
        let content = try Self.content()
        let symbolSVG = content.symbol.svg()
        let path = symbolSVG.components(separatedBy: " d=\"")[1].components(separatedBy: "\"")[0]
        #expect(Label.svg(content).contains(path))
    }

    @Test(arguments: [(0, 0), (1, 1), (21, 1), (22, 2), (50, 3), (63, 3), (64, 4)])
    func sheetHasAPagePerTwentyOneLabels(count: Int, pages: Int) throws {
        let labels = try (0..<count).map { try Self.content($0) }
        let sheets = LabelSheet.a4(labels)
        #expect(sheets.count == pages)
        for (index, page) in sheets.enumerated() {
            #expect(XMLCheck.isWellFormed(page))
            #expect(page.contains("width=\"210mm\" height=\"297mm\""))
            let onPage = page.components(separatedBy: "<g transform").count - 1
            #expect(onPage == min(21, count - index * 21))
        }
    }

    @Test func htmlWrapperPrintsEachPageOnItsOwnA4Sheet() throws {
        let pages = LabelSheet.a4(try (0..<30).map { try Self.content($0) })
        let html = LabelSheet.html(pages: pages, title: "Таңбалар <1>", language: "kk")
        #expect(html.contains("@page { size: A4; margin: 0 }"))
        #expect(html.contains("page-break-after: always"))
        #expect(html.components(separatedBy: "<div class=\"page\">").count - 1 == 2)
        #expect(html.contains("<title>Таңбалар &lt;1&gt;</title>"))
        #expect(html.contains("<html lang=\"kk\">"))
    }

    @Test func labelsStayInsideTheSheet() throws {
        let layout = LabelSheet.Layout.standard
        let page = LabelSheet.a4(try (0..<21).map { try Self.content($0) }, layout: layout)[0]
        #expect(page.contains("translate(7.25 15.15)"))
        #expect(
            page.contains("translate(\(7.25 + 2 * 66) \(15.15 + 6 * 38.1))")
                || page.contains("translate(139.25 243.75)"))
    }
}
