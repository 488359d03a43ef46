import Logging

/// Queues log records (bounded) and exports them in batches from its own worker thread.
///
/// Logging never blocks on I/O: a full queue drops the record and counts it in
/// `telemetry_exporter_dropped_items_total{signal="logs",reason="queue_full"}`. A batch is exported as
/// soon as it is full, not only when `scheduleDelay` passes, so a burst drains at the exporter's speed.
public final class BatchLogProcessor: LogRecordProcessor {
    /// The queue and batch settings.
    public let configuration: BatchConfiguration
    private let queue: ExportQueue<LogRecordData>
    private let exporter: any LogRecordExporter

    /// Starts a processor that exports to `exporter`.
    ///
    /// - Parameters:
    ///   - resource: the resource the records are exported under.
    ///   - configuration: queue and batch sizes (OpenTelemetry's log defaults: 2048, 512, 1 s, 30 s).
    ///   - name: the `exporter` label of its self-metrics.
    ///   - selfMetrics: where the self-metrics are recorded.
    public init(
        exporter: any LogRecordExporter, resource: Resource, configuration: BatchConfiguration = .logDefaults,
        name: String = "otlp", selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.logs")
    ) {
        self.configuration = configuration
        self.exporter = exporter
        queue = ExportQueue(
            configuration: configuration,
            metrics: ExporterSelfMetrics(exporter: name, signal: "logs", collector: selfMetrics), logger: logger
        ) { batch in
            try exporter.export(batch, resource: resource)
        }
    }

    /// Queues a record for export; returns false when it was dropped (queue full or shut down).
    @discardableResult
    public func onEmit(_ record: LogRecordData) -> Bool {
        queue.enqueue(record)
    }

    /// Waits until every record queued before the call is exported, at most `timeout` (default: the
    /// configuration's export timeout); returns whether they were.
    @discardableResult
    public func forceFlush(timeout: Duration? = nil) -> Bool {
        let limit = timeout ?? configuration.exportTimeout
        let deadline = limit.deadlineFromNow
        let flushed = queue.forceFlush(timeout: limit)
        let remaining = Duration.nanoseconds(Int64(clamping: deadline.subtractingSaturated(WallClock.monotonicNanos())))
        return exporter.forceFlush(timeout: remaining) && flushed
    }

    /// Flushes (bounded by `timeout`), then stops and shuts the exporter down; later records are
    /// dropped and counted. Returns whether every queued record was exported.
    @discardableResult
    public func shutdown(timeout: Duration? = nil) -> Bool {
        let flushed = queue.shutdown(timeout: timeout)
        exporter.shutdown()
        return flushed
    }
}

extension BatchConfiguration {
    /// OpenTelemetry's batch log record processor defaults: 2048 queued, 512 a batch, 1 s, 30 s.
    public static let logDefaults = BatchConfiguration(
        maxQueueSize: 2048, maxExportBatchSize: 512, scheduleDelay: .seconds(1), exportTimeout: .seconds(30))
}

/// Hands each record to several batch processors (one per exporter), each with its own queue, so a
/// slow backend only drops its own records.
public struct LogProcessorFanout: LogRecordProcessor {
    /// The processors, in order.
    public let processors: [BatchLogProcessor]

    /// Creates the fan-out.
    public init(_ processors: [BatchLogProcessor]) {
        self.processors = processors
    }

    /// Queues the record with every processor; false when every one dropped it.
    @discardableResult
    public func onEmit(_ record: LogRecordData) -> Bool {
        var queued = false
        for processor in processors where processor.onEmit(record) { queued = true }
        return queued
    }

    /// Flushes every processor in parallel, each at most `timeout`.
    @discardableResult
    public func forceFlush(timeout: Duration? = nil) -> Bool {
        ParallelWork.allSucceed(processors) { $0.forceFlush(timeout: timeout) }
    }

    /// Shuts every processor down in parallel, each flushing at most `timeout`.
    @discardableResult
    public func shutdown(timeout: Duration? = nil) -> Bool {
        ParallelWork.allSucceed(processors) { $0.shutdown(timeout: timeout) }
    }
}
