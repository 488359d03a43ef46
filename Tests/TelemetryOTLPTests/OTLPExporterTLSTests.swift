import Logging
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryOTLP

/// The library's OTLP/HTTP exporter over mutual TLS to Python's `ssl` (the intake's HTTPS port), its
/// files taken from the OpenTelemetry environment variables.
@Suite("OTLP exporter TLS")
struct OTLPExporterTLSTests {
    private func exporter(_ variables: [String: String], endpoint: String) -> OTLPExporter {
        OTLPExporter(
            endpoint: endpoint, headers: nil, compression: nil, timeout: .seconds(5), tls: nil, retry: .none, temporality: .cumulative,
            resource: nil, name: "otlp", selfMetrics: MetricsCollector(), logger: Logger(label: "tls-test"),
            environment: OTLPEnvironment(variables: variables, logger: Logger(label: "tls-test")))
    }

    @Test("OTEL_EXPORTER_OTLP_CERTIFICATE, …_CLIENT_CERTIFICATE and …_CLIENT_KEY: mutual TLS works; without the client certificate it is refused")
    func mutualTLSFromEnvironment() async throws {
        let certificates = try TestCertificates()
        let path = certificates.path
        let upstream = try await IntakeServer(grpc: false, tls: [path("server.pem"), path("server.key"), path("ca.pem")])
        let endpoint = "https://127.0.0.1:\(try #require(upstream.httpsPort))"
        let span = SpanData(
            name: "over-mtls", context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .internal,
            startTimeNanos: 1, endTimeNanos: 2)
        let trusting = exporter(["OTEL_EXPORTER_OTLP_CERTIFICATE": path("ca.pem")], endpoint: endpoint)
        #expect(throws: (any Error).self) { try trusting.export([span], resource: Resource(serviceName: "tls")) }
        let mutual = exporter([
            "OTEL_EXPORTER_OTLP_CERTIFICATE": path("ca.pem"), "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE": path("client.pem"),
            "OTEL_EXPORTER_OTLP_CLIENT_KEY": path("client.key"),
        ], endpoint: endpoint)
        #expect(mutual.traces.tls.certificateFile == path("client.pem") && mutual.metrics.tls.certificateFile == nil)
        try mutual.export([span], resource: Resource(serviceName: "tls"))
        #expect(try await upstream.acceptedSpans().map { $0.string("name") } == ["over-mtls"])
    }
}
