public import AsyncHTTPClient
import Foundation
public import Logging
public import ServiceLifecycle
public import TanbaCore
import TanbaErrors
public import TanbaStore
public import TanbaXML

/// The Ministry's SNT list kept current as a service of `tanba serve` (`--mof-snt-url`): at start, then every
/// `interval`, the list is fetched and imported (`MoFSNTLists.import`: verified against the Ministry's certificate,
/// stored, audited). A list the hub holds already is unchanged; a failed fetch or a refused list is logged (and the
/// refusal audited) and tried again at the next turn, as the registers' refresh is.
public struct MoFSNTRefreshService: Service {
    public let url: String
    public let ministry: Certificate
    public let store: any HubStore
    public let interval: Duration
    public let client: HTTPClient
    let logger: Logger

    public init(
        url: String, ministry: Certificate, store: any HubStore, interval: Duration, client: HTTPClient = .shared,
        logger: Logger
    ) {
        self.url = url
        self.ministry = ministry
        self.store = store
        self.interval = interval
        self.client = client
        self.logger = logger
    }

    /// One refresh: the import's outcome.
    public func refreshOnce() async throws -> MoFSNTLists.Imported {
        let bytes = try await MoFTransport.fetchSNTList(url, client: client)
        let (ministry, store) = (self.ministry, self.store)
        // Verifying and storing are synchronous: off the cooperative pool's threads.
        return try await Task.detached {
            try MoFSNTLists.import(bytes, pinned: ministry, store: store, source: "mof-snt-refresh")
        }.value
    }

    public func run() async throws {
        logger.info("mof snt refresh started", metadata: ["mof.snt_url": "\(url)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let imported = try await refreshOnce()
                    logger.info(
                        imported.unchanged ? "mof snt list unchanged" : "mof snt list imported",
                        metadata: [
                            "mof.snt_list": "\(imported.list.digest)",
                            "mof.period": "\(imported.list.fromDay)…\(imported.list.toDay)",
                            "mof.snts": "\(imported.list.count)",
                        ])
                } catch let error as TanbaError {
                    logger.error(
                        "mof snt list not refreshed",
                        metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
                } catch {
                    logger.error("mof snt list not refreshed", metadata: ["error": "\(type(of: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
