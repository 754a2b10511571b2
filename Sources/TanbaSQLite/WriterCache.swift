import GRDB

/// The writer connection's page cache: SQLite's small default, widened for the one transaction that holds a bulk
/// change and narrowed again after its commit.
///
/// Why small: a B-tree split moves a page through a temporary number past the end of the file, so nearly every
/// commit ends in SQLite scanning its whole page cache (`pcache1TruncateUnsafe`), one cache miss per cached page.
/// With the writer's cache at 128 MB that scan was 6.7% of a small document's CPU, at 2 MB 1.0% (perf,
/// `tanba-bench stream`). Why widened: a bulk change needs its pages kept: with 2 MB throughout, issuing 100,000
/// codes into a store of 1,000,000 ran 30% slower and their ownership change 10% (`tanba-bench store`). Narrowing
/// drops the pages past the small size, and small commits afterwards cost what they cost with a small cache.
///
/// Used only on the group commit's leader thread, one transaction at a time.
final class WriterCache: @unchecked Sendable {
    /// SQLite's default size (2 MB), the writer's between bulk changes.
    static let narrow = "PRAGMA cache_size = -2000"
    /// The readers' size (128 MB), the writer's during a bulk change.
    static let wide = "PRAGMA cache_size = -131072"
    /// From how many codes a change counts as bulk: beyond that its pages outgrow 2 MB.
    static let bulk = 1_000

    private var isWide = false

    /// Widens the cache for this transaction when `count` codes are a bulk change.
    func widen(_ db: Database, for count: Int) throws {
        guard count >= Self.bulk, !isWide else { return }
        try db.execute(sql: Self.wide)
        isWide = true
    }

    /// Back to the small size after the transaction, committed or not.
    func narrow(_ db: Database) throws {
        guard isWide else { return }
        isWide = false
        try db.execute(sql: Self.narrow)
    }
}
