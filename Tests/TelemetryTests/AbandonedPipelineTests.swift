import Foundation
import TelemetryTestSupport
import Testing

@testable import Telemetry

/// Pipelines, processors and fanouts released without `shutdown()` must not leave a worker running.
@Suite("Pipelines released without shutdown")
struct AbandonedPipelineTests {
    @Test("A metrics pipeline released without shutdown stops exporting; its workers end and release the exporter")
    func metricsPipeline() async throws {
        let collector = MetricsCollector()
        try collector.counter("ticks_total").inc()
        weak var released: RecordingMetricsExporter?
        var exported = 0
        do {
            let exporter = RecordingMetricsExporter()
            released = exporter
            var pipeline: MetricsPipeline? = MetricsPipeline(
                collector: collector, exporters: [("recording", exporter)], interval: .milliseconds(20),
                selfMetrics: MetricsCollector())
            try await Task.sleep(for: .milliseconds(150))
            #expect(pipeline != nil)
            pipeline = nil
            exported = exporter.snapshots.count
        }
        #expect(exported >= 2)
        let ended = await waitUntil(timeout: 5) { released == nil }
        #expect(ended, "the exporter is still held: a worker thread is still running")
    }

    @Test("A batch span processor and a fanout released without shutdown export what was queued, then end")
    func spanProcessorAndFanout() async throws {
        weak var released: RecordingSpanExporter?
        let spans = (0..<3).map { index in
            SpanData(
                name: "s\(index)", context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .internal,
                startTimeNanos: 1, endTimeNanos: 2)
        }
        var exportedAfterRelease: () -> Int = { 0 }
        do {
            let exporter = RecordingSpanExporter()
            released = exporter
            exportedAfterRelease = { [exporter] in exporter.exportedSpans.count }
            let fanout = SpanFanout([("recording", exporter)], selfMetrics: MetricsCollector())
            let processor = BatchSpanProcessor(
                exporter: fanout, resource: Resource(serviceName: "abandoned"),
                configuration: BatchConfiguration(scheduleDelay: .seconds(60)), selfMetrics: MetricsCollector())
            for span in spans { processor.onEnd(span) }
        }
        let drained = await waitUntil(timeout: 5) { exportedAfterRelease() == spans.count }
        #expect(drained, "the queued spans were not exported after the processor was released")
        exportedAfterRelease = { 0 }
        let ended = await waitUntil(timeout: 5) { released == nil }
        #expect(ended, "the exporter is still held: a worker thread is still running")
    }
}
