import Foundation
import Synchronization
import TanbaBarcode
import TanbaErrors

/// Pictures the public sends: a photo of a label to read the code from, a photo of what a report is about. The
/// one place their limits and their reading live, for every channel.
enum ReportPhoto {
    /// A phone's photo is 2 to 6 MB; 10 MB and 40 megapixels leave room and no more.
    static let limits = ImageLimits(maxBytes: 10 << 20, maxPixels: 40_000_000)

    /// The photo re-encoded from its pixels alone: no EXIF (GPS, device, time), XMP, comments or text chunks.
    /// - Throws: `IMAGE_UNSUPPORTED`, `IMAGE_TOO_LARGE`, `IMAGE_CORRUPT`.
    static func clean(_ bytes: [UInt8]) throws -> (bytes: [UInt8], mediaType: String) {
        let clean = try decoding { try ImageSanitizer.clean(Data(bytes), limits: limits) }
        return ([UInt8](clean.data), clean.mediaType)
    }

    /// The first GS1 DataMatrix in a photo, as GS1 element text with GS separators.
    /// - Throws: the image codes, `BARCODE_NOT_FOUND`, `BARCODE_NOT_GS1`.
    static func code(in bytes: [UInt8]) throws -> String {
        try decoding { try BarcodeReader.decode(Data(bytes), limits: limits)[0] }
    }

    /// Pictures being decoded now in this process. A decode takes from milliseconds to a fifth of a second of a
    /// core: at most one per core runs at once, and one more is refused at once (`SERVICE_BUSY`, come back in a
    /// second) rather than queued behind them, so that photos sent by many at once cannot take the cores from the
    /// checks and pages everyone else is waiting for.
    static let inFlight = Mutex(0)
    static let maxInFlight = max(1, ProcessInfo.processInfo.activeProcessorCount)

    static func decoding<T>(_ body: () throws -> T) throws -> T {
        let admitted = inFlight.withLock { count in
            guard count < maxInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw TanbaError(.serviceBusy, "the hub is reading other photos: send it again in a second")
        }
        defer { inFlight.withLock { $0 -= 1 } }
        return try body()
    }
}
