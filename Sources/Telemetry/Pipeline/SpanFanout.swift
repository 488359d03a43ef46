import Logging

/// Hands each batch of spans to several span exporters, each behind its own bounded queue and worker.
///
/// ```swift
/// let fanout = SpanFanout([("primary", OTLPExporter(endpoint: a)), ("backup", OTLPExporter(endpoint: b))])
/// let tracer = OpenTelemetryTracer(serviceName: "svc", exporter: fanout)
/// ```
/// `export` only enqueues, so it never fails and never waits for a backend; a full queue drops that
/// exporter's batch and counts it. Errors are counted per exporter and logged at a bounded rate.
public final class SpanFanout: SpanExporter {
    private struct Batch: Sendable {
        let spans: [SpanData]
        let resource: Resource
    }

    private let queues: [ExportQueue<Batch>]
    private let exporters: [any SpanExporter]

    /// Creates the fanout and starts one worker per exporter.
    ///
    /// - Parameters:
    ///   - exporters: each with the name used as its `exporter` self-metric label.
    ///   - queueSize: batches each exporter may have waiting.
    public convenience init(
        _ exporters: [(name: String, exporter: any SpanExporter)], queueSize: Int = 16,
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.span-fanout")
    ) {
        self.init(exporters, queueSize: queueSize, queueSizes: [:], selfMetrics: selfMetrics, logger: logger)
    }

    /// Creates the fanout with a queue size per exporter name (`queueSize` for the others).
    package init(
        _ exporters: [(name: String, exporter: any SpanExporter)], queueSize: Int, queueSizes: [String: Int],
        selfMetrics: MetricsCollector, logger: Logger
    ) {
        self.exporters = exporters.map(\.exporter)
        queues = exporters.map { entry in
            ExportQueue(
                configuration: BatchConfiguration(maxQueueSize: queueSizes[entry.name] ?? queueSize, maxExportBatchSize: 1),
                metrics: ExporterSelfMetrics(exporter: entry.name, signal: "traces", collector: selfMetrics),
                logger: logger, weight: { $0.spans.count }
            ) { batches in
                for batch in batches { try entry.exporter.export(batch.spans, resource: batch.resource) }
            }
        }
    }

    /// Queues the batch for every exporter; never throws.
    public func export(_ spans: [SpanData], resource: Resource) throws {
        let batch = Batch(spans: spans, resource: resource)
        for queue in queues { queue.enqueue(batch) }
    }

    /// Waits until every exporter has handled what was queued (each at most `timeout`).
    public func forceFlush(timeout: Duration) -> Bool {
        ParallelWork.allSucceed(queues) { $0.forceFlush(timeout: timeout) }
    }

    /// Flushes (bounded by 30 s per exporter), stops the workers and shuts every exporter down.
    public func shutdown() {
        _ = ParallelWork.allSucceed(queues) { $0.shutdown(timeout: .seconds(30)) }
        exporters.forEach { $0.shutdown() }
    }
}
