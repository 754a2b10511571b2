public import NIOPosix

/// The threads store transactions run on when an async caller asks (`HubStore.snapshot`, `transaction`, `apply`).
///
/// A transaction's body is synchronous on purpose, as in GRDB: it holds a database connection and, writing, the
/// store's locks, and must not suspend while it does. An async caller (a channel's request, an integration's
/// worker) awaits it here, on threads of their own, so Swift's small cooperative pool is never blocked by a
/// commit's sync or a lock wait. More threads than cores: a thread waiting for its commit uses no core, and group
/// commit needs several such waiters to share one sync.
public enum StoreThreads {
    public static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    /// Runs `body` on the store's threads and returns what it returns.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}

/// The store's async API: what channels and integrations await. (The synchronous `read` and `write` are what a
/// transaction body and the code already on the store's threads use.)
extension HubStore {
    /// Runs `body` on a consistent snapshot, on the store's threads.
    public func snapshot<T: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await StoreThreads.run { try self.read(body) }
    }

    /// Runs `body` in one transaction, on the store's threads; returns once it is durable.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any StoreWriter) throws -> T) async throws -> T {
        try await StoreThreads.run { try self.write(body) }
    }

    /// Applies a decision's change set in one transaction, on the store's threads.
    /// - Throws: `STORE_CONFLICT` when what the decision read has changed (see `StoreWriter.apply`).
    public func apply(_ changes: ChangeSet) async throws {
        try await StoreThreads.run { try self.write { try $0.apply(changes) } }
    }
}
