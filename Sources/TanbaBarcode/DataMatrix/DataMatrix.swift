internal import CDmtx
import TanbaErrors

/// GS1 DataMatrix encoding with libdmtx.
public enum DataMatrix {
    /// The group separator between variable-length elements of a GS1 element string; in the symbol it is FNC1.
    public static let groupSeparator: Character = "\u{1D}"

    /// The longest element string accepted: far more than any marking code (about 90 characters), far less than the
    /// largest symbol's capacity (3116 digits, 2335 characters), so the limit is the same for any text.
    public static let maxLength = 1000

    /// Encodes a GS1 element string as a square ECC 200 GS1 DataMatrix of the smallest size that holds it.
    ///
    /// The symbol begins with FNC1 (what makes it a GS1 DataMatrix: readers report the symbology identifier `]d2`),
    /// and each GS in `raw` becomes FNC1. The symbol is decoded from its own modules before it is returned, so a
    /// symbol that does not read back as `raw` is never printed.
    /// - Parameter raw: e.g. `0104600439930022` `21` serial GS `91` key id GS `92` verification code, with GS (0x1D)
    ///   between variable-length elements and no leading FNC1 or GS.
    /// - Throws: `LABEL_CONTENT_INVALID` when `raw` is empty, longer than `maxLength`, has a character outside GS1's
    ///   set 82 (besides GS), begins or ends with GS, or has two GS in a row.
    public static func encodeGS1(_ raw: String) throws -> DataMatrixSymbol {
        let bytes = Array(raw.utf8)
        try GS1Text.check(bytes)
        let encoder = try Encoder()
        let symbol = try encoder.encode([GS1Text.separator] + bytes, text: raw)
        guard try encoder.decodeOwnModules() == raw else {
            throw TanbaError(.internal, "libdmtx made a symbol that does not read back as its text")
        }
        return symbol
    }
}

/// What a GS1 element string may hold (GS1 General Specifications, 7.11: set 82), byte by byte.
enum GS1Text {
    static let separator: UInt8 = 0x1D

    /// GS1 AI encodable character set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
    static func isSet82(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x22, 0x25...0x3F, 0x41...0x5A, 0x5F, 0x61...0x7A: true
        default: false
        }
    }

    /// - Throws: `LABEL_CONTENT_INVALID` naming the first problem and its 1-based position.
    static func check(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw TanbaError(.labelContentInvalid, "the element string is empty") }
        guard bytes.count <= DataMatrix.maxLength else {
            throw TanbaError(
                .labelContentInvalid,
                "the element string has \(bytes.count) bytes; at most \(DataMatrix.maxLength) are printed")
        }
        for (index, byte) in bytes.enumerated() {
            if byte == separator {
                if index == 0 || index == bytes.count - 1 || bytes[index - 1] == separator {
                    throw TanbaError(
                        .labelContentInvalid,
                        "a group separator at position \(index + 1) begins, ends or empties an element",
                        column: index + 1)
                }
            } else if !isSet82(byte) {
                let shown = byte < 0x80 ? "0x\(String(byte, radix: 16))" : "a non-ASCII byte"
                throw TanbaError(
                    .labelContentInvalid, "\(shown) at position \(index + 1) is not in GS1's character set 82",
                    column: index + 1)
            }
        }
    }
}

/// One libdmtx encoder (`DmtxEncode`), its only owner: made for one symbol, destroyed with this object.
private final class Encoder {
    let handle: UnsafeMutablePointer<DmtxEncode>

    init() throws {
        guard let handle = dmtxEncodeCreate() else { throw TanbaError(.internal, "libdmtx could not allocate") }
        self.handle = handle
        // FNC1 is written where the input has this byte: GS, as GS1 element strings carry it.
        _ = dmtxEncodeSetProp(handle, Int32(DmtxPropFnc1.rawValue), Int32(GS1Text.separator))
        _ = dmtxEncodeSetProp(handle, Int32(DmtxPropSizeRequest.rawValue), Int32(DmtxSymbolSquareAuto.rawValue))
        // The image libdmtx draws is not used (the grid is read from the message): keep it small.
        _ = dmtxEncodeSetProp(handle, Int32(DmtxPropModuleSize.rawValue), 1)
        _ = dmtxEncodeSetProp(handle, Int32(DmtxPropMarginSize.rawValue), 0)
        _ = dmtxEncodeSetProp(handle, Int32(DmtxPropPixelPacking.rawValue), Int32(DmtxPack8bppK.rawValue))
    }

    deinit {
        var pointer: UnsafeMutablePointer<DmtxEncode>? = handle
        _ = dmtxEncodeDestroy(&pointer)
    }

    func encode(_ input: [UInt8], text: String) throws -> DataMatrixSymbol {
        var input = input
        let passed = input.withUnsafeMutableBufferPointer {
            dmtxEncodeDataMatrix(handle, Int32($0.count), $0.baseAddress)
        }
        guard passed == tanba_dmtx_pass(), let message = handle.pointee.message else {
            throw TanbaError(.labelContentInvalid, "the element string does not fit the largest DataMatrix symbol")
        }
        let region = handle.pointee.region
        let rows = Int(region.symbolRows)
        let columns = Int(region.symbolCols)
        var modules = [Bool](repeating: false, count: rows * columns)
        // libdmtx counts symbol rows from the bottom (its y axis points up).
        for symbolRow in 0..<rows {
            for column in 0..<columns {
                let status = dmtxSymbolModuleStatus(message, region.sizeIdx, Int32(symbolRow), Int32(column))
                modules[(rows - 1 - symbolRow) * columns + column] = status & Int32(DmtxModuleOnRed) != 0
            }
        }
        return DataMatrixSymbol(text: text, rows: rows, columns: columns, modules: modules)
    }

    /// Decodes the modules just placed (libdmtx's own decoder, without an image): the symbol's text with its leading
    /// FNC1 removed, or nil when it does not begin with FNC1 or does not decode.
    func decodeOwnModules() throws -> String? {
        guard let placed = handle.pointee.message else { return nil }
        let sizeIdx = handle.pointee.region.sizeIdx
        guard let message = dmtxMessageCreate(sizeIdx, Int32(DmtxFormatMatrix)) else {
            throw TanbaError(.internal, "libdmtx could not allocate")
        }
        let count = Int(placed.pointee.arraySize)
        for index in 0..<count {
            // As libdmtx's reader leaves a module it has sampled: on or off, and assigned (PlaceModule reads an
            // assigned module and writes an unassigned one).
            message.pointee.array[index] =
                placed.pointee.array[index] & UInt8(DmtxModuleOnRGB) | UInt8(DmtxModuleAssigned)
        }
        message.pointee.fnc1 = Int32(GS1Text.separator)
        // dmtxDecodePopulatedArray destroys the message when it fails and returns it when it succeeds.
        guard let decoded = dmtxDecodePopulatedArray(sizeIdx, message, tanba_dmtx_undefined()) else { return nil }
        defer {
            var pointer: UnsafeMutablePointer<DmtxMessage>? = decoded
            _ = dmtxMessageDestroy(&pointer)
        }
        return MessageText.gs1(decoded)
    }
}

/// A decoded message's output as a GS1 element string.
enum MessageText {
    /// The output without its leading FNC1 (libdmtx writes GS for each FNC1), or nil when the symbol is not GS1.
    static func gs1(_ message: UnsafeMutablePointer<DmtxMessage>) -> String? {
        let length = Int(message.pointee.outputIdx)
        guard length > 1, let output = message.pointee.output else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: output, count: length))
        guard bytes[0] == GS1Text.separator else { return nil }
        let body = Array(bytes.dropFirst())
        guard (try? GS1Text.check(body)) != nil else { return nil }
        return String(decoding: body, as: UTF8.self)
    }

    /// Whatever the message holds, for a diagnostic (control characters shown as `\u{..}`).
    static func shown(_ message: UnsafeMutablePointer<DmtxMessage>) -> String {
        let length = Int(message.pointee.outputIdx)
        guard length > 0, let output = message.pointee.output else { return "" }
        let text = String(decoding: UnsafeBufferPointer(start: output, count: min(length, 120)), as: UTF8.self)
        return text.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
            .joined()
    }
}
