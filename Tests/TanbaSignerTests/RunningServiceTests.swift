import Logging
import ServiceLifecycle
import TanbaBrowserTestSupport
import Testing

/// A server that cannot start (its port taken) fails the test that runs it; it must not leave the test waiting for
/// a port forever — that hung a whole CI run once.
@Suite(.timeLimit(.minutes(1))) struct RunningServiceTests {
    struct PortTaken: Error {}

    struct Failing: Service {
        func run() async throws { throw PortTaken() }
    }

    struct Quitting: Service {
        func run() async throws {}
    }

    @Test func aServiceThatFailsBeforeReportingItsPortEndsTheWaitWithItsError() async throws {
        let (ports, _) = AsyncStream.makeStream(of: Int.self)
        await #expect(throws: PortTaken.self) {
            try await withRunningService(Failing(), ports: ports, logger: Logger(label: "test")) { _ in }
        }
    }

    /// The service group says a service ended unexpectedly; either way the wait ends.
    @Test func aServiceThatEndsWithoutAPortEndsTheWait() async throws {
        let (ports, _) = AsyncStream.makeStream(of: Int.self)
        await #expect(throws: (any Error).self) {
            try await withRunningService(Quitting(), ports: ports, logger: Logger(label: "test")) { _ in }
        }
    }
}
