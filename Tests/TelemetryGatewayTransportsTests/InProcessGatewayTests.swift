import Foundation
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryGatewayTransports
import TelemetryTestSupport
import Testing

/// The testing kit's in-process gateway with the standard transports: gRPC and TLS run in the test's
/// process, and what the tests read (ports, URL, self-metrics, the log) is there.
@Suite("InProcessGateway with gRPC and TLS", .serialized)
struct InProcessGatewayTests {
    static let yaml = """
        receivers:
          otlp:
            protocols:
              http: {endpoint: 127.0.0.1:0}
              grpc: {endpoint: 127.0.0.1:0, max_recv_msg_size_mib: 20}
        processors:
          memory_limiter: {check_interval: 1s, limit_mib: 64, spike_limit_mib: 4}
        exporters:
          memory:
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [memory_limiter], exporters: [memory]}
          telemetry: {metrics: {level: none}}
        """

    @Test("Without transports a gRPC receiver is refused with the core's error; with transports it listens, a grpcio call reaches memory")
    func grpcInProcess() async throws {
        #expect(throws: GatewayError.self) { try InProcessGateway(yaml: Self.yaml) }
        let gateway = try await InProcessGateway.start(yaml: Self.yaml, transports: .standardOnOwnThreads)
        let port = try #require(gateway.grpcPort)
        #expect(gateway.grpcTarget == "127.0.0.1:\(port)" && gateway.url.hasPrefix("http://127.0.0.1:"))
        let body = OTLPRequests.spans([(trace: TraceID.random(), name: "in-process", root: true, traceState: "")])
        let results = try await GRPCReceiverTests.rawCalls(port, [(GRPCReceiverTests.traceExport, body)])
        #expect(results.map { $0["code"] as? String } == ["OK"], "\(results)")
        #expect(gateway.memory.itemCount(.traces) == 1)
        #expect(gateway.selfMetric("telemetry_gateway_received_items_total", including: ["signal": "traces"]) == 1)
        #expect(gateway.selfMetric("telemetry_gateway_received_items_total", ["signal": "traces"]) == nil, "exact labels only")
        #expect(gateway.logText().contains("max_recv_msg_size_mib 20 needs up to 100 MiB"), "the budget warning: \(gateway.logText())")
        #expect(await gateway.stop())
    }

    @Test("A receiver with TLS: url is https, and an HTTPS client trusting the test CA posts to it")
    func tlsURL() async throws {
        let certificates = try await offCooperativePool { try TestCertificates() }
        let path = certificates.path
        let gateway = try await InProcessGateway.start(
            yaml: Self.yaml.replacingOccurrences(
                of: "http: {endpoint: 127.0.0.1:0}",
                with: "http: {endpoint: 127.0.0.1:0, tls: {cert_file: \(path("server.pem")), key_file: \(path("server.key"))}}")
                .replacingOccurrences(of: "max_recv_msg_size_mib: 20", with: "max_recv_msg_size_mib: 4"),
            transports: .standardOnOwnThreads)
        #expect(gateway.url.hasPrefix("https://127.0.0.1:"))
        let body = certificates.folder.appendingPathComponent("span.bin")
        try Data(OTLPRequests.spans([(trace: TraceID.random(), name: "tls", root: true, traceState: "")])).write(to: body)
        let arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", path("ca.pem"), "-H", "Content-Type: application/x-protobuf",
            "--data-binary", "@\(body.path)", "\(gateway.url)/v1/traces",
        ]
        let status = try await offCooperativePool { try runProcess("/usr/bin/curl", arguments).stdout }
        #expect(status == "200")
        #expect(gateway.memory.itemCount(.traces) == 1)
        #expect(await gateway.stop())
    }
}
