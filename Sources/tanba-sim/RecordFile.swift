import Foundation
import TanbaErrors

/// A simulator's record file (`--record`): one JSON line per new message, read back at start, so a restarted
/// simulator still knows what it received and answers a duplicate as it answered the first.
struct RecordFile: Sendable {
    let url: URL

    /// Every entry recorded so far, in order; none when the file does not exist yet.
    /// - Throws: `FILE_UNREADABLE` for a file that cannot be read, `CONFIG_INVALID` for a line that is not an entry.
    func entries<Entry: Decodable>(_ type: Entry.Type) throws -> [Entry] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TanbaError(.fileUnreadable, "cannot read the record file \(url.path)")
        }
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map { line in
            guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(line.utf8)) else {
                throw TanbaError(.configInvalid, "the record file \(url.path) has a line that is not a record")
            }
            return entry
        }
    }

    /// Appends one entry as a JSON line. Callers hold their state's lock, so lines keep the order of messages; a
    /// file that cannot be written is said on standard error (the simulator keeps answering).
    func append(_ entry: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(entry) else { return }
        line.append(0x0A)
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        guard let handle = try? FileHandle(forWritingTo: url) else {
            FileHandle.standardError.write(Data("tanba-sim: cannot write the record file \(url.path)\n".utf8))
            return
        }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: line)
    }
}

/// `--fail-first N`: the first N requests are answered as a receiver that is down, and counted.
struct FailFirst {
    private var left: Int
    private(set) var failed = 0

    init(_ count: Int) { left = count }

    /// Whether this request is one of the first N (counting it when it is).
    mutating func fails() -> Bool {
        guard left > 0 else { return false }
        left -= 1
        failed += 1
        return true
    }
}
