public import Foundation
import TanbaErrors

/// An 8-bit greyscale picture: 0 is black, 255 white, rows from the top.
public struct GrayImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// width × height bytes, row by row from the top.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "pixels must be width × height")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A picture of one grey level.
    public init(width: Int, height: Int, level: UInt8) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: level, count: width * height))
    }

    /// The pixel at column `x`, row `y` (0, 0 at the top left).
    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Decodes a JPEG or PNG (told by its first bytes) to grey.
    /// - Throws: `IMAGE_UNSUPPORTED`, `IMAGE_TOO_LARGE` (bytes, or pixels declared by the header, before decoding),
    ///   `IMAGE_CORRUPT`.
    public init(decoding data: Data, limits: ImageLimits = .default) throws {
        let decoded =
            switch try ImageFormat.of(data, limits: limits) {
            case .jpeg: try JPEGCodec.decode(data, gray: true, limits: limits)
            case .png: try PNGCodec.decode(data, color: false, limits: limits)
            }
        self.init(width: decoded.width, height: decoded.height, pixels: decoded.bytes)
    }

    /// The picture as an 8-bit greyscale PNG with no metadata.
    public func png() -> Data { PNGCodec.encode(pixels, width: width, height: height, channels: 1) }

    /// The picture as a greyscale baseline JPEG (JFIF, no other markers) of `quality` 1–100.
    public func jpeg(quality: Int = 90) -> Data {
        JPEGCodec.encode(pixels, width: width, height: height, channels: 1, quality: quality)
    }
}
