import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

/// The OTLP/gRPC receiver with the official Python SDK's gRPC exporters (grpcio); upstream decoded by
/// the official `opentelemetry-proto`.
@Suite("OTLP/gRPC receiver with the official Python SDK", .serialized)
struct GRPCReceiverTests {
    static func config(upstream: String, grpcPort: Int, token: String? = nil) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:RECEIVER_PORT
              grpc:
                endpoint: 127.0.0.1:\(grpcPort)
                \(token.map { "bearer_token: \($0)" } ?? "")
        processors:
          batch: {timeout: 50ms}
        exporters:
          otlphttp:
            endpoint: \(upstream)
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
            metrics: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
            logs: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
          telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
        """
    }

    @Test("Traces, metrics and logs over gRPC, plain and gzip, arrive upstream intact", arguments: ["none", "gzip"])
    func allSignals(compression: String) async throws {
        let upstream = try await IntakeServer()
        let grpcPort = try freeLoopbackPort()
        let gateway = try await GatewayProcess(yaml: Self.config(upstream: upstream.endpoint, grpcPort: grpcPort))
        let output = try TestPeers.runPython("otel_sdk_grpc.py", ["127.0.0.1:\(grpcPort)", compression], timeout: 60)
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(sent["metrics_flushed"] as? Bool == true)
        let arrived = await waitUntil(timeout: 15) {
            let spans = (try? await upstream.acceptedSpans())?.count ?? 0
            let metrics = (try? await upstream.acceptedMetrics())?.contains { $0.name == "grpc.orders" } ?? false
            let logs = (try? await upstream.acceptedLogRecords())?.isEmpty == false
            return spans == 2 && metrics && logs
        }
        #expect(arrived, "gateway log: \(gateway.logText())")
        let spans = try await upstream.acceptedSpans()
        #expect(Set(spans.compactMap { $0.string("span_id") }) == Set(sent["span_ids"] as? [String] ?? []))
        #expect(spans.allSatisfy { DecodedSpan.attributes($0.resource)["service.name"]?["string_value"] as? String == "python-grpc-service" })
        #expect(try await gateway.selfMetric("telemetry_gateway_requests_total", labels: "signal=\"traces\",status=\"OK\"") ?? 0 >= 1)
        #expect(gateway.terminate() == 0)
    }

    @Test("A bearer token is required when configured: a wrong one fails the export, the right one passes")
    func bearerToken() async throws {
        let upstream = try await IntakeServer()
        let grpcPort = try freeLoopbackPort()
        let gateway = try await GatewayProcess(yaml: Self.config(upstream: upstream.endpoint, grpcPort: grpcPort, token: "s3cret"))
        _ = try TestPeers.runPython("otel_sdk_grpc.py", ["127.0.0.1:\(grpcPort)", "none", "wrong"], timeout: 60)
        #expect(try await gateway.selfMetric("telemetry_gateway_requests_total", labels: "signal=\"traces\",status=\"UNAUTHENTICATED\"") ?? 0 >= 1)
        let output = try TestPeers.runPython("otel_sdk_grpc.py", ["127.0.0.1:\(grpcPort)", "none", "s3cret"], timeout: 60)
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        let arrived = await waitUntil(timeout: 15) { ((try? await upstream.acceptedSpans()) ?? []).count == 2 }
        #expect(arrived)
        #expect(!gateway.logText().contains("s3cret"), "the token is never logged")
        #expect(gateway.terminate() == 0)
    }
}
