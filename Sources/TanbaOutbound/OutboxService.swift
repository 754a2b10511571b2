public import Logging
public import ServiceLifecycle
public import TanbaCore

/// An outbox worker as a service of `tanba serve`'s group: it starts and stops with the HTTP server. On SIGTERM it
/// takes nothing new, and what it is sending finishes and is recorded before the group ends.
public struct OutboxService: Service {
    public let delivery: OutboxDelivery
    let logger: Logger

    public init(delivery: OutboxDelivery, logger: Logger) {
        self.delivery = delivery
        self.logger = logger
    }

    public func run() async throws {
        logger.info("outbox delivery started", metadata: ["channel": "\(delivery.transport.channel)"])
        // The loop checks for cancellation between passes only, so a pass in flight is recorded whole.
        await cancelWhenGracefulShutdown { await delivery.run() }
        let counts = delivery.counts
        logger.info(
            "outbox delivery stopped",
            metadata: [
                "channel": "\(delivery.transport.channel)", "delivered": "\(counts.delivered)",
                "failed": "\(counts.failed)", "dead": "\(counts.dead)",
            ])
    }
}
