import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// Waits on a query's future from a blocking caller, never forever.
///
/// A plain `wait()` trusts the future to complete. When the server is stopped while a statement is in flight, the
/// connection is closed but the statement's future was seen to stay pending, and the caller (an HTTP request's
/// thread) hung for good. So the caller waits in slices: it gives up as soon as the connection is closed, or when
/// the server has not answered within `timeout`, and closes the connection so that it is not used again.
enum Blocking {
    /// How long one statement may take, lock waits included (`lock_timeout` is shorter and answers first).
    static let timeout: Double = 120

    /// The connection closed, or the server stopped answering, while a statement ran.
    struct ConnectionLost: Error {}

    static func wait<T: Sendable>(_ future: EventLoopFuture<T>, on connection: PostgresConnection) throws -> T {
        let outcome = NIOLockedValueBox<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { result in
            outcome.withLockedValue { $0 = result }
            done.signal()
        }
        let deadline = DispatchTime.now() + timeout
        while true {
            if done.wait(timeout: .now() + 1) == .success { break }
            // The future may still complete with the connection's own error: take it if it is there.
            if let result = outcome.withLockedValue({ $0 }) { return try result.get() }
            if connection.isClosed || DispatchTime.now() >= deadline {
                let closing: EventLoopFuture<Void> = connection.close()
                _ = try? closing.wait()
                throw ConnectionLost()
            }
        }
        return try outcome.withLockedValue { $0 }!.get()
    }
}
