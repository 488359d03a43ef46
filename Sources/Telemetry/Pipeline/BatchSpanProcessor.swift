import Logging

/// Queues ended spans (bounded) and exports them in batches from its own worker thread.
///
/// Ending a span never blocks on I/O: a full queue drops the span and counts it in
/// `telemetry_exporter_dropped_items_total{reason="queue_full"}`. See `ExporterSelfMetrics` for every
/// self-metric it records.
public final class BatchSpanProcessor: Sendable {
    /// The queue and batch settings.
    public let configuration: BatchConfiguration
    private let queue: ExportQueue<SpanData>
    private let exporter: any SpanExporter

    /// Starts a processor that exports to `exporter`.
    ///
    /// - Parameters:
    ///   - resource: the resource the spans are exported under.
    ///   - name: the `exporter` label of its self-metrics.
    ///   - selfMetrics: where the self-metrics are recorded.
    public init(
        exporter: any SpanExporter, resource: Resource, configuration: BatchConfiguration = BatchConfiguration(),
        name: String = "otlp",
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.spans")
    ) {
        self.configuration = configuration
        self.exporter = exporter
        queue = ExportQueue(
            configuration: configuration,
            metrics: ExporterSelfMetrics(exporter: name, signal: "traces", collector: selfMetrics), logger: logger
        ) { batch in
            try exporter.export(batch, resource: resource)
        }
    }

    /// Queues a finished span for export; returns false when it was dropped (queue full or shut down).
    @discardableResult
    public func onEnd(_ span: SpanData) -> Bool {
        queue.enqueue(span)
    }

    /// Waits until every span queued before the call is exported, at most `timeout` (default: the
    /// configuration's export timeout); returns whether they were.
    @discardableResult
    public func forceFlush(timeout: Duration? = nil) -> Bool {
        let limit = timeout ?? configuration.exportTimeout
        let start = WallClock.monotonicNanos()
        let flushed = queue.forceFlush(timeout: limit)
        let remaining = limit - .nanoseconds(Int64(clamping: WallClock.monotonicNanos() - start))
        return exporter.forceFlush(timeout: max(.zero, remaining)) && flushed
    }

    /// Flushes (bounded by `timeout`), then stops and shuts the exporter down; later spans are dropped
    /// and counted. Returns whether every queued span was exported.
    @discardableResult
    public func shutdown(timeout: Duration? = nil) -> Bool {
        let flushed = queue.shutdown(timeout: timeout)
        exporter.shutdown()
        return flushed
    }
}
