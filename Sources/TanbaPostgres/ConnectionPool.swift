import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import TanbaErrors

/// A small bounded set of PostgreSQL connections, used by blocking callers.
///
/// The store's protocol is synchronous and its callers are never on an event loop (HTTP runs store work on a
/// thread pool, the CLI on its main thread), so a caller blocks on the query's future (`wait()`) while the
/// connection's I/O runs on this pool's own event loop threads. Nothing here waits on Swift's cooperative pool,
/// which tests keep busy. A connection found closed (the server restarted) is dropped and a new one made.
final class ConnectionPool: @unchecked Sendable {
    private let configuration: PostgresConnection.Configuration
    private let group: MultiThreadedEventLoopGroup
    private let size: Int
    private let logger: Logger
    /// Guards `idle` and `open`; callers wait on it for a free connection.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0
    /// Statements every new connection runs before its first use.
    private let setup: [String]

    /// How long a caller waits for a free connection before `STORE_UNAVAILABLE` (seconds).
    static let checkoutTimeout: TimeInterval = 30

    init(configuration: PostgresConnection.Configuration, size: Int, setup: [String]) {
        self.configuration = configuration
        self.size = max(1, size)
        self.setup = setup
        // Two threads are enough for a handful of connections, and keep the store's I/O off every other group.
        group = MultiThreadedEventLoopGroup(numberOfThreads: min(2, self.size))
        var logger = Logger(label: "tanba.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    deinit {
        // A connection must be closed before it goes (postgres-nio checks it), and the group after them.
        for connection in idle { Self.close(connection) }
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` with a connection of its own; a connection that lost its server is not put back.
    func withConnection<T>(_ body: (PostgresConnection, Logger) throws -> T) throws -> T {
        let connection = try checkout()
        do {
            let result = try body(connection, logger)
            checkin(connection, healthy: !connection.isClosed)
            return result
        } catch {
            checkin(connection, healthy: !connection.isClosed && !PostgresFailure.isConnectionLoss(error))
            throw error
        }
    }

    private func checkout() throws -> PostgresConnection {
        let deadline = Date(timeIntervalSinceNow: Self.checkoutTimeout)
        condition.lock()
        while true {
            if let connection = idle.popLast() {
                if connection.isClosed {
                    open -= 1
                    continue
                }
                condition.unlock()
                return connection
            }
            if open < size {
                open += 1
                nextID += 1
                let id = nextID
                condition.unlock()
                do {
                    return try connect(id: id)
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw TanbaError(
                    .storeUnavailable,
                    "the store is unavailable: all \(size) database connections stayed busy for "
                        + "\(Int(Self.checkoutTimeout)) s; try again")
            }
        }
    }

    private func connect(id: Int) throws -> PostgresConnection {
        let connection = try PostgresConnection.connect(
            on: group.next(), configuration: configuration, id: id, logger: logger
        ).wait()
        do {
            for statement in setup {
                _ = try Blocking.wait(
                    connection.query(PostgresQuery(unsafeSQL: statement), logger: logger), on: connection)
            }
        } catch {
            Self.close(connection)
            throw error
        }
        return connection
    }

    private func checkin(_ connection: PostgresConnection, healthy: Bool) {
        if !healthy { Self.close(connection) }
        condition.lock()
        if healthy { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }

    /// Closes `connection` and waits until it is closed (the future, not the async form of `close`: callers
    /// here block, never on an event loop). A failure to close cleanly still leaves it closed.
    private static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        _ = try? closing.wait()
    }

    /// Closes every idle connection (those in use close when they come back unhealthy or the pool goes).
    func closeIdle() {
        condition.lock()
        let closing = idle
        idle.removeAll()
        open -= closing.count
        condition.unlock()
        for connection in closing { Self.close(connection) }
    }
}
