internal import CDmtx
import TanbaErrors

/// One libdmtx search over one grey picture. Owns the pixels (libdmtx reads them in place), the `DmtxImage` and the
/// `DmtxDecode`, and frees all three in `deinit`; each region and message found lives only inside `next`.
final class DmtxScan {
    private let pixels: UnsafeMutableBufferPointer<UInt8>
    private let image: UnsafeMutablePointer<DmtxImage>
    private let decoder: UnsafeMutablePointer<DmtxDecode>

    /// What one symbol held.
    enum Found {
        /// A GS1 DataMatrix: the element string, leading FNC1 removed.
        case gs1(String)
        /// A DataMatrix that is not GS1 (shown for the diagnostic).
        case other(String)
    }

    init(_ picture: GrayImage) throws {
        pixels = .allocate(capacity: picture.pixels.count)
        _ = pixels.initialize(from: picture.pixels)
        guard
            let image = dmtxImageCreate(
                pixels.baseAddress, Int32(picture.width), Int32(picture.height), Int32(DmtxPack8bppK.rawValue))
        else {
            pixels.deallocate()
            throw TanbaError(.internal, "libdmtx could not allocate an image")
        }
        // Rows are top down in memory, as decoded.
        _ = dmtxImageSetProp(image, Int32(DmtxPropImageFlip.rawValue), Int32(DmtxFlipNone.rawValue))
        guard let decoder = dmtxDecodeCreate(image, 1) else {
            var pointer: UnsafeMutablePointer<DmtxImage>? = image
            _ = dmtxImageDestroy(&pointer)
            pixels.deallocate()
            throw TanbaError(.internal, "libdmtx could not allocate a decoder")
        }
        self.image = image
        self.decoder = decoder
        // FNC1 comes out as GS: a leading one marks a GS1 DataMatrix, the others separate elements.
        _ = dmtxDecodeSetProp(decoder, Int32(DmtxPropFnc1.rawValue), Int32(GS1Text.separator))
    }

    deinit {
        var decoderPointer: UnsafeMutablePointer<DmtxDecode>? = decoder
        _ = dmtxDecodeDestroy(&decoderPointer)
        var imagePointer: UnsafeMutablePointer<DmtxImage>? = image
        _ = dmtxImageDestroy(&imagePointer)
        pixels.deallocate()
    }

    /// The next symbol in the picture, or nil when the search is done or `milliseconds` have passed (`timedOut`).
    func next(milliseconds: Int, timedOut: inout Bool) -> Found? {
        var deadline = dmtxTimeAdd(dmtxTimeNow(), max(1, milliseconds))
        while true {
            guard let found = dmtxRegionFindNext(decoder, &deadline) else {
                timedOut = dmtxTimeExceeded(deadline) != 0
                return nil
            }
            var region: UnsafeMutablePointer<DmtxRegion>? = found
            defer { _ = dmtxRegionDestroy(&region) }
            // A region is a candidate L-shape; most are not symbols (their message is nil).
            guard let decoded = dmtxDecodeMatrixRegion(decoder, found, tanba_dmtx_undefined()) else { continue }
            var message: UnsafeMutablePointer<DmtxMessage>? = decoded
            defer { _ = dmtxMessageDestroy(&message) }
            if let text = MessageText.gs1(decoded) { return .gs1(text) }
            return .other(MessageText.shown(decoded))
        }
    }
}
