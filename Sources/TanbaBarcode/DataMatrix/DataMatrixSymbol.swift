public import Foundation
import TanbaErrors

/// A GS1 DataMatrix symbol (ECC 200, square): its grid of modules, top row first, as printed.
///
/// Made by `DataMatrix.encodeGS1`; rendered by `png(moduleSize:quietZone:)` and `svg(moduleSize:quietZone:)`, or placed
/// on a label (`LabelContent`). The grid includes the finder pattern (the solid left column and bottom row) and the
/// timing pattern, but not the quiet zone.
public struct DataMatrixSymbol: Sendable, Hashable {
    /// The GS1 element string the symbol carries: GS (0x1D) between variable-length elements, no leading FNC1.
    public let text: String
    /// Modules from top to bottom.
    public let rows: Int
    /// Modules from left to right.
    public let columns: Int
    /// One flag per module, row by row from the top.
    let modules: [Bool]

    init(text: String, rows: Int, columns: Int, modules: [Bool]) {
        precondition(modules.count == rows * columns, "a symbol has rows × columns modules")
        self.text = text
        self.rows = rows
        self.columns = columns
        self.modules = modules
    }

    /// Whether the module at `row` (0 at the top) and `column` (0 at the left) is dark.
    public func isDark(row: Int, column: Int) -> Bool {
        precondition((0..<rows).contains(row) && (0..<columns).contains(column), "module outside the symbol")
        return modules[row * columns + column]
    }

    /// The symbol as a grey picture: black modules of `moduleSize` pixels on white, with `quietZone` light modules
    /// around it (ISO/IEC 16022 asks for at least one; two or more read better from photos).
    public func image(moduleSize: Int = 10, quietZone: Int = 2) -> GrayImage {
        let size = max(1, moduleSize)
        let zone = max(0, quietZone)
        let width = (columns + 2 * zone) * size
        let height = (rows + 2 * zone) * size
        var pixels = [UInt8](repeating: 255, count: width * height)
        for row in 0..<rows {
            for column in 0..<columns where modules[row * columns + column] {
                let top = (row + zone) * size
                let left = (column + zone) * size
                for y in top..<(top + size) {
                    let start = y * width + left
                    for x in start..<(start + size) { pixels[x] = 0 }
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// The symbol as an 8-bit greyscale PNG (no metadata), `moduleSize` pixels per module and `quietZone` light
    /// modules around it.
    public func png(moduleSize: Int = 10, quietZone: Int = 2) -> Data {
        image(moduleSize: moduleSize, quietZone: quietZone).png()
    }

    /// The symbol as a standalone SVG document: one `<path>` of unit squares, `viewBox` in modules (quiet zone
    /// included) and `shape-rendering="crispEdges"`, so it scales to any print size without blurred edges.
    /// - Parameter moduleSize: the printed size of one module in millimetres (0.25–0.5 mm is usual for packs).
    public func svg(moduleSize: Double = 0.5, quietZone: Int = 2) -> String {
        let zone = max(0, quietZone)
        let width = columns + 2 * zone
        let height = rows + 2 * zone
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(SVGNumber.format(Double(width) * moduleSize))mm" \
            height="\(SVGNumber.format(Double(height) * moduleSize))mm" viewBox="0 0 \(width) \(height)" \
            shape-rendering="crispEdges"><rect width="\(width)" height="\(height)" fill="#fff"/>\
            <path fill="#000" d="\(pathData(offsetX: zone, offsetY: zone))"/></svg>

            """
    }

    /// The dark modules as SVG path data in module units: one rectangle per horizontal run of dark modules.
    func pathData(offsetX: Int, offsetY: Int) -> String {
        var path = ""
        for row in 0..<rows {
            var column = 0
            while column < columns {
                guard modules[row * columns + column] else {
                    column += 1
                    continue
                }
                let start = column
                while column < columns && modules[row * columns + column] { column += 1 }
                path += "M\(start + offsetX) \(row + offsetY)h\(column - start)v1h-\(column - start)z"
            }
        }
        return path
    }
}

/// Numbers as SVG attributes want them: no exponent, at most three decimals, no trailing zeros.
enum SVGNumber {
    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(format: "%.3f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
