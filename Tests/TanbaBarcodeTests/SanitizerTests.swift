import Foundation
import TanbaErrors
import TanbaTestSupport
import Testing

@testable import TanbaBarcode

/// Photos come out with their pixels only: EXIF (with GPS), XMP, comments, ICC, PNG text chunks are all gone.
@Suite struct SanitizerTests {
    /// An EXIF block (big-endian TIFF) whose IFD0 points to a GPS IFD with a latitude.
    static let exif: [UInt8] = {
        var tiff: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8]
        tiff += [0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]  // IFD0: GPS IFD at 26
        tiff += [0, 1, 0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 44, 0, 0, 0, 0]  // GPS IFD: GPSLatitude, 3 rationals at 44
        for (numerator, denominator) in [(43, 1), (14, 1), (2049, 100)] {
            tiff += PNGBuilder.bigEndian(UInt32(numerator)) + PNGBuilder.bigEndian(UInt32(denominator))
        }
        return tiff
    }()
    static let secrets = ["Exif", "GPS", "SECRET", "ICC_PROFILE", "xmpmeta", "tEXt", "iTXt", "eXIf", "zTXt"]

    static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, marker, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }

    /// A colour JPEG with EXIF+GPS (APP1), XMP (APP1), an ICC profile's header (APP2) and a comment (COM).
    static func jpegWithMetadata() -> Data {
        var rgb: [UInt8] = []
        for y in 0..<120 {
            for x in 0..<160 { rgb += [UInt8(x), UInt8(y * 2), UInt8((x + y) % 256)] }
        }
        let plain = Array(JPEGCodec.encode(rgb, width: 160, height: 120, channels: 3, quality: 90))
        var metadata = segment(0xE1, Array("Exif".utf8) + [0, 0] + exif)
        metadata += segment(0xE1, Array("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>SECRET-XMP</x:xmpmeta>".utf8))
        metadata += segment(0xE2, Array("ICC_PROFILE\0".utf8) + [1, 1] + Array(repeating: 0, count: 128))
        metadata += segment(0xFE, Array("SECRET-COMMENT".utf8))
        return Data(plain[0..<2] + metadata + plain[2...])
    }

    static func contains(_ data: Data, _ text: String) -> Bool {
        data.range(of: Data(text.utf8)) != nil
    }

    /// The JPEG's markers in order, up to the start of scan.
    static func markers(_ data: Data) -> [UInt8] {
        let bytes = [UInt8](data)
        var markers: [UInt8] = []
        var index = 2
        while index + 4 <= bytes.count, bytes[index] == 0xFF {
            markers.append(bytes[index + 1])
            if bytes[index + 1] == 0xDA { break }
            index += 2 + Int(bytes[index + 2]) << 8 + Int(bytes[index + 3])
        }
        return markers
    }

    @Test func jpegWithExifGPSXMPICCAndCommentComesOutWithNoneOfIt() throws {
        let dirty = Self.jpegWithMetadata()
        #expect(Self.secrets.filter { Self.contains(dirty, $0) }.count == 4, "the fixture carries the metadata")
        let clean = try ImageSanitizer.clean(dirty)
        #expect(clean.mediaType == "image/jpeg")
        #expect((clean.width, clean.height) == (160, 120))
        for secret in Self.secrets { #expect(!Self.contains(clean.data, secret), "\(secret) survived") }
        // JFIF (APP0), then only tables and the frame: no APPn but APP0, no COM.
        let markers = Self.markers(clean.data)
        #expect(markers.first == 0xE0)
        #expect(markers.allSatisfy { $0 == 0xE0 || !(0xE1...0xEF).contains($0) && $0 != 0xFE }, "\(markers)")
        let decoded = try JPEGCodec.decode(clean.data, gray: false, limits: .default)
        #expect((decoded.width, decoded.height, decoded.channels) == (160, 120, 3))
    }

    @Test func pngWithTextITXtEXIfChunksComesOutWithNoneOfIt() throws {
        let rows = (0..<40).map { y in (0..<60).map { x in UInt8((x * 4 + y) % 256) } }
        let dirty = PNGBuilder.png(
            width: 60, height: 40,
            chunks: [
                PNGBuilder.chunk("tEXt", Array("Comment\0SECRET-TEXT".utf8)),
                PNGBuilder.chunk("iTXt", Array("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>SECRET-XMP</x:xmpmeta>".utf8)),
                PNGBuilder.chunk("eXIf", Self.exif),
            ],
            gray: rows)
        #expect(try GrayImage(decoding: dirty).pixels == rows.flatMap { $0 }, "the fixture is a valid PNG")
        let clean = try ImageSanitizer.clean(dirty)
        #expect(clean.mediaType == "image/png")
        #expect((clean.width, clean.height) == (60, 40))
        for secret in Self.secrets { #expect(!Self.contains(clean.data, secret), "\(secret) survived") }
        // Lossless: the same pixels.
        #expect(try GrayImage(decoding: clean.data).pixels == rows.flatMap { $0 })
    }

    @Test func cleanedLabelPhotoStillReads() throws {
        let sample = Fixtures.tobacco
        let photo = try DataMatrix.encodeGS1(sample.raw).image(moduleSize: 6).rotated(degrees: 10)
        let clean = try ImageSanitizer.clean(photo.jpeg(quality: 85))
        #expect(try BarcodeReader.decode(clean.data) == [sample.raw])
    }
}
