public import Logging
public import ServiceLifecycle

/// Runs a server while a test's body runs: `service` reports the port it bound through `ports`; `body` gets that
/// port; then the service is shut down gracefully, as SIGTERM would, and awaited. A body that throws shuts it down
/// too. The pages, the signers and the hubs of the browser tests run this way.
public func withRunningService<T: Sendable>(
    _ service: any Service, ports: AsyncStream<Int>, logger: Logger, _ body: (Int) async throws -> T
) async throws -> T {
    let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ServiceDidNotStart() }
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
