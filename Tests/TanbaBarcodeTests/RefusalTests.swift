import Foundation
import TanbaBarcode
import TanbaErrors
import TanbaTestSupport
import Testing

/// What is not a readable photo is refused with a specific code, before any pixel is decoded where it can be.
@Suite struct RefusalTests {
    static let labelPNG = try! DataMatrix.encodeGS1(Fixtures.tobacco.raw).png(moduleSize: 6)
    static let labelJPEG = try! DataMatrix.encodeGS1(Fixtures.tobacco.raw).image(moduleSize: 6).jpeg(quality: 90)

    static let notPictures: [(String, [UInt8])] = [
        ("garbage", [0x13, 0x37, 0x00, 0xFF, 0x42, 0x42, 0x42, 0x42, 0x42]),
        ("text file", Array("(01)04600439930022(21)ABC\n".utf8)),
        ("GIF", Array("GIF89a".utf8) + [0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00]),
        ("BMP", Array("BM".utf8) + [UInt8](repeating: 0, count: 60)),
        ("WebP", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8)),
        ("empty", []),
    ]

    @Test(arguments: notPictures)
    func notJPEGOrPNGIsRefusedImageUnsupported(what: String, bytes: [UInt8]) {
        let data = Data(bytes)
        expectCode(.imageUnsupported, what) { _ = try BarcodeReader.decode(data) }
        expectCode(.imageUnsupported, what) { _ = try ImageSanitizer.clean(data) }
    }

    @Test func truncatedPNGIsRefusedImageCorrupt() {
        let cut = Self.labelPNG.prefix(Self.labelPNG.count / 2)
        expectCode(.imageCorrupt) { _ = try BarcodeReader.decode(cut) }
        expectCode(.imageCorrupt) { _ = try ImageSanitizer.clean(cut) }
        expectCode(.imageCorrupt, "signature only") { _ = try BarcodeReader.decode(Self.labelPNG.prefix(8)) }
    }

    @Test func truncatedJPEGIsRefusedImageCorrupt() {
        let cut = Self.labelJPEG.prefix(Self.labelJPEG.count * 2 / 3)
        expectCode(.imageCorrupt) { _ = try BarcodeReader.decode(cut) }
        expectCode(.imageCorrupt) { _ = try ImageSanitizer.clean(cut) }
        expectCode(.imageCorrupt, "SOI only") { _ = try BarcodeReader.decode(Data([0xFF, 0xD8, 0xFF])) }
    }

    /// A PNG whose IHDR declares 100000 × 100000 (10 gigapixels, 10 GB of grey) in a few dozen bytes: refused from
    /// the header; no buffer is allocated (the test would run out of memory otherwise).
    @Test func pngDeclaringTenGigapixelsIsRefusedImageTooLargeWithoutDecoding() {
        let bomb = PNGBuilder.png(width: 100_000, height: 100_000, chunks: [])
        expectCode(.imageTooLarge) { _ = try BarcodeReader.decode(bomb) }
        expectCode(.imageTooLarge) { _ = try ImageSanitizer.clean(bomb) }
        expectCode(.imageTooLarge) { _ = try GrayImage(decoding: bomb) }
    }

    @Test func jpegDeclaringMorePixelsThanTheLimitIsRefusedImageTooLarge() {
        let limits = ImageLimits(maxPixels: 1000)
        expectCode(.imageTooLarge) { _ = try BarcodeReader.decode(Self.labelJPEG, limits: limits) }
        expectCode(.imageTooLarge) { _ = try ImageSanitizer.clean(Self.labelJPEG, limits: limits) }
    }

    @Test func fileOverTheByteLimitIsRefusedImageTooLarge() {
        let limits = ImageLimits(maxBytes: 100)
        expectCode(.imageTooLarge) { _ = try BarcodeReader.decode(Self.labelPNG, limits: limits) }
        expectCode(.imageTooLarge) { _ = try ImageSanitizer.clean(Self.labelJPEG, limits: limits) }
    }

    @Test func pictureWithNoCodeIsRefusedBarcodeNotFound() {
        let empty = GrayImage(width: 640, height: 480, level: 200).withNoise(amplitude: 30, seed: 3)
        expectCode(.barcodeNotFound) { _ = try BarcodeReader.decode(empty.png()) }
        expectCode(.barcodeNotFound) { _ = try BarcodeReader.decode(empty.jpeg(quality: 80)) }
    }

    @Test func searchStopsAtTheTimeLimitBarcodeNotFound() throws {
        let photo = GrayImage(width: 2000, height: 1500, level: 128).withNoise(amplitude: 60, seed: 5)
        // CPU time, not wall time: the limit is on the clock, so the search stops within it whatever else runs; on a
        // loaded run the thread may wait for a core after that, which is not the search's time.
        let (_, seconds) = threadCPUTime {
            expectCode(.barcodeNotFound) {
                _ = try BarcodeReader.decode(photo, options: .init(timeLimit: .milliseconds(200)))
            }
        }
        #expect(seconds < 1, "\(seconds) s of CPU")
    }
}

/// PNG files built chunk by chunk (zlib's stored blocks: no compressor needed), for bombs and metadata.
enum PNGBuilder {
    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
    }

    static func png(width: Int, height: Int, chunks: [[UInt8]], gray rows: [[UInt8]]? = nil) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0])
        for extra in chunks { bytes += extra }
        if let rows {
            let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }
            bytes += chunk("IDAT", zlibStored(raw))
        } else {
            bytes += chunk("IDAT", zlibStored([0]))
        }
        bytes += chunk("IEND", [])
        return Data(bytes)
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length >= data.count ? 1 : 0
            let complement = 0xFFFF - length
            let header: [UInt8] = [
                final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(complement & 0xFF), UInt8(complement >> 8),
            ]
            out += header
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
