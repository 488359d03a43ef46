import Foundation
import Logging
import OTel
import ServiceLifecycle
import Telemetry
import TelemetryOTLP

/// Scenarios 7 and 7b: swift-log records into an OTLP/HTTP logs pipeline, ours against swift-otel's
/// logging backend, in the same process and to the same loopback receiver.
enum LogScenarios {
    static let records = 200_000

    static func rows(receiver: DiscardServerProcess) async throws -> [ResultRow] {
        let callingIterations = 100_000
        // Everything the calling-thread rounds emit fits in the queue, so no record is dropped early.
        let queue = callingIterations * 5 + 10_000 + records
        let logs = OpenTelemetryLogs(
            serviceName: "bench", exporter: OTLPExporter(endpoint: receiver.endpoint, selfMetrics: MetricsCollector()),
            batch: BatchConfiguration(maxQueueSize: queue, maxExportBatchSize: 512, scheduleDelay: .milliseconds(100)),
            selfMetrics: MetricsCollector())
        let ours = Logger(label: "bench") { logs.handler(label: $0) }
        let calling = Harness.nanosecondsPerOperation(iterations: callingIterations, rounds: 3) { record(ours) }
        _ = logs.forceFlush(timeout: .seconds(300))
        try receiver.reset()
        let start = ContinuousClock.now
        for _ in 0..<records { record(ours) }
        _ = logs.forceFlush(timeout: .seconds(300))
        let ourSeconds = seconds(ContinuousClock.now - start)
        let ourDelivered = try receiver.spanCount()
        logs.shutdown()

        var configuration = OTel.Configuration.default
        configuration.logs.otlpExporter.endpoint = receiver.endpoint + "/v1/logs"  // used as-is
        configuration.logs.batchLogRecordProcessor.maxQueueSize = queue
        // One batch per timer tick: a 1 ms tick lets it drain as fast as its exporter can send.
        configuration.logs.batchLogRecordProcessor.scheduleDelay = .milliseconds(1)
        configuration.traces.enabled = false
        configuration.metrics.enabled = false
        let (factory, service) = try OTel.makeLoggingBackend(configuration: configuration)
        let serviceTask = Task { try await service.run() }
        let theirs = Logger(label: "bench", factory: factory)
        let otelCalling = Harness.nanosecondsPerOperation(iterations: callingIterations, rounds: 3) { record(theirs) }
        try await SpanScenarios.waitUntilQuiet(receiver)
        try receiver.reset()
        let otelStart = ContinuousClock.now
        for _ in 0..<records { record(theirs) }
        let finished = try await SpanScenarios.waitUntilQuiet(receiverURL: receiver.endpoint, expected: records)
        let otelSeconds = seconds(finished - otelStart)
        let otelDelivered = try receiver.spanCount()
        serviceTask.cancel()

        return [
            ResultRow(
                scenario: "7 logger.info with 3 metadata values (calling thread)", ours: calling,
                peers: [("swift-otel", otelCalling)], goal: "≤ 500 ns", higherIsBetter: false),
            ResultRow(
                scenario: "7b OTLP/HTTP burst of 200,000 log records to a loopback receiver (delivered records/s)",
                ours: Measurement(value: Double(ourDelivered) / max(ourSeconds, 1e-9), unit: "records/s", allocationsPerOperation: nil),
                peers: [("swift-otel", Measurement(
                    value: Double(otelDelivered) / max(otelSeconds, 1e-9), unit: "records/s", allocationsPerOperation: nil))],
                goal: "≥ 300,000 records/s, no loss", higherIsBetter: true,
                note: "delivered: ours \(ourDelivered), swift-otel \(otelDelivered) of \(records) (its batch tick set to 1 ms)"),
        ]
    }

    /// The measured call.
    @inline(__always)
    static func record(_ logger: Logger) {
        logger.info("order processed", metadata: ["order_id": "42", "stage": "load", "attempt": "1"])
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
