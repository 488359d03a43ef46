import Logging
import Telemetry
import TelemetryExporters
import TelemetryOTLPData

/// `prometheus`: serves the received metrics, folded, on `/metrics` (as the Collector's prometheus
/// exporter does): `endpoint` (host:port), `namespace` (a prefix), `metric_expiration` (series not updated
/// for this long disappear; 5 m by default). The folded series are charged in the memory budget, up to
/// a quarter of it (`FoldedMetricsStore`).
public final class PrometheusFoldingExporter: GatewayExporter {
    /// The configured name.
    public let name: String
    /// The store the endpoint renders.
    public let store: FoldedMetricsStore
    /// The `/metrics` endpoint.
    public let endpoint: PrometheusExporter
    private let consumerForMetrics: FoldingConsumer

    /// Binds the endpoint.
    ///
    /// - Throws: `GatewayError` when the address cannot be bound.
    public init(
        name: String, host: String, port: Int, namespace: String, expiration: Duration, budget: MemoryBudget,
        selfMetrics: MetricsCollector, logger: Logger
    ) throws(GatewayError) {
        self.name = name
        store = FoldedMetricsStore(expiration: expiration, budget: budget)
        do {
            endpoint = try PrometheusExporter(prefix: namespace, port: port, host: host, collector: nil, logger: logger)
        } catch {
            throw GatewayError("exporter \(name) cannot listen on \(host):\(port): \(error)")
        }
        endpoint.register(store)
        consumerForMetrics = FoldingConsumer(store: store, exporter: name, selfMetrics: selfMetrics, logger: logger)
    }

    public var signals: Set<OTLPSignal> { [.metrics] }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer {
        consumerForMetrics
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        endpoint.shutdown()
        return true
    }

    public func abort() {}
}

/// `statsd`, `cloudwatch` and `datadog`: the received metrics, folded, pushed every `interval` by the
/// library's exporter of that backend (changes since the last accepted push).
public final class PushFoldingExporter: GatewayExporter {
    /// The configured name.
    public let name: String
    /// The store pushed from.
    public let store: FoldedMetricsStore
    private let pipeline: MetricsPipeline
    private let consumerForMetrics: FoldingConsumer

    /// Starts pushing `exporter` every `interval`; the folded series are charged in `budget`, up to a
    /// quarter of it.
    public init(
        name: String, exporter: any MetricsExporter, interval: Duration, expiration: Duration, budget: MemoryBudget,
        selfMetrics: MetricsCollector, logger: Logger
    ) {
        self.name = name
        store = FoldedMetricsStore(expiration: expiration, budget: budget)
        pipeline = MetricsPipeline(
            collector: store, exporters: [(name, exporter)], interval: interval, selfMetrics: selfMetrics, logger: logger)
        consumerForMetrics = FoldingConsumer(store: store, exporter: name, selfMetrics: selfMetrics, logger: logger)
    }

    public var signals: Set<OTLPSignal> { [.metrics] }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer {
        consumerForMetrics
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        pipeline.shutdown(timeout: .nanoseconds(Int64(clamping: deadlineNanos.subtractingSaturated(WallClock.monotonicNanos()))))
    }

    public func abort() {}
}
