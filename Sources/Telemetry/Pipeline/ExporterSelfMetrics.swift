/// The self-metrics of one exporter's queue and worker, labelled `exporter` and `signal`.
///
/// Families (registered in the given collector, shared by every exporter that uses it):
/// `telemetry_exporter_queue_size`, `telemetry_exporter_queued_items`, `telemetry_exporter_queue_capacity`,
/// `telemetry_exporter_enqueued_items_total`, `telemetry_exporter_sent_items_total`,
/// `telemetry_exporter_dropped_items_total{reason}` (`queue_full`, `export_failed`, `shutdown`),
/// `telemetry_exporter_failed_exports_total`, `telemetry_exporter_retries_total`,
/// `telemetry_exporter_retries_exhausted_total{reason}` (`max_attempts`, `max_elapsed`,
/// `retry_after_beyond_budget`, `shutdown`),
/// `telemetry_exporter_rejected_items_total` (refused by the backend in a partial success).
/// Queue size and capacity are in queued items (batches or snapshots for fanouts), in bytes for the
/// gateway's forwarding queues.
public struct ExporterSelfMetrics: Sendable {
    /// The collector pipeline components record into unless given another; expose it to scrape them.
    public static let defaultCollector = MetricsCollector()

    /// The exporter's name, as in the `exporter` label.
    public let exporter: String
    /// `traces` or `metrics`, as in the `signal` label.
    public let signal: String
    package let queueSize: TelemetryGauge.Series
    package let queuedItems: TelemetryGauge.Series
    package let queueCapacity: TelemetryGauge.Series
    package let enqueued: TelemetryCounter.Series
    package let sent: TelemetryCounter.Series
    package let failedExports: TelemetryCounter.Series
    private let retries: TelemetryCounter.Series
    private let rejected: TelemetryCounter.Series
    private let dropped: TelemetryCounter
    private let exhausted: TelemetryCounter

    /// Registers (or reuses) the families in `collector` and binds the series for `exporter` and `signal`.
    public init(exporter: String, signal: String, collector: MetricsCollector = ExporterSelfMetrics.defaultCollector) {
        self.exporter = exporter
        self.signal = signal
        let names = ["exporter", "signal"]
        let labels = ["exporter": exporter, "signal": signal]
        // The label values always match the declared names, so binding cannot fail.
        func gauge(_ name: String, _ help: String) -> TelemetryGauge.Series {
            let family = collector.selfMetricGauge(name, help: help, labels: names)
            return (try? family.labels(labels)) ?? TelemetryGauge.Series(context: MetricContext(name: name, issues: nil))
        }
        func counter(_ name: String, _ help: String) -> TelemetryCounter.Series {
            let family = collector.selfMetricCounter(name, help: help, labels: names)
            return (try? family.labels(labels)) ?? TelemetryCounter.Series(context: MetricContext(name: name, issues: nil))
        }
        queueSize = gauge("telemetry_exporter_queue_size", "Items waiting in the exporter's queue")
        queuedItems = gauge(
            "telemetry_exporter_queued_items", "Spans, data points or log records waiting in the exporter's queue")
        queueCapacity = gauge("telemetry_exporter_queue_capacity", "Capacity of the exporter's queue")
        enqueued = counter("telemetry_exporter_enqueued_items_total", "Items accepted into the exporter's queue")
        sent = counter("telemetry_exporter_sent_items_total", "Items the backend accepted")
        failedExports = counter("telemetry_exporter_failed_exports_total", "Export calls that failed")
        retries = counter("telemetry_exporter_retries_total", "Export attempts retried")
        rejected = counter(
            "telemetry_exporter_rejected_items_total", "Items the backend refused in a partial success response")
        dropped = collector.selfMetricCounter(
            "telemetry_exporter_dropped_items_total", help: "Items dropped before reaching the backend",
            labels: ["exporter", "signal", "reason"])
        exhausted = collector.selfMetricCounter(
            "telemetry_exporter_retries_exhausted_total",
            help: "Exports whose retryable failure was not retried again, by why",
            labels: ["exporter", "signal", "reason"])
    }

    /// Counts `count` items dropped for `reason` (`queue_full`, `export_failed`, `shutdown`).
    public func drop(_ count: Int, reason: String) {
        dropped.inc(by: Double(count), ["exporter": exporter, "signal": signal, "reason": reason])
    }

    /// Counts one retry.
    public func retry() { retries.inc() }

    /// Counts an export that stopped retrying for `reason` (`max_attempts`, `max_elapsed`,
    /// `retry_after_beyond_budget`, `shutdown`).
    public func retriesExhausted(reason: String) {
        exhausted.inc(["exporter": exporter, "signal": signal, "reason": reason])
    }

    /// Counts items a backend refused in a partial success.
    public func reject(_ count: Int) { rejected.inc(by: Double(count)) }
}
