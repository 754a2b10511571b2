import Foundation
import TanbaBarcode
import Testing

/// `tanba codes labels`: an order's codes as PNG symbols that read back to the codes as issued (GS1 DataMatrix with
/// FNC1, the tail), as A4 sheets (HTML and SVG), and for codes named; refusals by reason.
@Suite(.blocking) struct LabelsCLITests {
    let cli = RegistryCLITests()

    @Test func anOrdersLabelsReadBackAsTheCodesIssued() throws {
        try cli.registered()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ordered = try cli.run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "25",
            "--format", "raw", "--json", "-o", folder.appendingPathComponent("codes.txt").path,
        ])
        #expect(ordered.status == 0, "\(ordered.error)")
        let order = try #require(try CLITests.json(ordered.output)["order"] as? String)
        let codes = try String(contentsOf: folder.appendingPathComponent("codes.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let pngs = folder.appendingPathComponent("png")
        let single = try cli.run(["codes", "labels", "--order", order, "--format", "png", "-o", pngs.path, "--json"])
        #expect(single.status == 0, "\(single.error)")
        #expect(try CLITests.json(single.output)["labels"] as? Int == 25)
        var read: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: pngs.path) where name.hasSuffix(".png") {
            read.formUnion(try BarcodeReader.decode(try Data(contentsOf: pngs.appendingPathComponent(name))))
        }
        #expect(read == Set(codes))
        // Sheets: 25 labels on two A4 pages, in one HTML page and as two SVG files.
        let html = folder.appendingPathComponent("html")
        #expect(try cli.run(["codes", "labels", "--order", order, "-o", html.path]).status == 0)
        let page = try String(contentsOf: html.appendingPathComponent("labels.html"), encoding: .utf8)
        // The human-readable text, wrapped to the label's width.
        #expect(page.components(separatedBy: "<svg").count - 1 == 2 && page.contains("(01)0487000100001"))
        #expect(page.contains("Кроссовки") && page.contains("size: A4"))
        let svg = folder.appendingPathComponent("svg")
        #expect(try cli.run(["codes", "labels", "--order", order, "--format", "svg", "-o", svg.path]).status == 0)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: svg.path).sorted() == [
                "sheet-0001.svg", "sheet-0002.svg",
            ])
        // Codes named, in any form.
        let named = folder.appendingPathComponent("named")
        let one = try cli.run(["codes", "labels", codes[3], "--format", "svg", "--single", "-o", named.path])
        #expect(one.status == 0, "\(one.error)")
        #expect(
            try String(contentsOf: named.appendingPathComponent("label-000001.svg"), encoding: .utf8).contains("<svg"))
    }

    @Test func refusalsNameTheirReason() throws {
        try cli.registered()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-labels-\(UUID().uuidString)")
        let unknown = try cli.run(["codes", "labels", "--order", "NO-SUCH-ORDER", "-o", folder.path])
        #expect(unknown.status != 0 && unknown.error.contains("NOT_FOUND"))
        let malformed = try cli.run(["codes", "labels", "0104870001000011", "-o", folder.path])
        #expect(malformed.status != 0 && malformed.error.contains("GS1_"))
        let both = try cli.run(["codes", "labels", "--order", "X", "0104870001000011", "-o", folder.path])
        #expect(both.status != 0)
    }
}
