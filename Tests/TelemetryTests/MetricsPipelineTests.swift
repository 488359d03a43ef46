import Foundation
import Logging
import TelemetryTestSupport
import Testing

@testable import Telemetry

@Suite("Periodic metrics pipeline")
struct MetricsPipelineTests {
    let collector = MetricsCollector()
    let selfMetrics = MetricsCollector()

    @Test("Exports every interval to every exporter; a blocked exporter stays bounded and does not delay the others")
    func isolation() async throws {
        let counter = try collector.counter("ticks_total")
        let healthy = RecordingMetricsExporter()
        let stuck = RecordingMetricsExporter()
        stuck.block()
        let pipeline = MetricsPipeline(
            collector: collector, exporters: [("healthy", healthy), ("stuck", stuck)], interval: .milliseconds(100),
            queueSize: 2, selfMetrics: selfMetrics)
        let start = Date()
        counter.inc()
        try await Task.sleep(for: .milliseconds(1050))
        let times = healthy.snapshots.map(\.time)
        let elapsed = Date().timeIntervalSince(start)
        #expect(times.count >= 8, "\(times.count) exports in \(elapsed) s at 100 ms")
        #expect(Double(times.count) <= elapsed / 0.1 + 1, "more exports than intervals: \(times.count) in \(elapsed) s")
        let gaps = zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }
        #expect(gaps.allSatisfy { $0 < 0.5 }, "the stuck exporter delayed the healthy one: \(gaps)")
        let dropped = selfMetrics.currentValue(
            "telemetry_exporter_dropped_items_total", ["exporter": "stuck", "signal": "metrics", "reason": "queue_full"])
        #expect((dropped ?? 0) >= 5, "the stuck exporter's excess is counted")
        #expect(selfMetrics.currentValue("telemetry_exporter_queue_size", ["exporter": "stuck", "signal": "metrics"]) ?? 99 <= 2)
        stuck.unblock()
        #expect(pipeline.flush())
        #expect(stuck.snapshots.count >= 2)
        #expect(stuck.snapshots.last?.snapshot.family(named: "ticks_total")?.points.first?.value == .counter(1))
        #expect(pipeline.shutdown())
        #expect(healthy.isShutDown && stuck.isShutDown)
    }

    @Test("Shutdown exports a final snapshot; the interval comes from OTEL_METRIC_EXPORT_INTERVAL when not given")
    func finalExportAndEnvironment() throws {
        let gauge = try collector.gauge("last_value")
        let exporter = RecordingMetricsExporter()
        let pipeline = MetricsPipeline(
            collector: collector, exporters: [("only", exporter)], interval: nil, queueSize: 4, selfMetrics: selfMetrics,
            logger: Logger(label: "test"),
            environment: TelemetryEnvironment(variables: ["OTEL_METRIC_EXPORT_INTERVAL": "3600000"], logger: Logger(label: "test")))
        #expect(pipeline.interval == .seconds(3600))
        gauge.set(42)
        #expect(pipeline.shutdown())
        #expect(exporter.snapshots.map { $0.snapshot.family(named: "last_value")?.points.first?.value } == [.gauge(42)])
        let invalid = TelemetryEnvironment(variables: ["OTEL_METRIC_EXPORT_INTERVAL": "soon"], logger: Logger(label: "test"))
        #expect(invalid.positiveMilliseconds("OTEL_METRIC_EXPORT_INTERVAL") == nil)
    }
}
