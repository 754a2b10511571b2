import Foundation
public import Logging
public import ServiceLifecycle
import TanbaStore

/// The drop folders as a service of `tanba serve`'s group: they start with the HTTP server and stop with it.
///
/// A pass is never cut short: on SIGTERM or SIGINT the pass under way finishes (every document it claimed gets its
/// receipt and is archived), then the service returns; only the wait between passes ends at once.
public struct DropFolderService: Service {
    let folders: DropFolders
    let interval: Duration
    let logger: Logger

    public init(folders: DropFolders, interval: Duration = .seconds(1), logger: Logger) {
        self.folders = folders
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        logger.info("drop folders", metadata: ["root": "\(folders.root.path)"])
        while !Task.isShuttingDownGracefully {
            // Blocking file and store work, on the store's threads: a pass that waits on a disk sync must not hold
            // one of the cooperative pool's threads (one per core) from the HTTP server.
            let pass = try await StoreThreads.run { [folders] in try folders.runOnce() }
            for failure in pass.failed {
                logger.error("drop-folder item not finished", metadata: ["item": "\(failure)"])
            }
            if pass.accepted.isEmpty && pass.rejected.isEmpty {
                // Idle: wait for the next poll, or for the shutdown, whichever comes first.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        }
    }
}
