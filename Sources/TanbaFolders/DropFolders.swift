public import Foundation
import TanbaErrors
public import TanbaPipeline
import TanbaStore

/// EDI-style drop folders: one folder per participant (named by its BIN/IIN) under a root, each with
///
///     in/       the participant drops documents here: write NAME.xml.tmp, then rename it to NAME.xml
///     work/     the hub claims a file by moving it here (atomic rename) before deciding it
///     out/      NAME.receipt.xml, written atomically (temporary file, fsync, rename)
///     archive/  accepted documents, moved here after their receipt is written
///     error/    refused documents, likewise
///
/// Crash safety: a file is in exactly one folder at any moment. After a crash (even `kill -9`) whatever is left
/// in work/ is decided again; the pipeline recognises a document it already applied (same bytes, same sender and
/// number) and answers with the stored receipt without applying it twice.
public struct DropFolders: Sendable {
    public let root: URL
    let pipeline: DocumentPipeline

    public static let subfolders = ["in", "work", "out", "archive", "error"]

    public init(root: URL, pipeline: DocumentPipeline) {
        self.root = root
        self.pipeline = pipeline
    }

    /// What one pass did.
    public struct Pass: Sendable {
        public var accepted: [String] = []
        public var rejected: [String] = []
    }

    /// Creates a participant's `folder` with its subfolders (those that exist are kept).
    public static func prepare(_ folder: URL) throws {
        for sub in subfolders {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    /// Decides everything waiting: first what a crash left in work/, then what is complete in in/.
    public func runOnce() throws -> Pass {
        var pass = Pass()
        let fm = FileManager.default
        let participants = (try? fm.contentsOfDirectory(atPath: root.path))?.sorted() ?? []
        for participant in participants {
            let folder = root.appendingPathComponent(participant)
            guard fm.fileExists(atPath: folder.appendingPathComponent("in").path) else { continue }
            try Self.prepare(folder)
            // Left over from a crash: already claimed, decide again (idempotent).
            for name in try xmlFiles(in: folder.appendingPathComponent("work")) {
                try decide(name, participant: participant, folder: folder, pass: &pass)
            }
            for name in try xmlFiles(in: folder.appendingPathComponent("in")) {
                let claimed = folder.appendingPathComponent("work").appendingPathComponent(name)
                // Claim: one atomic rename; a file another worker claimed first is simply gone.
                guard rename(folder.appendingPathComponent("in").appendingPathComponent(name).path, claimed.path) == 0
                else {
                    continue
                }
                try decide(name, participant: participant, folder: folder, pass: &pass)
            }
        }
        return pass
    }

    /// Runs passes until `shouldStop` says so, sleeping `interval` between empty passes.
    public func run(interval: TimeInterval = 1, shouldStop: @Sendable () -> Bool = { false }) throws {
        while !shouldStop() {
            let pass = try runOnce()
            if pass.accepted.isEmpty && pass.rejected.isEmpty { Thread.sleep(forTimeInterval: interval) }
        }
    }

    private func xmlFiles(in folder: URL) throws -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".xml") }
            .sorted()
    }

    private func decide(_ name: String, participant: String, folder: URL, pass: inout Pass) throws {
        let work = folder.appendingPathComponent("work").appendingPathComponent(name)
        let bytes = Array(try Data(contentsOf: work))
        // Audited in the decision's own transaction: a crash cannot leave an applied document unaudited.
        let decision = try pipeline.submit(bytes, submitter: participant) { decision in
            Audit.Event(
                participant: participant, address: "folder", channel: "folder", action: "submit",
                object: decision.documentID, result: decision.outcome)
        }
        let base = String(name.dropLast(".xml".count))
        try Self.writeAtomically(
            decision.receipt, to: folder.appendingPathComponent("out").appendingPathComponent("\(base).receipt.xml"))
        let destination = folder.appendingPathComponent(decision.accepted ? "archive" : "error")
        var target = destination.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: target.path) {
            target = destination.appendingPathComponent("\(base).\(Int(Date().timeIntervalSince1970 * 1000)).xml")
        }
        guard rename(work.path, target.path) == 0 else {
            throw TanbaError(.fileUnreadable, "cannot move \(work.path) to \(target.path)")
        }
        if decision.accepted { pass.accepted.append(name) } else { pass.rejected.append(name) }
    }

    /// Temporary file, fsync, rename: a reader sees the old file or the whole new one, never a part.
    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.appendingPathExtension("tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw TanbaError(.fileUnreadable, "cannot write \(temporary.path)") }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, rename(temporary.path, url.path) == 0 else {
            throw TanbaError(.fileUnreadable, "cannot write \(url.path)")
        }
    }
}
