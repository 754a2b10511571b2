import Foundation
import TanbaCore
import TanbaIntegrations
import TanbaSQLite
import TanbaStore
import TanbaXML

/// `tanba-bench mof`: the Ministry of Finance export of a day of 100,000 events and of a day of 1,000,000, in the
/// same run, each with its own peak memory (VmHWM, reset before each export): the export streams in pages, so the
/// two peaks should be about equal. Beside it, the floor: `sqlite3` reading the same rows of the same store to
/// /dev/null, and a plain write of the same number of bytes to a file.
///
/// The events are put into the store in bulk (`save`, ten thousand a transaction), not through the pipeline: what
/// is measured is the export.
func runMoFBench(pki: TestPKI, folder: URL, small: Int = 100_000, large: Int = 1_000_000) throws {
    print("\n## The Ministry of Finance export (\(small) and \(large) events, SQLite)")
    let path = folder.appendingPathComponent("mof.sqlite").path
    let store = try SQLiteStore(path: path)
    let (smallDay, largeDay) = ("2026-11-01", "2026-11-02")
    let fill = try seconds {
        for (day, count) in [(smallDay, small), (largeDay, large)] {
            let start = MoFEvent.start(of: day)!
            var index = 0
            while index < count {
                let batch = (index..<min(count, index + 10_000)).map { n -> MoFEvent in
                    let at = start + Double(n) * 86_000 / Double(count)
                    let name = "DOC-\(day)-\(n)"
                    return MoFEvent(
                        day: day, at: at, kind: .withdrawal, document: name,
                        fragment: MoFFormat.withdrawal(
                            .init(at: at, document: name, number: "W-\(n)", date: day), owner: "050140001238",
                            reason: "retailSale", codes: ["0104870001000011215\(String(n, radix: 36))"]))
                }
                try store.write { try $0.save(batch) }
                index += batch.count
            }
        }
    }
    print("filled \(small + large) events in \(String(format: "%.1f", fill)) s (bulk, not through the pipeline)")
    let signer = try DocumentSigner(keyFile: pki.keyFile(.hub), certificateFile: pki.certificateFile(.hub))
    let exporter = MoFExporter(store: store, folder: folder.appendingPathComponent("mof-exports"), signer: signer)

    /// A field of /proc/self/status in KiB.
    @Sendable func status(_ field: String) -> Int {
        ((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix(field + ":") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
    }
    // Two peaks: VmHWM (the whole resident set, reset before each export) counts the store's file pages that
    // SQLite maps (mmap_size 1 GiB) and the kernel may drop at will; the peak of RssAnon, sampled every 2 ms,
    // is the process's own memory (heap, SQLite's page cache, the export's page and buffer).
    var rows: [(events: Int, seconds: Double, peak: Int, anon: Int, size: Int64)] = []
    for (day, count) in [(smallDay, small), (largeDay, large)] {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
        let sampling = Sampler()
        let sampler = Thread {
            while !sampling.stopped { sampling.see(status("RssAnon")); usleep(2000) }
        }
        sampler.start()
        var export: MoFExportRecord?
        let time = try seconds { export = try exporter.exportDay(day, at: Date()) }
        sampling.stop()
        precondition(export?.total == count, "the export of \(day) holds \(export?.total ?? -1) events, not \(count)")
        rows.append((count, time, status("VmHWM"), sampling.peak, export!.size))
    }
    // The floor: the same rows read by sqlite3 (the store's own engine, no XML, no digest), and a plain write of as
    // many bytes as the large file.
    var sqliteSeconds = 0.0
    if let sqlite3 = which("sqlite3") {
        sqliteSeconds = try timeProcess(
            sqlite3,
            [
                path,
                "SELECT count(*), sum(length(fragment)) FROM (SELECT fragment FROM mof_events WHERE day = '\(largeDay)' "
                    + "ORDER BY day, seq)",
            ])
    }
    let plain = folder.appendingPathComponent("plain.bin")
    let chunk = [UInt8](repeating: 0x41, count: 1 << 18)
    let writeSeconds = try seconds {
        _ = FileManager.default.createFile(atPath: plain.path, contents: nil)
        let handle = try FileHandle(forWritingTo: plain)
        var left = rows[1].size
        while left > 0 {
            let part = Int(min(Int64(chunk.count), left))
            try handle.write(contentsOf: chunk[0..<part])
            left -= Int64(part)
        }
        try handle.synchronize()
        try handle.close()
    }
    try? FileManager.default.removeItem(at: plain)
    print("| events | export s | events/s | file MB | peak RssAnon MB | peak VmHWM MB |")
    print("|---|---|---|---|---|---|")
    for row in rows {
        print(
            "| \(row.events) | \(String(format: "%.2f", row.seconds)) | \(Int(Double(row.events) / row.seconds)) | "
                + "\(row.size >> 20) | \(row.anon >> 10) | \(row.peak >> 10) |")
    }
    print(
        "peak ratio 1,000,000 / 100,000: RssAnon \(String(format: "%.2f", Double(rows[1].anon) / Double(max(1, rows[0].anon))))"
            + ", VmHWM \(String(format: "%.2f", Double(rows[1].peak) / Double(max(1, rows[0].peak))))"
            + " (1.00: memory independent of the period's size)")
    if sqliteSeconds > 0 {
        print(
            "floor: sqlite3 reads the 1,000,000 rows in \(String(format: "%.2f", sqliteSeconds)) s: the export takes "
                + "\(String(format: "%.1f", rows[1].seconds / sqliteSeconds))× that")
    }
    print(
        "floor: a plain write of \(rows[1].size >> 20) MB takes \(String(format: "%.2f", writeSeconds)) s: the export "
            + "takes \(String(format: "%.1f", rows[1].seconds / writeSeconds))× that")
}

/// The highest value seen by a sampling thread.
final class Sampler: @unchecked Sendable {
    private let lock = NSLock()
    private var highest = 0
    private var done = false

    func see(_ value: Int) { lock.withLock { highest = max(highest, value) } }
    func stop() { lock.withLock { done = true } }
    var stopped: Bool { lock.withLock { done } }
    var peak: Int { lock.withLock { highest } }
}
