import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TanbaBarcode
import TanbaDomain
import TanbaErrors
import TanbaHTTP
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaCore

/// Photos sent to the public side: a label the hub printed, photographed (scaled, turned, blurred, JPEG), is read
/// back and checked; anything else is refused with its reason and stores nothing; a report's photo keeps no
/// metadata.
@Suite struct PhotoCheckTests {
    /// A phone's picture of a label: the label on a grey noisy background, turned, softened, as a JPEG.
    static func photo(of raw: String) throws -> [UInt8] {
        let label = try DataMatrix.encodeGS1(raw).image(moduleSize: 8, quietZone: 2)
        let picture = label.rotated(degrees: 12).blurred(radius: 1).placed(
            on: 200, width: 1280, height: 960, x: 400, y: 250, noise: 12, seed: 7)
        return [UInt8](picture.jpeg(quality: 80))
    }

    static func post(_ bytes: [UInt8], type: String, _ client: some TestClientProtocol) async throws
        -> (HTTPResponse.Status, [String: Any])
    {
        try await client.execute(
            uri: "/v1/public/check", method: .post, headers: [.contentType: type], body: ByteBuffer(bytes: bytes)
        ) { ($0.status, (try? JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any]) ?? [:]) }
    }

    @Test(arguments: TestBackend.available)
    func aPhotographedLabelIsReadAndChecked(_ backend: TestBackend) async throws {
        let world = try await PublicCheckTests.world(backend)
        let hub = world.hub
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let raw = PublicCheckTests.scanned(world.introduced[0], hub)
            let (status, body) = try await Self.post(try Self.photo(of: raw), type: "image/jpeg", client)
            #expect(status == .ok, "\(body)")
            #expect(body["code"] as? String == world.introduced[0].id && body["genuine"] as? Bool == true)
            #expect(body["productionDate"] as? String == "2026-11-19")
        }
    }

    /// Garbage, text, other formats, a truncated picture, a decompression bomb, a picture without a code, an
    /// oversize body: each refused with its own code; nothing journalled.
    @Test func everyBadPictureIsRefusedWithItsReason() async throws {
        let hub = try HTTPTests.hub()
        let blank = [UInt8](GrayImage(width: 300, height: 200, pixels: [UInt8](repeating: 230, count: 60_000)).png())
        // A PNG whose header declares 100,000 × 100,000 pixels.
        var bomb = Array(blank.prefix(33))
        bomb.replaceSubrange(16..<24, with: [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0])
        let cases: [(String, [UInt8], String)] = [
            ("garbage", Array("\u{0}\u{1}\u{2}garbage".utf8), "IMAGE_UNSUPPORTED"),
            ("text", Array("01048700010000112112345".utf8), "IMAGE_UNSUPPORTED"),
            ("GIF", Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 40), "IMAGE_UNSUPPORTED"),
            ("truncated PNG", Array(blank.prefix(blank.count / 2)), "IMAGE_CORRUPT"),
            ("decompression bomb", bomb, "IMAGE_TOO_LARGE"),
            ("no code in it", blank, "BARCODE_NOT_FOUND"),
            // One pixel (the fuzzer's first PNG): too small to hold a code, answered, not a crash.
            (
                "one pixel", [UInt8](GrayImage(width: 1, height: 1, pixels: [0]).png()), "BARCODE_NOT_FOUND"
            ),
            (
                "a 3 × 2 JPEG",
                [UInt8](GrayImage(width: 3, height: 2, pixels: [UInt8](repeating: 9, count: 6)).jpeg(quality: 75)),
                "BARCODE_NOT_FOUND"
            ),
        ]
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            for (name, bytes, code) in cases {
                var (status, body) = try await Self.post(bytes, type: "image/png", client)
                // One decode per core at a time, hub-wide: other suites' photos running beside this one may take
                // them all, and the answer is then SERVICE_BUSY with Retry-After, which a client honours.
                for _ in 0..<50 where body["code"] as? String == "SERVICE_BUSY" {
                    try await Task.sleep(for: .milliseconds(100))
                    (status, body) = try await Self.post(bytes, type: "image/png", client)
                }
                #expect(status == .badRequest || status == .contentTooLarge, "\(name)")
                #expect(body["code"] as? String == code, "\(name): \(body)")
            }
            let (status, _) = try await Self.post(
                [UInt8](repeating: 0xFF, count: HubAPI.maxPhotoBytes + 1), type: "image/jpeg", client)
            #expect(status == .contentTooLarge)
        }
        hub.api.core.journal.flush()
        #expect(try hub.store.read { try $0.violations(ViolationFilter()) }.reports.isEmpty)
    }

    /// A report's photo is kept re-encoded: the text chunks a phone or an editor wrote (here a GPS position in a
    /// PNG text chunk) are gone; the inspector gets the picture.
    @Test func aReportsPhotoKeepsNoMetadata() async throws {
        let hub = try ViolationTests.inspectorHub(.sqlite)
        var png = [UInt8](GrayImage(width: 40, height: 30, pixels: [UInt8](repeating: 90, count: 1200)).png())
        // A tEXt chunk after IHDR: length, type, keyword NUL text, CRC (over type and data).
        let text = Array("tEXt".utf8) + Array("GPS\u{0}43.2389,76.8897".utf8)
        let chunk =
            withUnsafeBytes(of: UInt32(text.count - 4).bigEndian, Array.init) + text
            + withUnsafeBytes(of: Self.crc32(text).bigEndian, Array.init)
        png.insert(contentsOf: chunk, at: 33)
        var input = ViolationInput()
        input.kind = "other"
        input.shop = "Дүкен"
        input.address = "Алматы"
        input.photo = png
        let report = try hub.api.core.fileViolation(input)
        let stored = try #require(try hub.store.read { try $0.violation(report.reference) })
        #expect(stored.photoType == "image/png")
        let kept = try #require(stored.photo)
        #expect(!String(decoding: kept, as: UTF8.self).contains("43.2389"))
        #expect(String(decoding: png, as: UTF8.self).contains("43.2389"))
        #expect(try GrayImage(decoding: Data(kept)).width == 40)
        // Not a picture: refused, nothing filed.
        input.photo = Array("%PDF-1.7".utf8)
        #expect(throws: TanbaError.self) { try hub.api.core.fileViolation(input) }
        #expect(try hub.store.read { try $0.violations(ViolationFilter()) }.reports.count == 1)
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
