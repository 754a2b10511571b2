import Foundation
import TanbaErrors

/// What one label shows: a GS1 DataMatrix and the human-readable lines beside it (e.g. the code in brackets,
/// `(01)04600439930022(21)…`, and the product's name), in any script: text is XML-escaped when drawn.
public struct LabelContent: Sendable, Hashable {
    public var symbol: DataMatrixSymbol
    public var lines: [String]

    public init(symbol: DataMatrixSymbol, lines: [String]) {
        self.symbol = symbol
        self.lines = lines
    }

    /// A label for a GS1 element string (see `DataMatrix.encodeGS1`).
    /// - Throws: `LABEL_CONTENT_INVALID` when the text cannot be a GS1 DataMatrix.
    public init(gs1 raw: String, lines: [String]) throws {
        self.init(symbol: try DataMatrix.encodeGS1(raw), lines: lines)
    }
}

/// The size and type of a label, in millimetres.
public struct LabelStyle: Sendable, Hashable {
    public var width: Double
    public var height: Double
    /// Space kept clear inside the label's edge.
    public var padding: Double
    /// The text's size (the font's em).
    public var fontSize: Double
    /// Light modules around the symbol (ISO/IEC 16022 asks for one; two read better).
    public var quietZone: Int

    public init(
        width: Double = 63.5, height: Double = 38.1, padding: Double = 2, fontSize: Double = 2.4, quietZone: Int = 2
    ) {
        self.width = width
        self.height = height
        self.padding = padding
        self.fontSize = fontSize
        self.quietZone = quietZone
    }

    /// 63.5 × 38.1 mm: the common 21-to-a-sheet A4 label (3 × 7).
    public static let standard = LabelStyle()
}

/// Single labels as SVG documents.
public enum Label {
    /// One label as a standalone SVG document, `width` × `height` in millimetres (the viewBox is in millimetres).
    public static func svg(_ content: LabelContent, style: LabelStyle = .standard) -> String {
        let width = SVGNumber.format(style.width)
        let height = SVGNumber.format(style.height)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)mm" height="\(height)mm" \
            viewBox="0 0 \(width) \(height)">\(LabelDrawing.elements(content, style: style))</svg>

            """
    }
}

/// A label's SVG elements at the origin, in millimetres: a white card, the symbol on the left at the largest size
/// that fits, the lines on the right, wrapped.
enum LabelDrawing {
    static func elements(_ content: LabelContent, style: LabelStyle) -> String {
        let symbol = content.symbol
        let zone = max(0, style.quietZone)
        let modulesAcross = Double(max(symbol.rows, symbol.columns) + 2 * zone)
        // The symbol is at most the label's height (less padding) and half its width.
        let side = min(style.height - 2 * style.padding, style.width / 2)
        let module = side / modulesAcross
        let top = (style.height - side) / 2
        var svg = "<rect width=\"\(SVGNumber.format(style.width))\" height=\"\(SVGNumber.format(style.height))\""
        svg += " fill=\"#fff\"/>"
        svg += "<path fill=\"#000\" shape-rendering=\"crispEdges\" transform=\"translate("
        svg += "\(SVGNumber.format(style.padding)) \(SVGNumber.format(top))) scale(\(SVGNumber.format(module)))\" "
        svg += "d=\"\(symbol.pathData(offsetX: zone, offsetY: zone))\"/>"
        let textLeft = style.padding + side + style.padding
        let textWidth = style.width - textLeft - style.padding
        // A monospaced face keeps the codes' characters apart (0 and O, 1 and l) and makes wrapping predictable.
        let characters = max(4, Int(textWidth / (0.6 * style.fontSize)))
        let lineHeight = style.fontSize * 1.25
        let room = max(1, Int((style.height - 2 * style.padding) / lineHeight))
        var wrapped = content.lines.flatMap { wrap($0, width: characters) }
        if wrapped.count > room {
            wrapped = Array(wrapped.prefix(room))
            wrapped[room - 1] = String(wrapped[room - 1].prefix(characters - 1)) + "…"
        }
        let firstBaseline = (style.height - Double(wrapped.count) * lineHeight) / 2 + style.fontSize
        svg +=
            "<g font-family=\"DejaVu Sans Mono, Consolas, monospace\" font-size=\"\(SVGNumber.format(style.fontSize))\""
        svg += " fill=\"#000\">"
        for (index, line) in wrapped.enumerated() {
            let y = firstBaseline + Double(index) * lineHeight
            svg +=
                "<text x=\"\(SVGNumber.format(textLeft))\" y=\"\(SVGNumber.format(y))\">\(XMLText.escape(line))</text>"
        }
        return svg + "</g>"
    }

    /// Breaks a line into pieces of at most `width` characters: at a space, or before a GS1 bracket `(`, when one
    /// is near the end; anywhere otherwise.
    static func wrap(_ line: String, width: Int) -> [String] {
        var rest = Substring(line.trimmingCharacters(in: .whitespaces))
        var pieces: [String] = []
        while rest.count > width {
            let head = rest.prefix(width)
            var cut = head.endIndex
            if let space = head.lastIndex(of: " "), head.distance(from: head.startIndex, to: space) > width / 2 {
                cut = space
            } else if let bracket = head.lastIndex(of: "("),
                head.distance(from: head.startIndex, to: bracket) > width / 2
            {
                cut = bracket
            }
            pieces.append(String(rest[..<cut]).trimmingCharacters(in: .whitespaces))
            rest = rest[cut...].drop { $0 == " " }
        }
        if !rest.isEmpty || pieces.isEmpty { pieces.append(String(rest)) }
        return pieces
    }
}

/// Text for XML (SVG and HTML) content and attribute values.
enum XMLText {
    /// Escapes `& < > " '`; characters XML 1.0 cannot carry (controls other than tab and line breaks, such as GS,
    /// and U+FFFE, U+FFFF) become spaces.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF
                    || (0x7F...0x9F).contains(scalar.value)
                {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
