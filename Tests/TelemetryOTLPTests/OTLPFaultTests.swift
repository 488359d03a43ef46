import Foundation
import Telemetry
import TelemetryHTTP
import TelemetryTestSupport
import Testing

@testable import TelemetryOTLP

/// Retry, backoff and failure handling against the loopback receiver's scripted answers.
@Suite("OTLP export faults")
struct OTLPFaultTests {
    let selfMetrics = MetricsCollector()
    let fastRetry = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(200))

    private func tracer(_ receiver: IntakeServer, retry: RetryPolicy, batch: BatchConfiguration = BatchConfiguration(scheduleDelay: .milliseconds(50))) -> OpenTelemetryTracer {
        let exporter = OTLPExporter(endpoint: receiver.endpoint, retry: retry, selfMetrics: selfMetrics)
        return OpenTelemetryTracer(
            serviceName: "faults", exporter: exporter, sampler: .alwaysOn, batch: batch, selfMetrics: selfMetrics)
    }

    private func value(_ name: String, _ extra: [String: String] = [:]) -> Double {
        selfMetrics.currentValue(name, ["exporter": "otlp", "signal": "traces"].merging(extra) { $1 }) ?? 0
    }

    @Test("503 twice then 200: delivered exactly once after two retries")
    func retriesUntilAccepted() async throws {
        let receiver = try await IntakeServer()
        try await receiver.script([["status": 503], ["status": 503]])
        let tracer = tracer(receiver, retry: fastRetry)
        tracer.endSpan(tracer.startSpan("once"))
        #expect(tracer.forceFlush())
        let requests = try await receiver.received(path: "/v1/traces")
        #expect(requests.map { $0["status"] as? Int } == [503, 503, 200])
        #expect(try await receiver.acceptedSpans().map { $0.string("name") } == ["once"])
        #expect(value("telemetry_exporter_retries_total") == 2)
        #expect(value("telemetry_exporter_sent_items_total") == 1)
        #expect(value("telemetry_exporter_failed_exports_total") == 0)
        tracer.shutdown()
    }

    @Test("429 with Retry-After: 2 waits at least two seconds before the next attempt")
    func honoursRetryAfter() async throws {
        let receiver = try await IntakeServer()
        try await receiver.script([["status": 429, "retry_after": "2"]])
        let tracer = tracer(receiver, retry: fastRetry)
        tracer.endSpan(tracer.startSpan("throttled"))
        #expect(tracer.forceFlush())
        let times = try await receiver.received(path: "/v1/traces").compactMap { $0["time"] as? Double }
        try #require(times.count == 2)
        #expect(times[1] - times[0] >= 2.0)
        #expect(times[1] - times[0] < 4.0)
        tracer.shutdown()
    }

    @Test("A Retry-After beyond the retry budget (seconds or a far date) gives up at once and is counted, without a crash")
    func retryAfterBeyondBudget() async throws {
        let receiver = try await IntakeServer()
        try await receiver.script([
            ["status": 503, "retry_after": "100000000000"], ["status": 429, "retry_after": "Fri, 31 Dec 9999 23:59:59 GMT"],
        ])
        let tracer = tracer(receiver, retry: fastRetry)
        tracer.endSpan(tracer.startSpan("first"))
        #expect(tracer.forceFlush())
        tracer.endSpan(tracer.startSpan("second"))
        #expect(tracer.forceFlush())
        #expect(try await receiver.received(path: "/v1/traces").count == 2, "no retry was attempted")
        #expect(value("telemetry_exporter_retries_exhausted_total", ["reason": "retry_after_beyond_budget"]) == 2)
        #expect(value("telemetry_exporter_dropped_items_total", ["reason": "export_failed"]) == 2)
        tracer.endSpan(tracer.startSpan("third"))
        #expect(tracer.forceFlush())
        #expect(try await receiver.acceptedSpans().map { $0.string("name") } == ["third"])
        tracer.shutdown()
    }

    @Test("400 is not retried: one attempt, counted as a failed export and dropped spans")
    func clientErrorNotRetried() async throws {
        let receiver = try await IntakeServer()
        try await receiver.script([["status": 400]])
        let tracer = tracer(receiver, retry: fastRetry)
        tracer.endSpan(tracer.startSpan("bad"))
        tracer.endSpan(tracer.startSpan("bad too"))
        #expect(tracer.forceFlush())
        #expect(try await receiver.received(path: "/v1/traces").count == 1)
        #expect(value("telemetry_exporter_retries_total") == 0)
        #expect(value("telemetry_exporter_failed_exports_total") == 1)
        #expect(value("telemetry_exporter_dropped_items_total", ["reason": "export_failed"]) == 2)
        tracer.shutdown()
    }

    @Test("A partial success is counted and logged, not retried")
    func partialSuccess() async throws {
        let receiver = try await IntakeServer()
        try await receiver.script([["status": 200, "partial": ["rejected": 2, "message": "spans too old"]]])
        let tracer = tracer(receiver, retry: fastRetry)
        for _ in 0..<3 { tracer.endSpan(tracer.startSpan("partly")) }
        #expect(tracer.forceFlush())
        #expect(try await receiver.received(path: "/v1/traces").count == 1)
        #expect(value("telemetry_exporter_rejected_items_total") == 2)
        #expect(value("telemetry_exporter_retries_total") == 0)
        tracer.shutdown()
    }

    @Test("Receiver down: spans wait up to the queue bound, the excess is dropped and counted, the rest arrives when it returns")
    func receiverDown() async throws {
        let receiver = try await IntakeServer()
        receiver.stop()
        let patientRetry = RetryPolicy(
            maxAttempts: 100, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(300), maxElapsed: .seconds(30))
        let tracer = tracer(
            receiver, retry: patientRetry,
            batch: BatchConfiguration(maxQueueSize: 100, maxExportBatchSize: 50, scheduleDelay: .milliseconds(20)))
        let total = 400
        for index in 0..<total { tracer.endSpan(tracer.startSpan("span-\(index)")) }
        let dropped = value("telemetry_exporter_dropped_items_total", ["reason": "queue_full"])
        #expect(dropped >= Double(total - 150), "at most one batch in flight plus a full queue is held")
        #expect(dropped <= Double(total - 100))
        try await Task.sleep(for: .milliseconds(500))
        #expect(value("telemetry_exporter_retries_total") >= 1)
        try await receiver.start()
        #expect(tracer.forceFlush(timeout: .seconds(20)))
        let names = try await receiver.acceptedSpans().compactMap { $0.string("name") }
        #expect(Set(names).count == names.count, "no span delivered twice")
        #expect(Double(names.count) + dropped == Double(total), "every span is either delivered or counted as dropped")
        #expect(value("telemetry_exporter_sent_items_total") == Double(names.count))
        tracer.shutdown()
    }

    @Test("After shutdown, ended spans are dropped and counted")
    func shutdownDropsLaterSpans() async throws {
        let receiver = try await IntakeServer()
        let tracer = tracer(receiver, retry: fastRetry)
        tracer.endSpan(tracer.startSpan("before"))
        #expect(tracer.shutdown())
        tracer.endSpan(tracer.startSpan("after"))
        #expect(try await receiver.acceptedSpans().map { $0.string("name") } == ["before"])
        #expect(value("telemetry_exporter_dropped_items_total", ["reason": "shutdown"]) == 1)
    }
}
