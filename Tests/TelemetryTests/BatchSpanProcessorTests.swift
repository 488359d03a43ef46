import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@Suite("Batch span processor")
struct BatchSpanProcessorTests {
    let selfMetrics = MetricsCollector()
    let exporter = RecordingSpanExporter()

    private func span(_ name: String) -> SpanData {
        SpanData(
            name: name, context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .internal,
            startTimeNanos: 1, endTimeNanos: 2)
    }

    private func value(_ name: String, _ extra: [String: String] = [:]) -> Double {
        selfMetrics.currentValue(name, ["exporter": "test", "signal": "traces"].merging(extra) { $1 }) ?? 0
    }

    private func processor(_ configuration: BatchConfiguration) -> BatchSpanProcessor {
        BatchSpanProcessor(
            exporter: exporter, resource: Resource(serviceName: "test"), configuration: configuration, name: "test",
            selfMetrics: selfMetrics)
    }

    @Test("A full batch is exported at once, without waiting for the schedule delay")
    func fullBatchExportsImmediately() async throws {
        // A schedule delay no busy test run outlasts: only full batches may go before the flush.
        let processor = processor(BatchConfiguration(maxQueueSize: 100, maxExportBatchSize: 10, scheduleDelay: .seconds(3600)))
        for index in 0..<25 { processor.onEnd(span("s\(index)")) }
        let exported = await waitUntil(timeout: 5) { exporter.exportedSpans.count == 20 }
        #expect(exported)
        #expect(exporter.exportedBatches.map(\.count) == [10, 10])
        #expect(processor.forceFlush())
        #expect(exporter.exportedBatches.map(\.count) == [10, 10, 5])
        #expect(exporter.exportedSpans.map(\.name) == (0..<25).map { "s\($0)" })
        processor.shutdown()
    }

    @Test("A partial batch is exported after the schedule delay")
    func scheduleDelay() async throws {
        let processor = processor(BatchConfiguration(maxExportBatchSize: 100, scheduleDelay: .milliseconds(200)))
        let start = Date()
        processor.onEnd(span("lonely"))
        #expect(await waitUntil(timeout: 5) { exporter.exportedSpans.count == 1 })
        #expect(Date().timeIntervalSince(start) >= 0.1)
        processor.shutdown()
    }

    @Test("A full queue drops new spans and counts them; the application never blocks")
    func queueFull() async throws {
        exporter.block()
        let processor = processor(BatchConfiguration(maxQueueSize: 10, maxExportBatchSize: 5, scheduleDelay: .milliseconds(10)))
        let start = Date()
        var accepted = 0
        for index in 0..<1_000 where processor.onEnd(span("s\(index)")) { accepted += 1 }
        #expect(Date().timeIntervalSince(start) < 1, "enqueueing must not wait for the blocked exporter")
        #expect(accepted <= 15)
        #expect(value("telemetry_exporter_dropped_items_total", ["reason": "queue_full"]) == Double(1_000 - accepted))
        #expect(value("telemetry_exporter_queue_capacity") == 10)
        exporter.unblock()
        #expect(processor.forceFlush())
        #expect(exporter.exportedSpans.count == accepted)
        #expect(value("telemetry_exporter_sent_items_total") == Double(accepted))
        #expect(value("telemetry_exporter_enqueued_items_total") == Double(accepted))
        processor.shutdown()
    }

    @Test("A failed export drops its batch, counts it, and the next batches still go out")
    func failedExport() async throws {
        exporter.failNext(1)
        let processor = processor(BatchConfiguration(maxExportBatchSize: 2, scheduleDelay: .milliseconds(10)))
        for index in 0..<4 { processor.onEnd(span("s\(index)")) }
        #expect(processor.forceFlush())
        #expect(exporter.exportedSpans.count == 2)
        #expect(value("telemetry_exporter_failed_exports_total") == 1)
        #expect(value("telemetry_exporter_dropped_items_total", ["reason": "export_failed"]) == 2)
        processor.shutdown()
    }

    @Test("forceFlush gives up at its timeout while the exporter is stuck, and succeeds once it recovers")
    func flushTimeout() async throws {
        exporter.block()
        let processor = processor(BatchConfiguration(scheduleDelay: .milliseconds(10)))
        processor.onEnd(span("stuck"))
        let start = Date()
        #expect(!processor.forceFlush(timeout: .milliseconds(300)))
        #expect(Date().timeIntervalSince(start) < 2)
        exporter.unblock()
        #expect(processor.forceFlush(timeout: .seconds(5)))
        processor.shutdown()
    }

    @Test("Shutdown flushes, shuts the exporter down, and counts spans ended afterwards")
    func shutdown() async throws {
        let processor = processor(BatchConfiguration(scheduleDelay: .seconds(60)))
        processor.onEnd(span("before"))
        #expect(processor.shutdown())
        #expect(exporter.exportedSpans.map(\.name) == ["before"])
        #expect(exporter.isShutDown)
        #expect(!processor.onEnd(span("after")))
        #expect(value("telemetry_exporter_dropped_items_total", ["reason": "shutdown"]) == 1)
    }

    @Test("Configuration values are clamped to workable ranges")
    func clamping() {
        let configuration = BatchConfiguration(maxQueueSize: 0, maxExportBatchSize: 1_000, scheduleDelay: .zero)
        #expect(configuration.maxQueueSize == 1)
        #expect(configuration.maxExportBatchSize == 1)
        #expect(configuration.scheduleDelay == .milliseconds(1))
    }
}
