import Dispatch
public import Foundation
import Synchronization
import TanbaErrors
public import TanbaStore

/// The journal of public checks: each check (code, time, address, outcome, location when the phone gave one) is
/// kept in the store, and the hub's own signals are raised from it into the inspectors' list.
///
/// Checks are many and anonymous, so they are not written one transaction each: they gather here and are written
/// in batches (every second, or at once when a batch is full) with the signals they raise, in one
/// transaction. A check is answered before it is journalled; what a crash loses is the last second of checks,
/// never a document or a report. The buffer is bounded: past `capacity` checks waiting, new ones are counted as
/// dropped rather than held (a flood must not grow memory without limit).
public final class CheckJournal: Sendable {
    /// The signals' thresholds.
    public struct Rules: Sendable {
        /// A code checked from places at least this far apart…
        public var cloneDistanceKilometres: Double = 300
        /// …within this window is signalled as a copied label.
        public var cloneWindow: TimeInterval = 48 * 3600
        public init() {}
    }

    let store: any HubStore
    let rules: Rules
    let batchSize: Int
    let capacity: Int
    private let pending = Mutex<[Pending]>([])
    private let stats = Mutex<(dropped: Int, failed: Int, signals: Int)>((0, 0, 0))
    private let flushing = Mutex<Void>(())
    private let flusher = Mutex<Bool>(false)
    /// How often the flusher writes what is waiting (see `init`'s batch size).
    static let interval: TimeInterval = 1
    /// Wakes the flusher early when a batch is full.
    private let wake = DispatchSemaphore(value: 0)
    /// Signal keys this process filed (or found filed) lately: a code checked a thousand times a day is filed once
    /// and then not even tried again. The store's unique key is what holds across processes.
    private let filedKeys = Mutex<Set<String>>([])

    /// A check waiting to be written: its journal entry and what its signals need of the answer. Not the whole
    /// answer: a check's full answer is a few dozen fields, and every copy of it costs a retain each.
    struct Pending: Sendable {
        let entry: PublicCheckEntry
        let authenticity: PublicCheck.Authenticity
        let status: PublicCheck.Status
        /// Whether the hub knows the code at all (the answer has a level).
        let known: Bool
        let gtin: String?
        let productGroup: String?
        let participant: String?

        init(entry: PublicCheckEntry, check: PublicCheck, participant: String?) {
            self.entry = entry
            authenticity = check.authenticity
            status = check.status
            known = check.level != nil
            gtin = check.gtin
            productGroup = check.productGroup
            self.participant = participant
        }
    }

    /// - Parameter batchSize: the checks that make the flusher write at once; large, so that the journal commits
    ///   about once a second at the rates measured (an fsync each, and a commit that files a signal changes the
    ///   ledger's file, which makes SQLite's other connections drop their maps of it).
    public init(store: any HubStore, rules: Rules = Rules(), batchSize: Int = 8_192, capacity: Int = 100_000) {
        self.store = store
        self.rules = rules
        self.batchSize = batchSize
        self.capacity = capacity
    }

    /// Checks dropped because the buffer was full, batches that failed to write, signals raised.
    public var counts: (dropped: Int, failed: Int, signals: Int) { stats.withLock { $0 } }

    /// Notes a check; the flusher writes it within a second, at once when a batch is full. The check's own
    /// request never waits for the write.
    public func note(
        _ check: PublicCheck, participant: String?, address: String?, latitude: Double?, longitude: Double?,
        at now: Date
    ) {
        let entry = PublicCheckEntry(
            code: check.code, at: now, address: address, outcome: check.outcome, latitude: latitude,
            longitude: longitude)
        let count = pending.withLock { list -> Int? in
            guard list.count < capacity else { return nil }
            list.append(Pending(entry: entry, check: check, participant: participant))
            return list.count
        }
        guard let count else {
            stats.withLock { $0.dropped += 1 }
            return
        }
        startFlusher()
        if count == batchSize { wake.signal() }
    }

    /// Writes what is waiting, with its signals, in one transaction. Called by the timer, on a full batch, on
    /// shutdown and by tests.
    public func flush() {
        flushing.withLock { _ in
            let batch = pending.withLock { list -> [Pending] in
                defer { list.removeAll(keepingCapacity: true) }
                return list
            }
            guard !batch.isEmpty else { return }
            do {
                let (raised, keys) = try store.write { tx -> (Int, [String]) in
                    try tx.record(batch.map(\.entry))
                    var raised = 0
                    let reports = try signals(batch, in: tx)
                    for signal in reports where try tx.file(signal) { raised += 1 }
                    return (raised, reports.compactMap(\.signalKey))
                }
                stats.withLock { $0.signals += raised }
                // Remembered once committed: a failed batch's keys are tried again with the next.
                filedKeys.withLock { known in
                    if known.count > 100_000 { known.removeAll(keepingCapacity: true) }
                    known.formUnion(keys)
                }
            } catch {
                stats.withLock { $0.failed += 1 }
            }
        }
    }

    /// One thread per journal writes every second while the journal lives; it holds the journal weakly, so a
    /// journal no longer used (a test's) ends its thread.
    private func startFlusher() {
        guard
            flusher.withLock({ started in
                defer { started = true }; return !started
            })
        else { return }
        let wake = self.wake
        let thread = Thread { [weak self] in
            while true {
                _ = wake.wait(timeout: .now() + Self.interval)
                guard let journal = self else { return }
                journal.flush()
            }
        }
        thread.name = "tanba-check-journal"
        thread.start()
    }

    /// The signals a batch raises: a code not genuine or not in circulation, checked by the public; one code
    /// checked from places too far apart. One per kind, code and day (`signalKey`, unique in the store); for codes
    /// the hub never issued, one per address and day.
    func signals(_ batch: [Pending], in tx: any StoreReader) throws -> [ViolationReport] {
        var reports: [ViolationReport] = []
        // Keys already filed, by this process or earlier in this batch, are skipped before anything is built: most
        // checks of a bad code repeat a signal of the day (a report costs a random reference).
        var taken = Set<String>()
        func raise(_ kind: ViolationKind, key: String, _ item: Pending) -> ViolationReport? {
            guard !taken.contains(key), !filedKeys.withLock({ $0.contains(key) }) else { return nil }
            taken.insert(key)
            return signal(kind, key: key, item)
        }
        // Most checks of a batch fall on one day: its text is made once per day seen, not once per check.
        var days: (number: Int, text: String)?
        for item in batch {
            let entry = item.entry
            let number = Int((entry.at.timeIntervalSince1970 + 5 * 3600).rounded(.down) / 86_400)
            if days?.number != number { days = (number, PublicChecker.isoDay(entry.at)) }
            let day = days!.text
            var raised: ViolationReport?
            switch (item.authenticity, item.status) {
            case (.forged, _) where !item.known:
                // Made-up codes the hub never issued: one signal per address and day, however many were tried (a
                // flood of random codes must not flood the inspectors' list); the first code tried is named.
                raised = raise(.notGenuine, key: "notGenuine:address:\(entry.address ?? "-"):\(day)", item)
            case (.forged, _):
                raised = raise(.notGenuine, key: "notGenuine:\(entry.code):\(day)", item)
            case (_, .withdrawn), (_, .notIntroduced), (_, .cancelled):
                raised = raise(.notInCirculation, key: "notInCirculation:\(entry.code):\(day)", item)
            default: break
            }
            if let raised { reports.append(raised) }
            guard item.authenticity == .genuine, let latitude = entry.latitude, let longitude = entry.longitude else {
                continue
            }
            let cloneKey = "clonedCode:\(entry.code):\(day)"
            guard !taken.contains(cloneKey), !filedKeys.withLock({ $0.contains(cloneKey) }) else { continue }
            let earlier = try tx.locatedChecks(
                of: entry.code, since: entry.at.addingTimeInterval(-rules.cloneWindow), limit: 100)
            let far = earlier.contains { other in
                guard let lat = other.latitude, let lon = other.longitude else { return false }
                return Self.kilometres(latitude, longitude, lat, lon) >= rules.cloneDistanceKilometres
            }
            if far, var report = raise(.clonedCode, key: cloneKey, item) {
                report.latitude = latitude
                report.longitude = longitude
                reports.append(report)
            }
        }
        return reports
    }

    private func signal(_ kind: ViolationKind, key: String, _ item: Pending) -> ViolationReport {
        var report = ViolationReport(
            reference: Violations.newReference(), source: .signal, kind: kind, createdAt: item.entry.at)
        report.code = item.entry.code
        report.gtin = item.gtin
        report.productGroup = item.productGroup
        report.participant = item.participant
        report.description = "public check: \(item.entry.outcome)"
        report.signalKey = key
        return report
    }

    /// Great-circle distance (haversine) in kilometres.
    static func kilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians
        let dLon = (lon2 - lon1) * radians
        let a =
            sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}
