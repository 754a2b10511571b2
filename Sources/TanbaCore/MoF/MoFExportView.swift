public import Foundation
public import TanbaStore

/// An export as operators see it, with the state of its delivery and of the Ministry's acknowledgement. One
/// function (`list`) makes the list, a page at a time, for every channel: `tanba mof exports`,
/// `GET /v1/operator/mof/exports` and the web page `/operator/mof` (through `HubCore.mofExports`, which adds the
/// operator check).
public struct MoFExportView: Sendable, Encodable, Hashable {
    public let id: String
    /// `daily` or `onDemand`.
    public let mode: String
    public let from: String
    public let to: String
    public let createdAt: Date
    /// Events per kind (`ownershipTransfer`…), and all of them.
    public let counts: [String: Int]
    public let total: Int
    public let sha256: String
    public let size: Int64
    /// The Ministry's answer: `pending`, `accepted` or `rejected`, when, and why (a rejection's reason).
    public let acknowledgement: String
    public let acknowledgedAt: Date?
    public let reason: String?
    /// The outbox message's state (`pending`, `delivered`, `dead`) with its failed attempts, e.g.
    /// `delivered (2 failed)`; nil when the message is not in the outbox.
    public let delivery: String?
    /// The same, apart: the state, the failed attempts and the last failure in words.
    public let deliveryState: String?
    public let failedAttempts: Int
    public let lastError: String?

    public init(_ export: MoFExportRecord, message: QueuedMessage?) {
        id = export.id
        mode = export.mode.rawValue
        from = export.fromDay
        to = export.toDay
        createdAt = export.createdAt
        counts = Dictionary(uniqueKeysWithValues: export.counts.map { ($0.key.rawValue, $0.value) })
        total = export.total
        sha256 = export.digest
        size = export.size
        acknowledgement = export.ackState.rawValue
        acknowledgedAt = export.ackAt
        reason = export.ackReason
        delivery = message?.deliverySummary
        deliveryState = message?.state.rawValue
        failedAttempts = message?.attempts ?? 0
        lastError = message?.lastError
    }

    /// The most exports one list holds.
    public static let maxLimit = 200

    /// One page of the list: its exports, and the cursor of the next page (`MoFExportCursor.encoded`, null on
    /// the last), as the API answers and `tanba mof exports --json` prints it.
    public typealias Page = PageJSON<MoFExportView>

    /// The page `query` asks for: `limit` (1…`maxLimit`, 50) and `after` (a page's `next`), read alike for every
    /// channel, each naming the parameters its own way (`HubCore.mofExportParameters` are the names). Read before
    /// the store is opened or asked: a bad parameter is refused before any work.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming the parameter that does not parse, `after` for a string that
    ///   is not a cursor of this list.
    public static func page(asked query: QueryText) throws -> (limit: Int, after: MoFExportCursor?) {
        (
            try query.integer("limit", in: 1...maxLimit, default: 50),
            try query.cursor("after", MoFExportCursor.init(encoded:))
        )
    }

    /// The `limit` exports (1…`maxLimit`) after `after` (from the newest when nil), newest first, each with its
    /// outbox message, read in one transaction so that an export and its delivery are seen at one moment.
    public static func list(store: any HubStore, limit: Int = 50, after: MoFExportCursor? = nil) throws -> Page {
        try store.read { tx in
            let page = try tx.mofExportPage(after: after, limit: min(max(1, limit), maxLimit))
            let messages = try Self.messages(of: Set(page.exports.map(\.id)), in: tx)
            return Page(
                "exports", items: page.exports.map { MoFExportView($0, message: messages[$0.id]) },
                next: page.next?.encoded)
        }
    }

    /// The outbox messages whose idempotency keys are `ids` (an export's or a reconciliation report's id is its
    /// message's key). Exports and reports are few (one a day, a few a period), so the channel's queue is read page
    /// by page until every one is found, rather than asking the store for a lookup by key that nothing else needs.
    static func messages(of ids: Set<String>, in tx: any StoreReader) throws -> [String: QueuedMessage] {
        var found: [String: QueuedMessage] = [:]
        guard !ids.isEmpty else { return found }
        var after: Int64 = 0
        while found.count < ids.count {
            let page = try tx.queued(OutboxFilter(channel: MoFExporter.channel, after: after, limit: 200))
            for message in page where ids.contains(message.idempotencyKey) { found[message.idempotencyKey] = message }
            guard let last = page.last, page.count == 200 else { break }
            after = last.seq
        }
        return found
    }
}

extension QueuedMessage {
    /// The state with the failed attempts, as the operators' lists show it: `delivered (2 failed)`.
    var deliverySummary: String { state.rawValue + (attempts > 0 ? " (\(attempts) failed)" : "") }
}

extension PageJSON where Item == MoFExportView {
    /// The page's exports, newest first.
    public var exports: [MoFExportView] { items }
}
