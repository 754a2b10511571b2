import Foundation
import TanbaBarcode
import TanbaErrors
import TanbaTestSupport
import Testing

/// A printed label as a camera sees it: scaled, turned, blurred, noisy, small in a big photo, JPEG-compressed. Each
/// case starts from a real code of every product group and must give the identical element string back.
@Suite struct ReaderRobustnessTests {
    static let samples = Fixtures.one

    static func label(_ sample: Fixtures.Sample, moduleSize: Int = 6) throws -> GrayImage {
        try DataMatrix.encodeGS1(sample.raw).image(moduleSize: moduleSize, quietZone: 2)
    }

    static func expectRead(_ image: GrayImage, _ sample: Fixtures.Sample, _ what: String) {
        do {
            let read = try BarcodeReader.decode(image.png())
            #expect(read == [sample.raw], "\(what): \(sample)")
        } catch {
            Issue.record("\(what): \(sample): \(error)")
        }
    }

    @Test(arguments: [0.5, 3.0])
    func scaledLabelStillReads(factor: Double) throws {
        for sample in Self.samples { Self.expectRead(try Self.label(sample).scaled(by: factor), sample, "×\(factor)") }
    }

    @Test(arguments: [7.0, 33.0, 90.0, 180.0])
    func rotatedLabelStillReads(degrees: Double) throws {
        for sample in Self.samples {
            Self.expectRead(try Self.label(sample).rotated(degrees: degrees, background: 255), sample, "\(degrees)°")
        }
    }

    @Test func blurredLabelStillReads() throws {
        for sample in Self.samples { Self.expectRead(try Self.label(sample).blurred(radius: 1), sample, "blur") }
    }

    @Test func noisyLabelStillReads() throws {
        for sample in Self.samples {
            Self.expectRead(try Self.label(sample).withNoise(amplitude: 25, seed: 42), sample, "noise ±25")
        }
    }

    /// The label small in a 1280 × 960 grey, noisy photo, turned a little.
    @Test func labelInsideANoisyPhotoStillReads() throws {
        for (index, sample) in Self.samples.enumerated() {
            let label = try Self.label(sample, moduleSize: 5).rotated(degrees: 12, background: 255)
            let photo = label.placed(
                on: 120, width: 1280, height: 960, x: 200 + 40 * index, y: 150 + 30 * index, noise: 14,
                seed: UInt64(index))
            Self.expectRead(photo, sample, "in a photo")
        }
    }

    @Test func jpegQuality60StillReads() throws {
        for sample in Self.samples {
            let jpeg = try Self.label(sample).rotated(degrees: 7).jpeg(quality: 60)
            #expect(try BarcodeReader.decode(jpeg) == [sample.raw], "\(sample)")
        }
    }

    /// A phone-sized photo (3024 × 4032 JPEG) reads from its quarter-size decode, well within the time limit.
    @Test func phoneSizedPhotoReadsQuickly() throws {
        let sample = Fixtures.longest
        let label = try Self.label(sample, moduleSize: 24).rotated(degrees: 21, background: 250)
        let photo = label.placed(on: 130, width: 3024, height: 4032, x: 900, y: 1400, noise: 10, seed: 9)
        let jpeg = photo.jpeg(quality: 85)
        // The reader's own limit is wall time, which a loaded test run can use up; the CPU time it took is what the
        // quarter-size decode saves (a full-size decode and search takes several seconds).
        let (read, seconds) = try threadCPUTime {
            try BarcodeReader.decode(jpeg, options: .init(timeLimit: .seconds(60)))
        }
        #expect(read == [sample.raw])
        #expect(seconds < 1.5, "\(seconds) s of CPU")
    }

    /// Two different codes in one picture, when asked for more than one.
    @Test func severalCodesAreReadWhenAskedFor() throws {
        let first = try Self.label(Fixtures.one[0], moduleSize: 5)
        let second = try Self.label(Fixtures.one[1], moduleSize: 5)
        var photo = first.placed(on: 255, width: 900, height: 500, x: 40, y: 40, noise: 0)
        for y in 0..<second.height {
            for x in 0..<second.width { photo[x + 480, y + 60] = second[x, y] }
        }
        let read = try BarcodeReader.decode(photo.png(), options: .init(maxSymbols: 2))
        #expect(Set(read) == [Fixtures.one[0].raw, Fixtures.one[1].raw])
    }

    /// An independent decoder (dmtxread, libdmtx-utils, when installed) reads the PNG as a GS1 DataMatrix too.
    @Test(.blocking) func dmtxreadReadsTheLabelWhenInstalled() throws {
        let tool = "/usr/bin/dmtxread"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return }
        let sample = Fixtures.longest
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-dmtx-\(UUID()).png")
        try DataMatrix.encodeGS1(sample.raw).png(moduleSize: 5).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        // --gs1 0x1D: FNC1 as GS; the leading one shows the symbol is GS1.
        let result = try runProcess(tool, ["--gs1=29", "-N1", file.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "\u{1D}" + sample.raw)
    }
}
