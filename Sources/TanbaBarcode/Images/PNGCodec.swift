internal import CImaging
import Foundation
import TanbaErrors

/// PNG through libpng's simplified API (`png_image`), which catches libpng's errors itself (no setjmp on our side).
/// Each call owns its `png_image` and frees it before returning.
enum PNGCodec {
    /// Width and height from the IHDR chunk, read by hand: the size is checked before libpng sees the file.
    /// - Throws: `IMAGE_CORRUPT` when the file does not begin with a well-formed IHDR.
    static func size(of data: Data) throws -> (width: Int, height: Int) {
        let head = Array(data.prefix(33))
        guard head.count >= 24, head[8..<16].elementsEqual([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) else {
            throw TanbaError(.imageCorrupt, "the PNG does not begin with its IHDR chunk")
        }
        func int(_ at: Int) -> Int { head[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (int(16), int(20))
    }

    /// Decoded pixels: `channels` bytes per pixel (1 grey, 3 RGB, 4 RGBA), rows top down.
    struct Pixels {
        var width: Int
        var height: Int
        var channels: Int
        var bytes: [UInt8]
    }

    /// Decodes to grey (transparency composited on white), or when `color` is set as the file has it: grey, RGB, or
    /// RGBA when the file has an alpha channel.
    /// - Throws: `IMAGE_TOO_LARGE` (checked from IHDR before decoding), `IMAGE_CORRUPT` when libpng fails.
    static func decode(_ data: Data, color: Bool, limits: ImageLimits) throws -> Pixels {
        let (declaredWidth, declaredHeight) = try size(of: data)
        try ImageFormat.checkSize(width: declaredWidth, height: declaredHeight, limits: limits)
        var image = png_image()
        image.version = tanba_png_image_version()
        defer { png_image_free(&image) }
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw TanbaError(.imageCorrupt, "PNG: \(message(of: &image))") }
        let width = Int(image.width)
        let height = Int(image.height)
        guard width == declaredWidth, height == declaredHeight else {
            throw TanbaError(.imageCorrupt, "PNG: the header's size changed")
        }
        let hasAlpha = image.format & tanba_png_format_flag_alpha() != 0
        let isColor = image.format & tanba_png_format_flag_color() != 0
        let channels: Int
        if !color || (!isColor && !hasAlpha) {
            image.format = tanba_png_format_gray()
            channels = 1
        } else if hasAlpha {
            image.format = tanba_png_format_rgba()
            channels = 4
        } else {
            image.format = tanba_png_format_rgb()
            channels = 3
        }
        var bytes = [UInt8](repeating: 0, count: width * height * channels)
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = bytes.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, &white, buffer.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw TanbaError(.imageCorrupt, "PNG: \(message(of: &image))") }
        return Pixels(width: width, height: height, channels: channels, bytes: bytes)
    }

    /// Encodes 8-bit pixels (1, 3 or 4 channels) as a PNG with no ancillary chunks beyond colour-space ones.
    static func encode(_ bytes: [UInt8], width: Int, height: Int, channels: Int) -> Data {
        precondition(bytes.count == width * height * channels && [1, 3, 4].contains(channels), "bad pixel buffer")
        var image = png_image()
        image.version = tanba_png_image_version()
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format =
            switch channels {
            case 1: tanba_png_format_gray()
            case 3: tanba_png_format_rgb()
            default: tanba_png_format_rgba()
            }
        defer { png_image_free(&image) }
        var size = 0
        // First the size, then the bytes (libpng's documented two-call use).
        let measured = bytes.withUnsafeBytes {
            png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil)
        }
        precondition(measured != 0 && size > 0, "libpng failed to measure a PNG: \(message(of: &image))")
        var output = Data(count: size)
        let written = output.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes {
                png_image_write_to_memory(&image, target.baseAddress, &size, 0, $0.baseAddress, 0, nil)
            }
        }
        precondition(written != 0, "libpng failed to write a PNG: \(message(of: &image))")
        return output.prefix(size)
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
