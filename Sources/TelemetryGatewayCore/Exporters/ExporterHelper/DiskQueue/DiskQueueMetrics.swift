import Telemetry

/// The self-metrics only a disk queue has, labelled `exporter` and `signal` (beside the usual
/// `telemetry_exporter_*` ones, where `queue_size` counts bytes):
/// `telemetry_exporter_disk_queue_bytes`, `telemetry_exporter_disk_queue_records`,
/// `telemetry_exporter_disk_queue_oldest_record_age_seconds`, `telemetry_exporter_disk_queue_file_bytes`
/// (segment files on disk), `telemetry_exporter_disk_queue_corruption_events_total{kind}` (`torn_tail`,
/// `corrupt_range`, `damaged_ack`, `runtime`), `telemetry_exporter_disk_queue_errors_total{operation}`
/// (`write`, `fsync`, `ack`, `read`) and `telemetry_exporter_disk_queue_fsync_duration_seconds`.
struct DiskQueueMetrics: Sendable {
    let exporter: ExporterSelfMetrics
    private let bytes: TelemetryGauge.Series?
    private let records: TelemetryGauge.Series?
    private let oldestAge: TelemetryGauge.Series?
    private let fileBytes: TelemetryGauge.Series?
    private let corruption: TelemetryCounter
    private let errors: TelemetryCounter
    private let fsyncDuration: TelemetryHistogram.Series?
    private let labels: [String: String]

    init(exporter: ExporterSelfMetrics, collector: MetricsCollector) {
        self.exporter = exporter
        let names = ["exporter", "signal"]
        labels = ["exporter": exporter.exporter, "signal": exporter.signal]
        let labels = self.labels
        func gauge(_ name: String, _ help: String) -> TelemetryGauge.Series? {
            try? collector.selfMetricGauge(name, help: help, labels: names).labels(labels)
        }
        bytes = gauge("telemetry_exporter_disk_queue_bytes", "Bytes of unsent records in the disk queue (framing included)")
        records = gauge("telemetry_exporter_disk_queue_records", "Unsent records (requests) in the disk queue")
        oldestAge = gauge(
            "telemetry_exporter_disk_queue_oldest_record_age_seconds", "Age of the oldest unsent record in the disk queue")
        fileBytes = gauge("telemetry_exporter_disk_queue_file_bytes", "Bytes of the disk queue's segment files")
        corruption = collector.selfMetricCounter(
            "telemetry_exporter_disk_queue_corruption_events_total",
            help: "Damage found in the disk queue (cut out and quarantined), by kind", labels: names + ["kind"])
        errors = collector.selfMetricCounter(
            "telemetry_exporter_disk_queue_errors_total", help: "Failed disk operations of the disk queue, by operation",
            labels: names + ["operation"])
        fsyncDuration = try? collector.selfMetricHistogram(
            "telemetry_exporter_disk_queue_fsync_duration_seconds", help: "Time to force the disk queue's appends to disk",
            labels: names, buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
        ).labels(labels)
    }

    /// Sets the depth gauges.
    func update(depth: QueueDepth, oldestEnqueuedAtNanos: UInt64?, fileBytes: Int) {
        bytes?.set(Double(depth.bytes))
        records?.set(Double(depth.records))
        exporter.queueSize.set(Double(depth.bytes))
        exporter.queuedItems.set(Double(depth.items))
        self.fileBytes?.set(Double(fileBytes))
        let age = oldestEnqueuedAtNanos.map { WallClock.nowNanos().subtractingSaturated($0) } ?? 0
        oldestAge?.set(Double(age) / 1e9)
    }

    /// Counts what recovery found.
    func record(_ report: RecoveryReport) {
        for (kind, count) in [("torn_tail", report.tornTails), ("corrupt_range", report.corruptRanges), ("damaged_ack", report.damagedAck ? 1 : 0)]
        where count > 0 {
            corruption.inc(by: Double(count), labels.merging(["kind": kind]) { $1 })
        }
    }

    /// Counts damage met while reading.
    func runtimeDamage(_ count: Int) {
        corruption.inc(by: Double(count), labels.merging(["kind": "runtime"]) { $1 })
    }

    /// Counts a failed disk operation.
    func error(_ operation: String) {
        errors.inc(labels.merging(["operation": operation]) { $1 })
    }

    /// Records one fsync's duration.
    func fsync(seconds: Double) {
        fsyncDuration?.observe(seconds)
    }
}
