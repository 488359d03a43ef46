import Foundation
import Logging
import Telemetry
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

@testable import TelemetryGatewayCore

/// The exporter helper's send chain: one transport (one libcurl handle) per signal used.
@Suite("Exporter send chain")
struct ExporterSendChainTests {
    /// A minimal valid request of any signal: one empty `resource_*` entry.
    static func request(_ signal: OTLPSignal) throws -> PipelineItem {
        PipelineItem(payload: try OTLPPayload(validating: [0x0A, 0x00], signal: signal, limits: DecodeLimits()))
    }

    @Test("A gateway OTLP/HTTP exporter makes one sender and one libcurl handle per signal used: 1 for traces alone, 3 for all three")
    func oneHandlePerSignal() async throws {
        let upstream = try await IntakeServer()
        let exporter = OTLPForwardingExporter(
            name: "otlp/up", settings: OTLPExporterSettings(endpoint: upstream.endpoint), selfMetrics: MetricsCollector(), transports: nil,
            logger: Logger(label: "test"))
        defer { exporter.abort() }
        var batch = BatchSettings()
        batch.timeout = .milliseconds(10)
        let deadline = { WallClock.monotonicNanos() + 10_000_000_000 }

        let traces = try exporter.consumer(for: .traces, batch: batch)
        try traces.consume(try Self.request(.traces))
        #expect((traces as? any ExporterQueue)?.flush(deadlineNanos: deadline()) == true)
        #expect(exporter.senderCount == 1)
        #expect(exporter.openHTTPConnections == 1)

        for signal in [OTLPSignal.metrics, .logs] {
            let queue = try exporter.consumer(for: signal, batch: batch)
            try queue.consume(try Self.request(signal))
            #expect((queue as? any ExporterQueue)?.flush(deadlineNanos: deadline()) == true)
        }
        #expect(exporter.senderCount == 3)
        #expect(exporter.openHTTPConnections == 3)
        #expect(try await upstream.received().count == 3)
        #expect(exporter.shutdown(deadlineNanos: deadline()))
    }
}
