public import Logging
public import ServiceLifecycle

/// The CRL refresh as a service of `tanba serve`'s group: a pass at start, then one every interval and before a held
/// CRL's nextUpdate (`CRLRefresher.delay`). On SIGTERM a pass under way finishes; the wait between passes ends at once.
public struct CRLRefreshService: Service {
    let refresher: CRLRefresher
    let interval: Duration
    let logger: Logger

    public init(refresher: CRLRefresher, interval: Duration, logger: Logger) {
        self.refresher = refresher
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        logger.info(
            "crl refresh", metadata: ["interval": "\(interval)", "urls": "\(refresher.urls.joined(separator: " "))"])
        // Cancelled (the group ends because another service failed, e.g. the port is taken) or shut down: stop. The
        // sleep below ends at once in either case, so the loop must not go round again.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let attempts = await refresher.refresh()
            let wait = refresher.delay(after: attempts, interval: interval)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
    }
}
