import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TanbaCore
import TanbaErrors
import TanbaOutbound
import TanbaStore

/// Where the outbox's messages go, and how workers retry: each channel given an endpoint gets a worker in the
/// service group. A channel without one keeps its messages queued (operators see them with `tanba outbox`).
struct OutboxOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The EAEU partner's SOAP endpoint for P.LS.03 messages (default: $TANBA_EAEU_ENDPOINT; none: they wait in the outbox)."
    )
    var eaeuEndpoint: String?
    @Option(name: .long, help: "Seconds before a failed message's first retry (doubling, up to --outbox-retry-cap).")
    var outboxRetryBase: Double = 1
    @Option(name: .long, help: "Longest wait between two attempts, in seconds.") var outboxRetryCap: Double = 300
    @Option(name: .long, help: "Failed attempts after which a message is dead (an operator sends it again).")
    var outboxAttempts = 10
    @Option(
        name: .long,
        help: "Seconds a worker holds the messages it took: after a crash, others send them again once this passes.")
    var outboxLease: Double = 120
    @Option(name: .long, help: "Seconds to wait for a receiver's answer.") var outboxTimeout: Double = 30

    func validate() throws {
        guard outboxRetryBase >= 0, outboxRetryCap >= outboxRetryBase else {
            throw ValidationError("--outbox-retry-base must be ≥ 0 and at most --outbox-retry-cap")
        }
        guard outboxAttempts >= 1 else { throw ValidationError("--outbox-attempts must be at least 1") }
        guard outboxTimeout > 0, outboxLease > outboxTimeout else {
            throw ValidationError(
                "--outbox-lease must be longer than --outbox-timeout (a delivery must end within its lease)")
        }
    }

    /// The endpoint given, or `TANBA_EAEU_ENDPOINT`; checked to be an http(s) URL.
    func endpoint() throws -> String? {
        guard let text = eaeuEndpoint ?? ProcessInfo.processInfo.environment["TANBA_EAEU_ENDPOINT"], !text.isEmpty
        else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw TanbaError(.configInvalid, "the EAEU endpoint \(text) is not an http:// or https:// URL")
        }
        return text
    }

    /// The workers of the channels configured, as services.
    func services(store: any HubStore, logger: Logger) throws -> [any Service] {
        guard let endpoint = try endpoint() else { return [] }
        let transport = EAEUTransport(endpoint: endpoint, timeout: .milliseconds(Int64(outboxTimeout * 1000)))
        return [OutboxService(delivery: delivery(store: store, transport: transport), logger: logger)]
    }

    /// A worker of `transport`'s channel with these retry and lease settings.
    func delivery(store: any HubStore, transport: any OutboxTransport) -> OutboxDelivery {
        OutboxDelivery(
            store: store, transport: transport,
            policy: RetryPolicy(base: outboxRetryBase, cap: outboxRetryCap, maxAttempts: outboxAttempts),
            lease: outboxLease)
    }
}
