import Prometheus
import Synchronization

/// The hub's Prometheus metrics, served at `GET /metrics` in the text exposition format.
///
/// Each `HubAPI` owns its registry rather than bootstrapping the process-wide `MetricsSystem`: a process that runs
/// several hubs (the tests do) would otherwise mix their counters, and the bootstrap can happen only once.
public struct HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Latency buckets from 1 ms to 10 s: small documents land in the first, 100 000-code ones in the last.
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(10),
    ]

    /// The request metrics already made, by action and status: finding one in the registry builds its name and
    /// labels each time, which cost more than a public check's own work.
    private let made = MadeMetrics()

    public init() {}

    /// One answered request: `tanba_http_requests_total{action,status}` and its duration.
    func request(action: String, status: Int, duration: Duration) {
        let key = "\(action) \(status)"
        if let known = made.table.withLock({ $0[key] }) {
            known.counter.increment()
            known.histogram.record(duration)
            return
        }
        let counter = registry.makeCounter(
            descriptor: .init(
                namespace: "tanba", subsystem: "http", metricName: "requests", unitName: "total",
                helpText: "HTTP requests answered, by action and status"),
            labels: [("action", action), ("status", String(status))]
        )
        let histogram = registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "tanba", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                helpText: "Time from the request's arrival to its answer, by action"),
            labels: [("action", action)], buckets: Self.buckets
        )
        counter.increment()
        histogram.record(duration)
        made.table.withLock { $0[key] = (counter, histogram) }
    }

    /// One decided document: `tanba_documents_total{type,result}` (`repeated` for a re-sent identical one).
    func document(type: String?, result: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "tanba", metricName: "documents", unitName: "total",
                helpText: "Documents decided, by type and result"),
            labels: [("type", type ?? "unknown"), ("result", result)]
        ).increment()
    }

    /// A request whose audit entry could not be written: `tanba_audit_failures_total{action}`. Anything above zero
    /// needs an operator (the store is full or failing).
    func auditFailure(action: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "tanba", subsystem: "audit", metricName: "failures", unitName: "total",
                helpText: "Requests answered whose audit entry could not be written, by action"),
            labels: [("action", action)]
        ).increment()
    }

    /// The exposition text.
    public func text() -> String { registry.emitToString() }
}

/// The request metrics made so far (`HubMetrics.request`).
final class MadeMetrics: Sendable {
    let table = Mutex<[String: (counter: Counter, histogram: DurationHistogram)]>([:])
}
