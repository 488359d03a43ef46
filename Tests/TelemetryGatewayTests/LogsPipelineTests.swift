import Foundation
import Logging
import Telemetry
import TelemetryGatewayTesting
import TelemetryOTLP
import TelemetryTestSupport
import Testing

/// The third signal through the gateway: the library's swift-log records, a logs pipeline with the
/// processors that apply, the debug view, and forwarding upstream.
@Suite("Gateway: logs pipeline")
struct LogsPipelineTests {
    @Test("swift-log records from the library pass memory_limiter and batch, show in debug (detailed) and arrive upstream intact")
    func libraryToGatewayToUpstream() async throws {
        let upstream = try await IntakeServer()
        let recorder = LogRecorder()
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              memory_limiter: {limit_mib: 64}
              batch: {timeout: 50ms}
              probabilistic_sampler: {sampling_percentage: 0}
            exporters:
              otlphttp: {endpoint: "\(upstream.endpoint)"}
              debug: {verbosity: detailed}
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [probabilistic_sampler], exporters: [debug]}
                logs: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp, debug]}
              telemetry: {metrics: {level: none}}
            """, logger: recorder.logger())
        let logs = OpenTelemetryLogs(
            serviceName: "checkout", exporter: OTLPExporter(endpoint: gateway.url, selfMetrics: MetricsCollector()),
            batch: BatchConfiguration(scheduleDelay: .milliseconds(20)), selfMetrics: MetricsCollector())
        let logger = Logger(label: "checkout.api") { logs.handler(label: $0) }
        let tracer = SimpleTracer()
        let span = traceContext(tracer, "pay") { span in
            for index in 0..<5 { logger.info("payment step", metadata: ["step": "\(index)"]) }
            return span.context
        }
        #expect(logs.forceFlush(timeout: .seconds(10)))
        let arrived = await waitUntil(timeout: 10) { ((try? await upstream.acceptedLogRecords()) ?? []).count == 5 }
        #expect(arrived, "the sampler of the traces pipeline must not touch logs")
        let records = try await upstream.acceptedLogRecords()
        #expect(records.allSatisfy { $0.string("trace_id") == span.traceID.description && $0.scope["name"] as? String == "checkout.api" })
        #expect(records.compactMap { DecodedSpan.attributes($0.fields)["step"]?["string_value"] as? String }.sorted() == ["0", "1", "2", "3", "4"])
        gateway.shutdown()
        let lines = recorder.all.filter { $0.message.contains("debug: log severity=9 body=payment step trace_id=\(span.traceID)") }
        #expect(lines.count == 5, "\(recorder.all.map(\.message).suffix(5))")
        logs.shutdown()
    }
}
