public import Foundation
import TanbaErrors

/// Reads GS1 DataMatrix codes from photos (JPEG or PNG).
public enum BarcodeReader {
    /// How hard to look.
    public struct Options: Sendable, Hashable {
        /// The most time spent searching, over every scale tried (decoding the file is not counted).
        public var timeLimit: Duration
        /// Stop after this many codes. One is what a scan of one pack needs, and the fastest: looking for a second
        /// code means searching the whole picture once more.
        public var maxSymbols: Int

        public init(timeLimit: Duration = .seconds(2), maxSymbols: Int = 1) {
            self.timeLimit = timeLimit
            self.maxSymbols = max(1, maxSymbols)
        }

        public static let `default` = Options()
    }

    /// The long sides tried, in order: a label in a phone photo is usually found at about 1000 pixels (fast); a
    /// small one needs more pixels, a blurred or noisy one fewer (then half size and smoothed are tried too).
    static let longSides = [1024, 2048, Int.max, 512]

    /// Decodes the GS1 DataMatrix codes in a photo.
    /// - Returns: each code's GS1 element string, GS (0x1D) between variable-length elements and no leading FNC1:
    ///   the form `DataMatrix.encodeGS1` takes. The same code seen twice is returned once.
    /// - Throws: `IMAGE_UNSUPPORTED`, `IMAGE_TOO_LARGE` (bytes, or the header's pixels: before decoding),
    ///   `IMAGE_CORRUPT`; `BARCODE_NOT_FOUND` when no code is read in time; `BARCODE_NOT_GS1` when only DataMatrix
    ///   codes that are not GS1 were read.
    public static func decode(_ image: Data, limits: ImageLimits = .default, options: Options = .default) throws
        -> [String]
    {
        let pictures = try PictureSource(image, limits: limits)
        return try search(options: options) { try pictures.picture(longSide: $0) }
    }

    /// Decodes the GS1 DataMatrix codes in a grey picture, trying the same scales as for a file.
    public static func decode(_ image: GrayImage, options: Options = .default) throws -> [String] {
        try search(options: options) { longSide in
            let factor = max(image.width, image.height) / longSide
            return factor >= 2 ? image.shrunk(by: factor) : (longSide == Int.max ? image : nil)
        }
    }

    /// Runs libdmtx over the picture at each long side in turn, then over the first picture tried at half size
    /// and smoothed (noise that hides the symbol's edges averages out), until a code is read or time is up.
    /// - Parameter picture: the picture at about that long side, or nil when that scale is not worth trying (the
    ///   picture is smaller, or the same as one tried already).
    /// The narrowest picture searched: the smallest symbol (10 × 10 modules) and its quiet zone at a pixel each.
    static let minimumSide = 12

    static func search(options: Options, picture: (Int) throws -> GrayImage?) throws -> [String] {
        let clock = ContinuousClock()
        let deadline = clock.now + options.timeLimit
        var found: [String] = []
        var others: [String] = []
        var tried: Set<[Int]> = []
        var timedOut = false
        var first: GrayImage?
        /// Whether time is left.
        func attempt(_ candidate: GrayImage) throws -> Bool {
            // The smallest DataMatrix is 10 × 10 modules: a picture narrower than that (and its quiet zone) holds
            // none, and libdmtx asserts (aborting the process) on pictures of a pixel or two.
            guard min(candidate.width, candidate.height) >= minimumSide else { return true }
            let scan = try DmtxScan(candidate)
            while found.count < options.maxSymbols {
                let milliseconds = Int((deadline - clock.now) / .milliseconds(1))
                guard milliseconds > 0 else {
                    timedOut = true
                    return false
                }
                guard let symbol = scan.next(milliseconds: milliseconds, timedOut: &timedOut) else { break }
                switch symbol {
                case .gs1(let text): if !found.contains(text) { found.append(text) }
                case .other(let text): others.append(text)
                }
            }
            return !timedOut
        }
        for longSide in longSides {
            guard let candidate = try picture(longSide), tried.insert([candidate.width, candidate.height]).inserted
            else { continue }
            if first == nil { first = candidate }
            guard try attempt(candidate), found.isEmpty else { break }
        }
        if found.isEmpty, !timedOut, let first {
            if min(first.width, first.height) >= 128, tried.insert([first.width / 2, first.height / 2]).inserted {
                _ = try attempt(first.shrunk(by: 2))
            }
            if found.isEmpty, !timedOut { _ = try attempt(first.blurred(radius: 1)) }
        }
        if !found.isEmpty { return found }
        if let other = others.first {
            throw TanbaError(
                .barcodeNotGS1, "a DataMatrix was read, but it is not GS1 (no leading FNC1, or not GS1 text): \(other)")
        }
        throw TanbaError(
            .barcodeNotFound,
            timedOut
                ? "no DataMatrix was read within \(options.timeLimit)"
                : "no DataMatrix was found in the picture at any scale tried")
    }
}

/// A photo decoded at the scales the reader asks for, each decoded once. A JPEG is decoded at 1/2, 1/4 or 1/8 by
/// libjpeg itself (a 12-megapixel photo at a quarter costs a fraction of a full decode); the rest is shrunk by
/// averaging blocks.
final class PictureSource {
    let data: Data
    let format: ImageFormat
    let limits: ImageLimits
    let width: Int
    let height: Int
    private var decoded: [Int: GrayImage] = [:]

    init(_ data: Data, limits: ImageLimits) throws {
        self.data = data
        self.limits = limits
        format = try ImageFormat.of(data, limits: limits)
        switch format {
        case .jpeg:
            let header = try JPEGCodec.header(data)
            (width, height) = (header.width, header.height)
        case .png:
            (width, height) = try PNGCodec.size(of: data)
        }
        try ImageFormat.checkSize(width: width, height: height, limits: limits)
    }

    /// The picture with its long side about `longSide` (never enlarged), or nil when it is not at least 1.5 times
    /// larger.
    func picture(longSide: Int) throws -> GrayImage? {
        let long = max(width, height)
        // Not worth a try of its own unless it shrinks the picture by a third or more (a full-size try comes anyway).
        if longSide != Int.max && long < longSide * 3 / 2 { return nil }
        // libjpeg's DCT scaling does most of the shrinking (to no less than 0.7 of the long side asked for);
        // averaging blocks does the rest.
        var jpegScale = 1
        if format == .jpeg && longSide != Int.max {
            jpegScale = [8, 4, 2].first { Double(long) / Double($0) >= 0.7 * Double(longSide) } ?? 1
        }
        let base = try decodedAt(scale: jpegScale)
        let factor = longSide == Int.max ? 1 : max(1, max(base.width, base.height) / longSide)
        return base.shrunk(by: factor)
    }

    private func decodedAt(scale: Int) throws -> GrayImage {
        if let image = decoded[scale] { return image }
        let pixels =
            switch format {
            case .jpeg: try JPEGCodec.decode(data, scale: scale, gray: true, limits: limits)
            case .png: try PNGCodec.decode(data, color: false, limits: limits)
            }
        let image = GrayImage(width: pixels.width, height: pixels.height, pixels: pixels.bytes)
        decoded[scale] = image
        return image
    }
}
