import Foundation
import TanbaBarcode
import TanbaDomain
import TanbaEmission

/// `labels`: reading a GS1 DataMatrix from phone photos (a printed label, turned, slightly blurred, on a noisy grey
/// table, JPEG) beside the floor measured in the same run — decoding the same JPEG to grey at full size, which any
/// reader must do or avoid — and `dmtxread` (dmtx-utils, libdmtx's own reader) on the same file.
func labelsBench(work: URL, runs: Int = 7) throws {
    let key = EmissionKey.generate()
    // The longest national format: serial 13, key id (AI 91), verification code of 44 (AI 92).
    let format = NationalCodeFormat(
        group: "bench",
        elements: [.init(ai: "21", length: 13), .init(ai: "91", length: 4), .init(ai: "92", length: 44)])
    let record = try CodeEmitter(key: key, format: format)
        .issue(gtin: "04600439930022", count: 1, owner: "960640000011", at: Date())[0]
    let raw = GS1.raw(format.elements(of: record))
    let symbol = try DataMatrix.encodeGS1(raw)
    print(
        "\n## Reading a GS1 DataMatrix from a phone photo (\(raw.count) characters, \(symbol.rows)×\(symbol.columns) modules; median of \(runs))"
    )
    print(
        "| photo | JPEG decode alone (floor) | Tanba: read the code | Tanba / floor | dmtxread -N1 | dmtxread / Tanba |"
    )
    print("|---|---|---|---|---|---|")
    let dmtxread = which("dmtxread")
    for (name, width, height, module) in [("3024×4032 (12 MP)", 3024, 4032, 14), ("1080×1440", 1080, 1440, 5)] {
        let label = symbol.image(moduleSize: module, quietZone: 3).rotated(degrees: 17, background: 245)
            .blurred(radius: 1)
        let photo = label.placed(
            on: 135, width: width, height: height, x: width / 3, y: height / 3, noise: 10, seed: 11)
        let jpeg = photo.jpeg(quality: 85)
        let file = work.appendingPathComponent("label-\(width).jpg")
        try jpeg.write(to: file)
        var floor: [Double] = []
        var read: [Double] = []
        for _ in 0..<runs {
            floor.append(try seconds { _ = try GrayImage(decoding: jpeg) })
            read.append(
                try seconds {
                    guard try BarcodeReader.decode(jpeg) == [raw] else { fatalError("the label read wrong") }
                })
        }
        var peer = "(dmtxread not installed: make bench-deps)"
        var peerRatio = ""
        if let dmtxread {
            var times: [Double] = []
            var found = true
            for _ in 0..<3 {
                let (elapsed, output) = try timeOutput(dmtxread, ["--gs1=29", "-N1", "-m", "60000", file.path])
                times.append(elapsed)
                found = found && output == "\u{1D}" + raw
            }
            peer = String(format: "%.0f ms", median(times) * 1000) + (found ? "" : " (not read)")
            peerRatio = String(format: "%.1f", median(times) / median(read))
        }
        print(
            String(
                format: "| %@, %d kB | %.1f ms | %.1f ms | **%.2f** | %@ | %@ |", name, jpeg.count / 1024,
                median(floor) * 1000, median(read) * 1000, median(read) / median(floor), peer, peerRatio))
    }
}

/// Runs a command; its wall time and standard output (whatever its exit status: dmtxread exits 1 when it reads
/// nothing).
func timeOutput(_ path: String, _ arguments: [String]) throws -> (Double, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    var text = ""
    let elapsed = try seconds {
        try process.run()
        text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
    }
    return (elapsed, text)
}
