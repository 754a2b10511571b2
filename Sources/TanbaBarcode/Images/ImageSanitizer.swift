public import Foundation
import TanbaErrors

/// A picture re-encoded from its pixels alone.
public struct CleanImage: Sendable, Hashable {
    /// The new file: JPEG for a JPEG, PNG for a PNG.
    public let data: Data
    /// `image/jpeg` or `image/png`.
    public let mediaType: String
    public let width: Int
    public let height: Int
}

/// Cleans photos people upload (violation reports' photos) of everything but their pixels.
public enum ImageSanitizer {
    /// The JPEG quality of re-encoded photos: visually lossless for evidence, smaller than most phones' files.
    public static let jpegQuality = 90

    /// Decodes the picture and encodes its pixels again, so that nothing else survives: no EXIF (GPS position,
    /// device, time), XMP, IPTC, comments, ICC profiles, PNG text chunks (tEXt, zTXt, iTXt), eXIf, or bytes after
    /// the image's end. A JPEG stays a JPEG (baseline JFIF, RGB or grey), a PNG a PNG (grey, RGB or RGBA, 8 bits).
    ///
    /// The EXIF orientation goes too: a phone photo taken upright but stored sideways is displayed as stored.
    /// - Throws: `IMAGE_UNSUPPORTED`, `IMAGE_TOO_LARGE` (bytes, or the header's pixels: before decoding),
    ///   `IMAGE_CORRUPT`.
    public static func clean(_ image: Data, limits: ImageLimits = .default) throws -> CleanImage {
        switch try ImageFormat.of(image, limits: limits) {
        case .jpeg:
            let header = try JPEGCodec.header(image)
            let pixels = try JPEGCodec.decode(image, gray: header.components == 1, limits: limits)
            let data = JPEGCodec.encode(
                pixels.bytes, width: pixels.width, height: pixels.height, channels: pixels.channels,
                quality: jpegQuality)
            return CleanImage(data: data, mediaType: "image/jpeg", width: pixels.width, height: pixels.height)
        case .png:
            let pixels = try PNGCodec.decode(image, color: true, limits: limits)
            let data = PNGCodec.encode(
                pixels.bytes, width: pixels.width, height: pixels.height, channels: pixels.channels)
            return CleanImage(data: data, mediaType: "image/png", width: pixels.width, height: pixels.height)
        }
    }
}
