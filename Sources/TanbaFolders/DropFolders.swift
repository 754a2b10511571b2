public import Foundation
public import TanbaCore
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
    /// Each folder's documents are submitted as its participant, as HTTP submits a logged-in participant's.
    let core: HubCore
    var pipeline: DocumentPipeline { core.pipeline }
    /// The largest document read from a folder (the pipeline refuses a larger one as `XML_TOO_LARGE`).
    let maxBytes: Int

    public static let subfolders = ["in", "work", "out", "archive", "error"]

    public init(root: URL, core: HubCore, maxBytes: Int = 64 << 20) {
        self.root = root
        self.core = core
        self.maxBytes = maxBytes
    }

    public init(root: URL, pipeline: DocumentPipeline, maxBytes: Int = 64 << 20) {
        self.init(root: root, core: HubCore(pipeline: pipeline), maxBytes: maxBytes)
    }

    /// What one pass did.
    public struct Pass: Sendable {
        public var accepted: [String] = []
        public var rejected: [String] = []
        /// Items the pass could not finish, as `participant/NAME: CODE`: left in work/ for the next pass when the
        /// store is unavailable, otherwise moved to error/ with a receipt saying so.
        public var failed: [String] = []
    }

    /// Creates a participant's `folder` with its subfolders (those that exist are kept).
    public static func prepare(_ folder: URL) throws {
        for sub in subfolders {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    /// Decides everything waiting: first what a crash left in work/, then what is complete in in/.
    ///
    /// One item never stops a pass: whatever goes wrong with it (not a regular file, a fault while deciding it) is
    /// answered for that item and the pass goes on with the next, so no participant can hold up the others, nor
    /// every restart by leaving something in work/ that fails again.
    public func runOnce() throws -> Pass {
        var pass = Pass()
        let fm = FileManager.default
        let participants = (try? fm.contentsOfDirectory(atPath: root.path))?.sorted() ?? []
        for participant in participants {
            let folder = root.appendingPathComponent(participant)
            // The participant's folder and its subfolders must be directories of their own, not links: a link
            // would make the hub read from, or write receipts and documents into, someone else's folder.
            guard Self.isDirectory(folder), Self.isDirectory(folder.appendingPathComponent("in")) else { continue }
            do { try Self.prepare(folder) } catch { continue }
            guard Self.subfolders.allSatisfy({ Self.isDirectory(folder.appendingPathComponent($0)) }) else { continue }
            // Left over from a crash: already claimed, decide again (idempotent).
            for name in xmlItems(in: folder.appendingPathComponent("work")) {
                decideSafely(name, participant: participant, folder: folder, pass: &pass)
            }
            for name in xmlItems(in: folder.appendingPathComponent("in")) {
                let claimed = folder.appendingPathComponent("work").appendingPathComponent(name)
                // Claim: one atomic rename (of the entry itself, whatever it is); one another worker claimed first
                // is simply gone.
                guard rename(folder.appendingPathComponent("in").appendingPathComponent(name).path, claimed.path) == 0
                else {
                    continue
                }
                decideSafely(name, participant: participant, folder: folder, pass: &pass)
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

    /// Names ending in `.xml`, whatever kind of entry they are: each is decided (and refused if it is not a file).
    private func xmlItems(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".xml") }
            .sorted()
    }

    /// Decides one claimed item; a fault is answered for the item alone.
    private func decideSafely(_ name: String, participant: String, folder: URL, pass: inout Pass) {
        do {
            try decide(name, participant: participant, folder: folder, pass: &pass)
        } catch let error as TanbaError where error.code == .storeUnavailable {
            // Not the document's fault and likely to pass: left in work/ for the next pass.
            pass.failed.append("\(participant)/\(name): \(error.code)")
        } catch {
            let code = (error as? TanbaError)?.code ?? .internal
            pass.failed.append("\(participant)/\(name): \(code)")
            // Out of work/ so it is not retried first forever; a document that was applied is recognised when sent
            // again and answered with its receipt.
            let fault = TanbaError(
                code, "the hub could not finish deciding this document (\(code)); send it again")
            try? refuse(name, because: fault, participant: participant, folder: folder)
        }
    }

    private func decide(_ name: String, participant: String, folder: URL, pass: inout Pass) throws {
        let work = folder.appendingPathComponent("work").appendingPathComponent(name)
        let bytes: [UInt8]
        do { bytes = try Self.readRegularFile(work, limit: maxBytes) } catch let error as NotRegular {
            let refusal = TanbaError(
                .fileNotRegular, "\(name) is \(error.kind), not a regular file: only regular files are read")
            try refuse(name, because: refusal, participant: participant, folder: folder)
            pass.rejected.append(name)
            return
        }
        // Audited in the decision's own transaction: a crash cannot leave an applied document unaudited.
        let decision = try core.submit(
            bytes, as: Caller(participant: participant), via: ChannelOrigin("folder", address: "folder")
        ).decision
        try settle(name, folder: folder, receipt: decision.receipt, accepted: decision.accepted)
        if decision.accepted { pass.accepted.append(name) } else { pass.rejected.append(name) }
    }

    /// Refuses an item unread: a signed receipt with `error`, an audit entry, and the item moved to error/ as it is.
    private func refuse(_ name: String, because error: TanbaError, participant: String, folder: URL) throws {
        let decision = try pipeline.refuseUnread(error) { decision in
            Audit.Event(
                participant: participant, address: "folder", channel: "folder", action: "submit",
                object: name, result: decision.outcome)
        }
        try settle(name, folder: folder, receipt: decision.receipt, accepted: false)
    }

    /// Writes the receipt to out/ and moves the item from work/ to archive/ or error/, beside any of the same name.
    private func settle(_ name: String, folder: URL, receipt: [UInt8], accepted: Bool) throws {
        let work = folder.appendingPathComponent("work").appendingPathComponent(name)
        let base = String(name.dropLast(".xml".count))
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let out = folder.appendingPathComponent("out")
        // Whatever sits at the receipt's name (even a directory the participant made) must not stop the answer.
        do { try Self.writeAtomically(receipt, to: out.appendingPathComponent("\(base).receipt.xml")) } catch {
            try Self.writeAtomically(receipt, to: out.appendingPathComponent("\(base).\(stamp).receipt.xml"))
        }
        let destination = folder.appendingPathComponent(accepted ? "archive" : "error")
        var target = destination.appendingPathComponent(name)
        if Self.exists(target) { target = destination.appendingPathComponent("\(base).\(stamp).xml") }
        guard rename(work.path, target.path) == 0 else {
            throw TanbaError(.fileUnreadable, "cannot move \(name) from work/ to \(destination.lastPathComponent)/")
        }
    }

    /// The item is not a regular file of its own: `kind` says what it is (never what it points to).
    struct NotRegular: Error {
        let kind: String
    }

    /// Reads a regular file without following a link: `lstat` refuses anything else before it is opened (opening
    /// a device or FIFO can block or have effects), `O_NOFOLLOW` refuses a link swapped in since, and the type is
    /// checked again with `fstat` on the descriptor that is then read, so what is read is what was checked. A
    /// file with other hard links is refused too: it may be another participant's document linked in. At most
    /// `limit` + 1 bytes are read: the pipeline refuses a larger document by its size.
    static func readRegularFile(_ url: URL, limit: Int) throws -> [UInt8] {
        var status = stat()
        guard lstat(url.path, &status) == 0 else {
            throw TanbaError(.fileUnreadable, "cannot read \(url.lastPathComponent)")
        }
        try checkRegular(status)
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw NotRegular(kind: "a symbolic link") }
            throw TanbaError(.fileUnreadable, "cannot open \(url.lastPathComponent)")
        }
        defer { close(descriptor) }
        guard fstat(descriptor, &status) == 0 else {
            throw TanbaError(.fileUnreadable, "cannot read \(url.lastPathComponent)")
        }
        try checkRegular(status)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw TanbaError(.fileUnreadable, "cannot read \(url.lastPathComponent)") }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    private static func checkRegular(_ status: stat) throws {
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            guard status.st_nlink <= 1 else { throw NotRegular(kind: "a file with other hard links") }
        case S_IFLNK: throw NotRegular(kind: "a symbolic link")
        case S_IFDIR: throw NotRegular(kind: "a directory")
        case S_IFIFO: throw NotRegular(kind: "a FIFO")
        case S_IFSOCK: throw NotRegular(kind: "a socket")
        case S_IFCHR, S_IFBLK: throw NotRegular(kind: "a device")
        default: throw NotRegular(kind: "not a file")
        }
    }

    /// A directory itself, not a link to one.
    static func isDirectory(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// Anything at all at `url`, a dangling link included.
    static func exists(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0
    }

    /// Temporary file, fsync, rename: a reader sees the old file or the whole new one, never a part.
    ///
    /// The temporary file is created afresh (`O_EXCL | O_NOFOLLOW`, after removing whatever has its name), so a
    /// link planted under that name never makes the hub write elsewhere; the final rename replaces a link at `url`
    /// rather than following it.
    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.appendingPathExtension("tmp")
        unlink(temporary.path)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TanbaError(.fileUnreadable, "cannot write \(temporary.lastPathComponent)") }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw TanbaError(.fileUnreadable, "cannot write \(url.lastPathComponent)")
        }
    }
}
