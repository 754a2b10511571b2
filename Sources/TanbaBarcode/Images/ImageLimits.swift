import Foundation
import TanbaErrors

/// How large a picture the hub decodes. Both limits are checked before any pixel is decoded: the byte count on
/// arrival, the pixel count from the header (a small file may declare a huge picture: a decompression bomb).
public struct ImageLimits: Sendable, Hashable {
    /// The largest file accepted.
    public var maxBytes: Int
    /// The most pixels (width × height) a header may declare: 50 megapixels holds every phone's photos.
    public var maxPixels: Int
    /// The most scans a progressive JPEG may have (each one a pass over the whole picture).
    public var maxJPEGScans: Int

    public init(maxBytes: Int = 25 << 20, maxPixels: Int = 50_000_000, maxJPEGScans: Int = 100) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.maxJPEGScans = maxJPEGScans
    }

    /// 25 MiB, 50 megapixels, 100 scans.
    public static let `default` = ImageLimits()
}

/// The picture formats the hub reads, told by their first bytes (never by a file name or a declared media type).
enum ImageFormat: Sendable {
    case jpeg
    case png

    var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// - Throws: `IMAGE_TOO_LARGE` over `limits.maxBytes`; `IMAGE_UNSUPPORTED` for anything but JPEG or PNG.
    static func of(_ data: Data, limits: ImageLimits) throws -> ImageFormat {
        guard data.count <= limits.maxBytes else {
            throw TanbaError(
                .imageTooLarge, "the picture has \(data.count) bytes; at most \(limits.maxBytes) are accepted")
        }
        let head = Array(data.prefix(8))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head == pngSignature { return .png }
        throw TanbaError(.imageUnsupported, "the picture is neither JPEG nor PNG (\(describe(head)))")
    }

    /// Names a few formats people send instead, for the message.
    static func describe(_ head: [UInt8]) -> String {
        if head.isEmpty { return "no bytes" }
        if head.starts(with: Array("GIF8".utf8)) { return "a GIF" }
        if head.starts(with: Array("BM".utf8)) { return "a BMP, or text beginning with BM" }
        if head.starts(with: Array("RIFF".utf8)) { return "a RIFF file (WebP?)" }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return "a TIFF"
        }
        if head.count >= 8, Array(head[4..<8]) == Array("ftyp".utf8) { return "an ISO media file (HEIC, AVIF?)" }
        return "begins with " + head.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
    }

    /// - Throws: `IMAGE_TOO_LARGE` when width × height is over `limits.maxPixels`, `IMAGE_CORRUPT` for a zero size.
    static func checkSize(width: Int, height: Int, limits: ImageLimits) throws {
        guard width > 0, height > 0 else {
            throw TanbaError(.imageCorrupt, "the picture's header declares \(width) × \(height) pixels")
        }
        guard width.multipliedReportingOverflow(by: height).partialValue <= limits.maxPixels,
            width <= 1 << 20, height <= 1 << 20
        else {
            throw TanbaError(
                .imageTooLarge,
                "the picture declares \(width) × \(height) pixels; at most \(limits.maxPixels) are decoded")
        }
    }
}
