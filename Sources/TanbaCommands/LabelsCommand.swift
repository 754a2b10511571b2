import ArgumentParser
import Foundation
import TanbaBarcode
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStore

extension CodesCommand {
    /// `tanba codes labels`: GS1 DataMatrix labels for an order's codes, or for codes named, as printable A4 sheets
    /// (HTML or one SVG per sheet) or single labels (SVG with the text, or PNG of the symbol).
    struct Labels: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print labels: GS1 DataMatrix with the human-readable text, as A4 sheets or single files.",
            discussion: """
                Each label's symbol starts with FNC1 and separates the variable-length elements with FNC1, and \
                carries the verification tail as issued; it is decoded back before it is written. Formats: html \
                (every A4 sheet in one printable page, the default), svg (one file per A4 sheet, or per label with \
                --single), png (one symbol per code: --single is implied).
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case html, svg, png
        }

        @Option(name: .long, help: "The order (document id, or the id `codes order` printed) whose codes to print.")
        var order: String?
        @Argument(help: "Codes in any form, or @FILE with one per line (instead of --order).") var codes: [String] = []
        @Option(name: .long, help: "html, svg or png.") var format: Format = .html
        @Flag(name: .long, help: "One file per label instead of A4 sheets.") var single = false
        @Option(name: [.short, .long], help: "The folder to write into (made if missing).") var output: String
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var outputOptions: OutputOptions

        func validate() throws {
            guard (order == nil) != codes.isEmpty else {
                throw ValidationError("name either --order or codes, not both and not neither")
            }
        }

        func run() throws {
            try reportingFailures(command: "codes labels", json: outputOptions.json) {
                let store = try storeOptions.open()
                let reference = try storeOptions.referenceData()
                let folder = URL(fileURLWithPath: output, isDirectory: true)
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    throw TanbaError(.fileUnreadable, "cannot make the folder \(output)")
                }
                var written: [String] = []
                var count = 0
                var sheets: [String] = []
                func write(_ labels: [LabelContent]) throws {
                    for label in labels {
                        count += 1
                        let name = String(format: "label-%06d", count)
                        switch (format, single) {
                        case (.png, _):
                            try save(label.symbol.png(moduleSize: 10, quietZone: 2), "\(name).png")
                        case (.svg, true):
                            try save(Data(TanbaBarcode.Label.svg(label).utf8), "\(name).svg")
                        default: break
                        }
                    }
                    if !single && format != .png {
                        sheets += LabelSheet.a4(labels)
                    }
                }
                func save(_ data: Data, _ name: String) throws {
                    let url = folder.appendingPathComponent(name)
                    do { try data.write(to: url) } catch {
                        throw TanbaError(.fileUnreadable, "cannot write \(url.path)")
                    }
                    written.append(name)
                }
                if let order {
                    var after: String?
                    repeat {
                        let page = try CodeLabels.order(
                            order, after: after, as: nil, store: store, reference: reference)
                        try write(page.labels)
                        after = page.next
                    } while after != nil
                } else {
                    for id in try CodesCommand.identities(codes) {
                        try write([try CodeLabels.code(id, as: nil, store: store, reference: reference)])
                    }
                }
                if !single && format == .html {
                    let title = "Tanba labels \(order ?? "")"
                    try save(Data(LabelSheet.html(pages: sheets, title: title, language: "en").utf8), "labels.html")
                } else if !single && format == .svg {
                    for (index, sheet) in sheets.enumerated() {
                        try save(Data(sheet.utf8), String(format: "sheet-%04d.svg", index + 1))
                    }
                }
                if outputOptions.json {
                    return try printJSON(LabelsReport(labels: count, files: written.count, folder: folder.path))
                }
                print(
                    "\(count) label\(count == 1 ? "" : "s") in \(written.count) file\(written.count == 1 ? "" : "s") in \(folder.path)"
                )
            }
        }
    }
}

/// What `codes labels --json` prints.
struct LabelsReport: Encodable {
    let labels: Int
    let files: Int
    let folder: String
}
