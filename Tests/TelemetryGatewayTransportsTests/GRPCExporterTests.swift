import Foundation
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryGatewayTransports
import TelemetryTestSupport
import Testing

/// The OTLP/gRPC exporter against a Python grpcio server implementing the official service stubs
/// (`Tests/Peers/intake_server.py --grpc-port`), which decodes every request with `opentelemetry-proto`
/// and answers per a script; and TLS on both exporters (an openssl-made CA). The gateway runs in the test's
/// process with the standard transports.
@Suite("OTLP/gRPC exporter, and TLS on both exporters", .serialized)
struct GRPCExporterTests {
    static func config(endpoint: String, exporter: String = "", grpcReceiver: Bool = false) -> String {
        """
        receivers:
          otlp:
            protocols:
              http: {endpoint: 127.0.0.1:0}
        \(grpcReceiver ? "      grpc: {endpoint: 127.0.0.1:0}" : "")
        processors:
          batch: {timeout: 20ms}
        exporters:
          otlp/up:
            protocol: grpc
            endpoint: \(endpoint)
            retry_on_failure: {initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 10s}
        \(exporter)
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [otlp/up]}
            metrics: {receivers: [otlp], processors: [batch], exporters: [otlp/up]}
            logs: {receivers: [otlp], processors: [batch], exporters: [otlp/up]}
          telemetry: {metrics: {level: none}}
        """
    }

    /// The names of the spans in one received request.
    static func spanNames(_ entry: [String: Any]) -> [String] {
        let request = entry["request"] as? [String: Any] ?? [:]
        return (request["resource_spans"] as? [[String: Any]] ?? []).flatMap { resourceSpans in
            (resourceSpans["scope_spans"] as? [[String: Any]] ?? []).flatMap { scopeSpans in
                (scopeSpans["spans"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
        }
    }

    static func postSpan(named name: String, to gateway: InProcessGateway) async throws {
        let body = OTLPRequests.spans([(trace: TraceID.random(), name: name, root: true, traceState: "")])
        let url = "\(gateway.url)/v1/traces"
        let status = try await offCooperativePool { try OTLPRequests.post(body, to: url).status }
        try #require(status == 200)
    }

    @Test("Traces, metrics and logs from the SDK over gRPC go on over gRPC, plain and gzip, with the configured metadata",
          arguments: ["none", "gzip"])
    func allSignals(compression: String) async throws {
        let upstream = try await IntakeServer(grpc: true)
        let yaml = Self.config(endpoint: "http://\(upstream.grpcEndpoint)", grpcReceiver: true)
            .replacingOccurrences(of: "protocol: grpc", with: "protocol: grpc\n    compression: \(compression)\n    headers: {X-Tenant: acme}")
        let gateway = try await InProcessGateway.start(yaml: yaml, transports: .standardOnOwnThreads)
        let grpcPort = try #require(gateway.grpcPort)
        try await GRPCReceiverTests.sendSDKSignals(to: grpcPort, compression: compression, arrivingAt: upstream, gateway: gateway)
        let entries = try await upstream.received()
        #expect(!entries.isEmpty && entries.allSatisfy { $0["transport"] as? String == "grpc" })
        #expect(entries.allSatisfy { ($0["headers"] as? [String: Any])?["x-tenant"] as? String == "acme" }, "headers go as metadata")
        #expect(gateway.selfMetric("telemetry_exporter_sent_items_total", including: ["exporter": "otlp/up", "signal": "traces"]) == 2)
        #expect(await gateway.stop())
    }

    @Test("Each status code is retried or not exactly as the OTLP specification says; RetryInfo decides for RESOURCE_EXHAUSTED")
    func statusMatrix() async throws {
        let upstream = try await IntakeServer(grpc: true)
        let gateway = try await InProcessGateway.start(yaml: Self.config(endpoint: "http://\(upstream.grpcEndpoint)"), transports: .standardOnOwnThreads)
        let cases: [(code: String, retryDelay: Double?, retried: Bool)] = [
            ("CANCELLED", nil, true), ("DEADLINE_EXCEEDED", nil, true), ("ABORTED", nil, true), ("OUT_OF_RANGE", nil, true),
            ("UNAVAILABLE", nil, true), ("DATA_LOSS", nil, true), ("RESOURCE_EXHAUSTED", 0.2, true), ("UNAVAILABLE", 0.2, true),
            ("RESOURCE_EXHAUSTED", nil, false), ("INVALID_ARGUMENT", nil, false), ("PERMISSION_DENIED", nil, false),
            ("UNAUTHENTICATED", nil, false), ("INTERNAL", nil, false), ("UNIMPLEMENTED", nil, false), ("UNKNOWN", nil, false),
            ("FAILED_PRECONDITION", nil, false), ("NOT_FOUND", nil, false),
        ]
        var failedBefore = 0.0
        for (index, entry) in cases.enumerated() {
            let name = "case-\(index)"
            var step: [String: Any] = ["grpc_code": entry.code]
            if let delay = entry.retryDelay { step["retry_delay"] = delay }
            try await upstream.script([step])
            try await Self.postSpan(named: name, to: gateway)
            let failedLabels = ["exporter": "otlp/up", "signal": "traces"]
            let settled = await waitUntil(timeout: 15) {
                let calls = ((try? await upstream.received(path: "/v1/traces")) ?? []).filter { Self.spanNames($0) == [name] }
                if entry.retried { return calls.contains { $0["status"] as? Int == 200 } }
                let failed = gateway.selfMetric("telemetry_exporter_failed_exports_total", including: failedLabels)
                return !calls.isEmpty && (failed ?? 0) > failedBefore
            }
            #expect(settled, "\(entry.code) retry info \(String(describing: entry.retryDelay)): \(gateway.logText())")
            if !entry.retried { try await Task.sleep(for: .milliseconds(300)) }  // room for a retry that must not come
            let calls = try await upstream.received(path: "/v1/traces").filter { Self.spanNames($0) == [name] }
            #expect(calls.count == (entry.retried ? 2 : 1), "\(entry.code) retry info \(String(describing: entry.retryDelay))")
            if let delay = entry.retryDelay, calls.count == 2, let first = calls[0]["time"] as? Double, let second = calls[1]["time"] as? Double {
                #expect(second - first >= delay - 0.05, "RetryInfo's delay is honoured, not the 50 ms backoff")
            }
            failedBefore = gateway.selfMetric("telemetry_exporter_failed_exports_total", including: failedLabels) ?? 0
        }
        #expect(failedBefore == Double(cases.filter { !$0.retried }.count))
        let retries = gateway.selfMetric("telemetry_exporter_retries_total", including: ["exporter": "otlp/up", "signal": "traces"])
        #expect(retries == Double(cases.filter(\.retried).count))
        #expect(await gateway.stop())
    }

    @Test("A RetryInfo delay beyond the retry budget ends the retries at once; a partial success is logged and counted")
    func retryInfoBeyondBudgetAndPartialSuccess() async throws {
        let upstream = try await IntakeServer(grpc: true)
        let gateway = try await InProcessGateway.start(yaml: Self.config(endpoint: "http://\(upstream.grpcEndpoint)"), transports: .standardOnOwnThreads)
        try await upstream.script([["grpc_code": "UNAVAILABLE", "retry_delay": 3600]])
        try await Self.postSpan(named: "too-late", to: gateway)
        let labels = ["exporter": "otlp/up", "signal": "traces", "reason": "retry_after_beyond_budget"]
        let gaveUp = await waitUntil(timeout: 15) {
            gateway.selfMetric("telemetry_exporter_retries_exhausted_total", including: labels) == 1
        }
        #expect(gaveUp, "\(gateway.logText())")
        #expect(try await upstream.received(path: "/v1/traces").count == 1, "no second attempt")

        try await upstream.script([["partial": ["rejected": 3, "message": "three spans were bad"]]])
        try await Self.postSpan(named: "partly", to: gateway)
        let counted = await waitUntil(timeout: 15) {
            gateway.selfMetric("telemetry_exporter_rejected_items_total", including: ["exporter": "otlp/up", "signal": "traces"]) == 3
        }
        #expect(counted)
        #expect(gateway.logText().contains("rejected 3 spans: three spans were bad"))
        #expect(await gateway.stop())
    }

    @Test("gRPC exporter over mutual TLS: with the CA and its certificate it delivers; without the certificate, or in plaintext, it cannot")
    func grpcTLS() async throws {
        let certificates = try TestCertificates()
        let path = certificates.path
        let upstream = try await IntakeServer(grpc: true, tls: [path("server.pem"), path("server.key"), path("ca.pem")])
        let variants: [(endpoint: String, tls: String, delivers: Bool)] = [
            ("https://\(upstream.grpcEndpoint)", "{ca_file: \(path("ca.pem")), cert_file: \(path("client.pem")), key_file: \(path("client.key"))}", true),
            (upstream.grpcEndpoint, "{ca_file: \(path("ca.pem")), cert_file: \(path("client.pem")), key_file: \(path("client.key"))}", true),
            ("https://\(upstream.grpcEndpoint)", "{ca_file: \(path("ca.pem"))}", false),
            ("https://\(upstream.grpcEndpoint)", "{cert_file: \(path("client.pem")), key_file: \(path("client.key"))}", false),
            (upstream.grpcEndpoint, "{insecure: true}", false),
        ]
        for (index, variant) in variants.enumerated() {
            let yaml = Self.config(endpoint: variant.endpoint)
                .replacingOccurrences(of: "protocol: grpc", with: "protocol: grpc\n    tls: \(variant.tls)")
                .replacingOccurrences(of: "max_elapsed_time: 10s", with: "max_elapsed_time: 1s")
            let gateway = try await InProcessGateway.start(yaml: yaml, transports: .standardOnOwnThreads)
            try await Self.postSpan(named: "tls-\(index)", to: gateway)
            let settled = await waitUntil(timeout: 15) {
                if variant.delivers {
                    return ((try? await upstream.acceptedSpans()) ?? []).contains { $0.string("name") == "tls-\(index)" }
                }
                let failed = gateway.selfMetric("telemetry_exporter_failed_exports_total", including: ["signal": "traces"])
                return (failed ?? 0) >= 1
            }
            #expect(settled, "variant \(index): \(gateway.logText())")
            #expect(try await !upstream.acceptedSpans().contains { $0.string("name") == "tls-\(index)" } != variant.delivers)
            #expect(await gateway.stop())
        }
    }

    @Test("HTTP exporter over mutual TLS to Python's ssl: with the CA and its certificate it delivers; without the certificate it cannot")
    func httpTLS() async throws {
        let certificates = try TestCertificates()
        let path = certificates.path
        let upstream = try await IntakeServer(grpc: true, tls: [path("server.pem"), path("server.key"), path("ca.pem")])
        let httpsPort = try #require(upstream.httpsPort)
        for delivers in [true, false] {
            let client = delivers ? ", cert_file: \(path("client.pem")), key_file: \(path("client.key"))" : ""
            let gateway = try await InProcessGateway.start(yaml: """
                receivers:
                  otlp: {protocols: {http: {endpoint: 127.0.0.1:0}}}
                exporters:
                  otlphttp:
                    endpoint: https://127.0.0.1:\(httpsPort)
                    tls: {ca_file: \(path("ca.pem"))\(client)}
                    retry_on_failure: {initial_interval: 50ms, max_elapsed_time: 1s}
                service:
                  pipelines:
                    traces: {receivers: [otlp], exporters: [otlphttp]}
                  telemetry: {metrics: {level: none}}
                """, transports: .standardOnOwnThreads)
            try await Self.postSpan(named: "https-\(delivers)", to: gateway)
            let settled = await waitUntil(timeout: 15) {
                if delivers { return ((try? await upstream.acceptedSpans()) ?? []).contains { $0.string("name") == "https-true" } }
                let failed = gateway.selfMetric("telemetry_exporter_failed_exports_total", including: ["signal": "traces"])
                return (failed ?? 0) >= 1
            }
            #expect(settled, "\(gateway.logText())")
            #expect(try await !upstream.acceptedSpans().contains { $0.string("name") == "https-false" })
            #expect(await gateway.stop())
        }
    }
}
