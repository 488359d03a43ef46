import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryOTLP

@Suite("OTLP exporter connections")
struct OTLPExporterConnectionTests {
    @Test("An application exporting only spans opens one libcurl handle; each signal's first export opens its own")
    func oneHandlePerSignalUsed() async throws {
        let receiver = try await IntakeServer()
        let exporter = OTLPExporter(endpoint: receiver.endpoint, selfMetrics: MetricsCollector())
        #expect(exporter.openConnections == 0)
        let tracer = OpenTelemetryTracer(
            serviceName: "traces-only", exporter: exporter, sampler: .alwaysOn, batch: BatchConfiguration(scheduleDelay: .milliseconds(50)),
            selfMetrics: MetricsCollector())
        tracer.endSpan(tracer.startSpan("one"))
        #expect(tracer.forceFlush())
        #expect(try await receiver.acceptedSpans().count == 1)
        #expect(exporter.openConnections == 1)

        try exporter.exportEncoded(.logs, requests: [[0x0A, 0x00]])
        #expect(exporter.openConnections == 2)
        tracer.shutdown()
    }
}
