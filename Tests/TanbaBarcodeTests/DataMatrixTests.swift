import Foundation
import TanbaBarcode
import TanbaErrors
import TanbaTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// GS1 DataMatrix symbols: FNC1 first and for every GS, the grid's finder pattern, and a round trip through a
/// picture for real codes of every product group.
@Suite struct DataMatrixTests {
    @Test func everyProductGroupWithCodesIsSampled() {
        #expect(Set(Fixtures.one.map(\.group)) == Fixtures.groupsWithCodes)
        #expect(Fixtures.groupsWithCodes.count >= 5)
    }

    /// libdmtx writes FNC1 where the input has GS (DmtxPropFnc1): the symbol begins with it, each GS is one.
    @Test func symbolBeginsWithFNC1AndEachGSIsFNC1RoundTrip() throws {
        for sample in Fixtures.samples(perGroup: 3) {
            let symbol = try DataMatrix.encodeGS1(sample.raw)
            #expect(symbol.text == sample.raw)
            #expect(symbol.rows == symbol.columns, "square ECC 200")
            let read = try BarcodeReader.decode(symbol.png(moduleSize: 6, quietZone: 2))
            #expect(read == [sample.raw], "\(sample)")
        }
    }

    @Test func gridHasTheFinderPatternOnTheLeftAndBottom() throws {
        let symbol = try DataMatrix.encodeGS1(Fixtures.longest.raw)
        for index in 0..<symbol.rows {
            #expect(symbol.isDark(row: index, column: 0), "left column solid")
            #expect(symbol.isDark(row: symbol.rows - 1, column: index), "bottom row solid")
        }
        for column in 0..<symbol.columns {
            #expect(symbol.isDark(row: 0, column: column) == column.isMultiple(of: 2), "top row alternates")
        }
    }

    /// A 90-character code with a 44-character tail fits a mid-size square; the grid's size is automatic.
    @Test func sizeIsAutomaticAndSmallForShortCodes() throws {
        let short = try DataMatrix.encodeGS1(Fixtures.tobacco.raw)
        let long = try DataMatrix.encodeGS1(Fixtures.longest.raw)
        #expect(short.rows < long.rows)
        #expect(long.rows <= 40)
    }

    @Test(arguments: [
        ("", "empty"), ("\u{1D}0104600439930022", "leading GS"), ("0104600439930022\u{1D}", "trailing GS"),
        ("01046004399300222112345\u{1D}\u{1D}91ABCD", "empty element"), ("0104600439930022 21ABC", "space"),
        ("010460043993002221Қ", "Cyrillic"), ("0104600439930022\n", "line feed"),
        ("0104600439930022#", "character outside set 82"),
    ])
    func textADataMatrixCannotCarryIsRefusedLabelContentInvalid(raw: String, what: String) {
        expectCode(.labelContentInvalid, what) { _ = try DataMatrix.encodeGS1(raw) }
    }

    @Test func textLongerThanTheLimitIsRefusedLabelContentInvalid() {
        expectCode(.labelContentInvalid) { _ = try DataMatrix.encodeGS1(String(repeating: "1", count: 1001)) }
        // Within the limit, the largest symbols are still made.
        #expect((try? DataMatrix.encodeGS1(String(repeating: "7", count: 1000)))?.rows ?? 0 > 40)
    }

    @Test func svgIsOnePathWithCrispEdgesAndAViewBoxInModules() throws {
        let symbol = try DataMatrix.encodeGS1(Fixtures.tobacco.raw)
        let svg = symbol.svg(moduleSize: 0.5, quietZone: 2)
        #expect(svg.contains("viewBox=\"0 0 \(symbol.columns + 4) \(symbol.rows + 4)\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(XMLCheck.isWellFormed(svg))
    }

    @Test func pngIsGreyscaleWithQuietZone() throws {
        let symbol = try DataMatrix.encodeGS1(Fixtures.tobacco.raw)
        let png = symbol.png(moduleSize: 4, quietZone: 3)
        let image = try GrayImage(decoding: png)
        #expect(image.width == (symbol.columns + 6) * 4 && image.height == (symbol.rows + 6) * 4)
        #expect(image[0, 0] == 255 && image[12, image.height - 13] == 0)
        #expect(png[25] == 0, "PNG colour type 0: greyscale")
    }
}

/// Well-formedness by Foundation's parser.
enum XMLCheck {
    static func isWellFormed(_ text: String) -> Bool {
        let parser = XMLParser(data: Data(text.utf8))
        return parser.parse()
    }

    /// The character data of every `<text>` element.
    static func texts(_ text: String) -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            var texts: [String] = []
            var inside = false
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                if name == "text" {
                    inside = true
                    texts.append("")
                }
            }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?)
            {
                if name == "text" { inside = false }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) {
                if inside { texts[texts.count - 1] += string }
            }
        }
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        _ = parser.parse()
        return collector.texts
    }
}
