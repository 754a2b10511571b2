public import Logging
public import ServiceLifecycle

/// Runs a server while a test's body runs: `service` reports the port it bound through `ports`; `body` gets that
/// port; then the service is shut down gracefully, as SIGTERM would, and awaited. A body that throws shuts it down
/// too. The pages, the signers and the hubs of the browser tests run this way.
///
/// A service that ends before it reports a port (it could not bind it) ends the wait with its error, or with
/// `ServiceDidNotStart`: waiting on the port alone would wait forever, and hang the whole test run.
public func withRunningService<T: Sendable>(
    _ service: any Service, ports: AsyncStream<Int>, logger: Logger, _ body: (Int) async throws -> T
) async throws -> T {
    let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
    return try await withThrowingTaskGroup(of: Int?.self) { tasks in
        tasks.addTask {
            try await group.run()
            return nil
        }
        tasks.addTask {
            var iterator = ports.makeAsyncIterator()
            // nil when the task is cancelled: the service ended first.
            return await iterator.next()
        }
        do {
            // The first to finish: the port, or the service's end (an error, or nil).
            guard case let port?? = try await tasks.next() else { throw ServiceDidNotStart() }
            let result = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
            throw error
        }
    }
}

/// The service ended before it reported a port.
public struct ServiceDidNotStart: Error {}
