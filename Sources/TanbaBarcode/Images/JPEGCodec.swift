internal import CImaging
import Foundation
import TanbaErrors

/// JPEG through libjpeg-turbo. libjpeg leaves on an error by longjmp, which Swift cannot catch: each operation is
/// one C function of Sources/CImaging/shim.h that sets its own jump point and returns a status and a message.
enum JPEGCodec {
    struct Header {
        var width: Int
        var height: Int
        var components: Int
        /// libjpeg's J_COLOR_SPACE of the file.
        var colorSpace: Int32
        /// The size when decoded at 1/`scale`.
        var outputWidth: Int
        var outputHeight: Int
    }

    /// The header only: no pixel memory is allocated.
    /// - Throws: `IMAGE_CORRUPT` when libjpeg cannot read it.
    static func header(_ data: Data, scale: Int = 1) throws -> Header {
        var (width, height, components, space, outputWidth, outputHeight): (Int32, Int32, Int32, Int32, Int32, Int32) =
            (0, 0, 0, 0, 0, 0)
        var message = [CChar](repeating: 0, count: 200)
        let status = data.withUnsafeBytes { bytes in
            tanba_jpeg_header(
                bytes.bindMemory(to: UInt8.self).baseAddress, UInt(bytes.count), Int32(scale), &width, &height,
                &components, &space, &outputWidth, &outputHeight, &message, message.count)
        }
        guard status == 0 else { throw TanbaError(.imageCorrupt, "JPEG: \(text(message))") }
        return Header(
            width: Int(width), height: Int(height), components: Int(components), colorSpace: space,
            outputWidth: Int(outputWidth), outputHeight: Int(outputHeight))
    }

    /// Decodes at 1/`scale` (1, 2, 4 or 8: libjpeg scales in the DCT, so a quarter-size decode costs far less than
    /// a full one) to grey or RGB.
    /// - Throws: `IMAGE_TOO_LARGE` from the header's size, before decoding; `IMAGE_UNSUPPORTED` for CMYK;
    ///   `IMAGE_CORRUPT` for any libjpeg error or warning (a truncated file included).
    static func decode(_ data: Data, scale: Int = 1, gray: Bool, limits: ImageLimits) throws -> PNGCodec.Pixels {
        let header = try header(data, scale: scale)
        try ImageFormat.checkSize(width: header.width, height: header.height, limits: limits)
        guard header.colorSpace != Int32(JCS_CMYK.rawValue), header.colorSpace != Int32(JCS_YCCK.rawValue) else {
            throw TanbaError(.imageUnsupported, "the JPEG is CMYK; photos are read in RGB or greyscale")
        }
        let channels = gray ? 1 : 3
        var pixels = [UInt8](repeating: 0, count: header.outputWidth * header.outputHeight * channels)
        var message = [CChar](repeating: 0, count: 200)
        // libjpeg's own working memory (a progressive file keeps every coefficient): generous, but bounded.
        let memory = max(64 << 20, header.width * header.height * 4)
        let status = data.withUnsafeBytes { bytes in
            pixels.withUnsafeMutableBufferPointer { target in
                tanba_jpeg_decode(
                    bytes.bindMemory(to: UInt8.self).baseAddress, UInt(bytes.count), Int32(scale), gray ? 1 : 0,
                    Int32(limits.maxJPEGScans), memory, target.baseAddress, Int32(header.outputWidth),
                    Int32(header.outputHeight), &message, message.count)
            }
        }
        guard status == 0 else { throw TanbaError(.imageCorrupt, "JPEG: \(text(message))") }
        return PNGCodec.Pixels(
            width: header.outputWidth, height: header.outputHeight, channels: channels, bytes: pixels)
    }

    /// Encodes grey (1 channel) or RGB (3) as a baseline JFIF JPEG with no other markers.
    static func encode(_ bytes: [UInt8], width: Int, height: Int, channels: Int, quality: Int) -> Data {
        precondition(bytes.count == width * height * channels && (channels == 1 || channels == 3), "bad pixels")
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 200)
        let status = bytes.withUnsafeBufferPointer {
            tanba_jpeg_encode(
                $0.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(min(100, max(1, quality))),
                &output, &size, &message, message.count)
        }
        defer { free(output) }
        // libjpeg fails to encode valid pixels only when memory runs out, which traps anywhere else too.
        precondition(status == 0, "libjpeg failed to encode: \(text(message))")
        return Data(bytes: output!, count: Int(size))
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
