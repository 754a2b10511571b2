import Crypto
public import Foundation
import TanbaErrors
import TanbaIntegrations
import TanbaPipeline
public import TanbaStore
public import TanbaXML

/// Makes the Ministry of Finance exports: a day's (or a period's) events streamed from the store into a file in
/// the exports folder, a manifest signed by the hub, and one outbox message that the `mof` channel's workers
/// deliver. See docs/INTEGRATIONS.md, "Ministry of Finance exports".
///
/// **Constant memory.** The file is written page by page (`pageSize` events, keyset pagination over the
/// (day, seq) index, one short read per page) through a small buffer, its SHA-256 computed as it is written: the
/// memory an export needs does not depend on the period's size.
///
/// **Nothing skipped, nothing twice.** An event is dated by its decision, before its transaction commits; on
/// PostgreSQL transactions commit in any order, so a cursor of row numbers could pass a row that commits later
/// with a lower number. The daily export therefore exports a *day*, and only once it has closed: Kazakhstan's
/// midnight plus `grace`, longer than any transaction (a decision's transaction lasts seconds). A closed day's
/// events no longer change, so reading it in pages (several transactions) sees one stable set. The cursor is
/// the last day exported (`lastDailyMoFDay`), in the store: a restart continues after it, and the unique index on
/// the daily exports' day makes a day exported once even by two processes at once.
public struct MoFExporter: Sendable {
    /// The outbox channel and message kind.
    public static let channel = "mof"
    public static let kind = "MOF.EXPORT.1"

    public let store: any HubStore
    /// Where export files are kept (beside the store): the transport streams them from here.
    public let folder: URL
    public let signer: DocumentSigner
    /// Events read per page.
    public let pageSize: Int
    /// How long after Kazakhstan's midnight a day counts as closed.
    public let grace: TimeInterval

    public init(
        store: any HubStore, folder: URL, signer: DocumentSigner, pageSize: Int = 1000, grace: TimeInterval = 900
    ) {
        self.store = store
        self.folder = folder
        self.signer = signer
        self.pageSize = pageSize
        self.grace = grace
    }

    /// Whether `day` has closed at `now`.
    public func isClosed(_ day: String, at now: Date) -> Bool {
        guard let next = MoFEvent.next(day), let end = MoFEvent.start(of: next) else { return false }
        return now >= end + grace
    }

    /// The last closed day at `now`.
    public func lastClosedDay(at now: Date) -> String {
        var day = MoFEvent.day(of: now - grace)
        // The day `now − grace` falls on is still open; the one before it has closed.
        day = MoFEvent.day(of: MoFEvent.start(of: day)! - 3600)
        return day
    }

    /// The daily exports due at `now`: every closed day after the cursor, in order (from `start`, or the last
    /// closed day, when there is no cursor yet). Safe to call at any time and from several processes: a day
    /// another process exported meanwhile is skipped.
    /// - Returns: the exports made.
    public func exportDue(at now: Date = Date(), start: String? = nil) throws -> [MoFExportRecord] {
        let last = lastClosedDay(at: now)
        var day: String
        if let cursor = try store.read({ try $0.lastDailyMoFDay() }) {
            day = MoFEvent.next(cursor)!
        } else {
            day = start ?? last
        }
        var made: [MoFExportRecord] = []
        while day <= last {
            do {
                made.append(try exportDay(day, at: now))
            } catch let error as TanbaError where error.code == .mofDayExported {
                // Another process took this day.
            }
            day = MoFEvent.next(day)!
        }
        return made
    }

    /// The daily export of `day`.
    /// - Throws: `MOF_PERIOD_INVALID`, `MOF_DAY_OPEN` before it closed, `MOF_DAY_EXPORTED` when exported already.
    public func exportDay(_ day: String, at now: Date = Date()) throws -> MoFExportRecord {
        guard MoFEvent.start(of: day) != nil else {
            throw TanbaError(.mofPeriodInvalid, "'\(day)' is not a day YYYY-MM-DD")
        }
        guard isClosed(day, at: now) else {
            throw TanbaError(
                .mofDayOpen,
                "\(day) closes at Kazakhstan's midnight plus \(Int(grace)) s: its events may still be committing")
        }
        if try store.read({ try $0.dailyMoFExport(day: day) }) != nil {
            throw TanbaError(.mofDayExported, "the day \(day) was exported by the daily export already")
        }
        return try export(mode: .daily, from: day, to: day, at: now)
    }

    /// An on-demand export of `from`…`to`: a separate export, marked so, that leaves the daily cursor alone.
    /// - Throws: `MOF_PERIOD_INVALID`.
    public func exportPeriod(from: String, to: String, at now: Date = Date()) throws -> MoFExportRecord {
        guard MoFEvent.start(of: from) != nil, MoFEvent.start(of: to) != nil, from <= to else {
            throw TanbaError(.mofPeriodInvalid, "the period \(from)…\(to) is not two days YYYY-MM-DD, first ≤ last")
        }
        return try export(mode: .onDemand, from: from, to: to, at: now)
    }

    /// Writes the file, signs the manifest, and records the export with its outbox message and audit entry in one
    /// transaction. The file is written under a temporary name and renamed once complete; a failure removes it.
    func export(mode: MoFExportMode, from: String, to: String, at now: Date) throws -> MoFExportRecord {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let id = UUID().uuidString.lowercased()
        let name = "\(id).xml"
        let file = folder.appendingPathComponent(name)
        let partial = folder.appendingPathComponent(name + ".part")
        var completed = false
        defer {
            try? FileManager.default.removeItem(at: partial)
            if !completed { try? FileManager.default.removeItem(at: file) }
        }
        let written = try write(to: partial, id: id, mode: mode, from: from, to: to, at: now)
        try FileManager.default.moveItem(at: partial, to: file)
        let record = MoFExportRecord(
            id: id, mode: mode, fromDay: from, toDay: to, createdAt: now, counts: written.counts,
            digest: written.digest, size: written.size)
        let manifest = MoFManifest(
            exportId: id, mode: mode.rawValue, from: from, to: to, createdAt: now,
            counts: MoFEventKind.allCases.map { ($0.rawValue, written.counts[$0] ?? 0) }, fileName: name,
            size: written.size, sha256: written.digest)
        let signed = try signer.sign(manifest.xml())
        try store.write { tx in
            try tx.save(record)
            try tx.enqueue([
                OutboundMessage(channel: Self.channel, kind: Self.kind, idempotencyKey: id, body: signed)
            ])
            try Audit.append(
                Audit.Event(
                    channel: Self.channel, action: "mof-export", object: id,
                    result: "\(mode.rawValue) \(from)…\(to): \(record.total) events, sha256 \(written.digest)"),
                at: now, in: tx)
        }
        completed = true
        return record
    }

    /// Streams the period's events into `url`: at most one page and a 256 KiB buffer in memory at any time.
    func write(to url: URL, id: String, mode: MoFExportMode, from: String, to: String, at now: Date) throws -> (
        counts: [MoFEventKind: Int], digest: String, size: Int64
    ) {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw TanbaError(.internal, "cannot create an export file in the exports folder")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 18)
        func flush() throws {
            guard !buffer.isEmpty else { return }
            hasher.update(data: buffer)
            try handle.write(contentsOf: buffer)
            size += Int64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
        }
        func emit(_ bytes: [UInt8]) throws {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 18 { try flush() }
        }
        try emit(MoFFormat.fileHead(id: id, mode: mode.rawValue, from: from, to: to, createdAt: now))
        var counts: [MoFEventKind: Int] = [:]
        var after = MoFEvent.Position(day: from, seq: 0)
        while true {
            let page = try store.read { try $0.mofEvents(from: from, to: to, after: after, limit: pageSize) }
            for event in page {
                try emit(event.fragment)
                counts[event.kind, default: 0] += 1
            }
            guard let last = page.last, page.count == pageSize else { break }
            after = last.position
        }
        try emit(MoFFormat.fileTail(counts: MoFEventKind.allCases.map { ($0.rawValue, counts[$0] ?? 0) }))
        try flush()
        try handle.synchronize()
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return (counts, digest, size)
    }
}
