import Logging

/// Collects a `MetricsCollector` (or any `MetricsSource`) every interval and hands the snapshot to several exporters at once.
///
/// Each exporter has its own bounded queue and worker thread, so a slow or dead backend never delays
/// another: when its queue is full, its new snapshots are dropped and counted
/// (`telemetry_exporter_dropped_items_total{reason="queue_full"}`) while the others stay on time.
/// Export errors never reach the application; they are counted per exporter and logged at a bounded rate.
public final class MetricsPipeline: Sendable {
    /// How often the collector is read.
    public let interval: Duration
    private let collector: any MetricsSource
    private let queues: [ExportQueue<MetricsSnapshot>]
    private let exporters: [any MetricsExporter]
    private let ticker: ConditionLock<TickerState>
    private let tickerThread: LockedValue<WorkerThread?> = LockedValue(nil)

    private struct TickerState: Sendable {
        var stopping = false
        var exited = false
    }

    /// Starts collecting and exporting.
    ///
    /// - Parameters:
    ///   - exporters: each with the name used as its `exporter` self-metric label.
    ///   - interval: the collection interval (default: `OTEL_METRIC_EXPORT_INTERVAL` in milliseconds, else 60 s).
    ///   - queueSize: snapshots each exporter may have waiting; older ones are never replaced, new ones dropped.
    public convenience init(
        collector: any MetricsSource, exporters: [(name: String, exporter: any MetricsExporter)],
        interval: Duration? = nil, queueSize: Int = 4,
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.metrics-pipeline")
    ) {
        self.init(
            collector: collector, exporters: exporters, interval: interval, queueSize: queueSize,
            selfMetrics: selfMetrics, logger: logger, environment: .process(logger: logger))
    }

    package init(
        collector: any MetricsSource, exporters: [(name: String, exporter: any MetricsExporter)], interval: Duration?,
        queueSize: Int, queueSizes: [String: Int] = [:], selfMetrics: MetricsCollector, logger: Logger,
        environment: TelemetryEnvironment
    ) {
        self.collector = collector
        self.interval = max(
            .milliseconds(10),
            interval ?? environment.positiveMilliseconds("OTEL_METRIC_EXPORT_INTERVAL") ?? .seconds(60))
        self.exporters = exporters.map(\.exporter)
        queues = exporters.map { entry in
            ExportQueue(
                configuration: BatchConfiguration(
                    maxQueueSize: queueSizes[entry.name] ?? queueSize, maxExportBatchSize: 1, scheduleDelay: .seconds(1)),
                metrics: ExporterSelfMetrics(exporter: entry.name, signal: "metrics", collector: selfMetrics),
                logger: logger, weight: { snapshot in snapshot.families.reduce(0) { $0 + $1.points.count } }
            ) { snapshots in
                for snapshot in snapshots { try entry.exporter.export(snapshot) }
            }
        }
        ticker = ConditionLock(TickerState())
        // The ticker holds the pipeline weakly: a pipeline released without `shutdown()` stops ticking,
        // and its queues' workers export what was queued and end.
        let (ticker, intervalNanos) = (ticker, self.interval.nanoseconds)
        let thread = WorkerThread { [weak self] in
            Self.tick(ticker, intervalNanos: intervalNanos) { [weak self] in
                guard let self else { return false }
                collectAndEnqueue()
                return true
            }
        }
        tickerThread.withLock { $0 = thread }
    }

    deinit {
        ticker.withLockAndBroadcast { $0.stopping = true }
    }

    /// Collects now and waits until every exporter has handled it (at most `timeout`, default 30 s).
    ///
    /// - Returns: whether every exporter finished in time.
    @discardableResult
    public func flush(timeout: Duration = .seconds(30)) -> Bool {
        collectAndEnqueue()
        return ParallelWork.allSucceed(queues) { $0.forceFlush(timeout: timeout) }
    }

    /// Stops the timer, exports a final snapshot (bounded by `timeout`), and shuts every exporter down.
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(30)) -> Bool {
        ticker.withLockAndBroadcast { $0.stopping = true }
        let exited = ticker.wait(until: { $0.exited }, deadlineNanos: Duration.seconds(1).deadlineFromNow) {
            state, _ in state.exited
        }
        if exited { tickerThread.withLock { $0?.join() } }
        collectAndEnqueue()
        let flushed = ParallelWork.allSucceed(queues) { $0.shutdown(timeout: timeout) }
        exporters.forEach { $0.shutdown() }
        return flushed
    }

    /// Calls `collect` every interval until stopped or `collect` reports that the pipeline is gone.
    private static func tick(
        _ ticker: ConditionLock<TickerState>, intervalNanos: UInt64, collect: () -> Bool
    ) {
        var next = WallClock.monotonicNanos().addingSaturated(intervalNanos)
        while true {
            let stopping = ticker.wait(until: { $0.stopping }, deadlineNanos: next) { state, _ in state.stopping }
            if stopping || !collect() {
                ticker.withLockAndBroadcast { $0.exited = true }
                return
            }
            // Stay on the interval grid, skipping ticks that were missed rather than bunching them.
            let now = WallClock.monotonicNanos()
            repeat { next = next.addingSaturated(intervalNanos) } while next <= now && next < .max
        }
    }

    private func collectAndEnqueue() {
        let snapshot = collector.collectAll()
        for queue in queues { queue.enqueue(snapshot) }
    }
}
