import Foundation
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryGatewayTransports
import TelemetryTestSupport
import Testing

/// The OTLP/gRPC receiver with the official Python SDK's gRPC exporters and raw grpcio calls, and TLS on both
/// receivers (an openssl-made CA, curl for HTTPS); upstream decoded by
/// the official `opentelemetry-proto`. The gateway runs in the test's process with the standard transports.
@Suite("OTLP/gRPC receiver, and TLS on both receivers", .serialized)
struct GRPCReceiverTests {
    static func config(upstream: String, token: String? = nil, maxMessageMiB: Int = 20) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
              grpc:
                endpoint: 127.0.0.1:0
                max_recv_msg_size_mib: \(maxMessageMiB)
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
          telemetry: {metrics: {level: none}}
        """
    }

    /// Has the Python SDK send its spans, metrics and logs to the gateway's gRPC port, and checks they all
    /// reach `upstream` (the two span ids the SDK reported, its counter, its log records).
    static func sendSDKSignals(to grpcPort: Int, compression: String, arrivingAt upstream: IntakeServer, gateway: InProcessGateway) async throws {
        let output = try await offCooperativePool { try TestPeers.runPython("otel_sdk_grpc.py", ["127.0.0.1:\(grpcPort)", compression], timeout: 60) }
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
    }

    @Test("Traces, metrics and logs over gRPC, plain and gzip, arrive upstream intact", arguments: ["none", "gzip"])
    func allSignals(compression: String) async throws {
        let upstream = try await IntakeServer()
        let gateway = try await InProcessGateway.start(yaml: Self.config(upstream: upstream.endpoint), transports: .standardOnOwnThreads)
        let grpcPort = try #require(gateway.grpcPort)
        try await Self.sendSDKSignals(to: grpcPort, compression: compression, arrivingAt: upstream, gateway: gateway)
        let spans = try await upstream.acceptedSpans()
        #expect(spans.allSatisfy { DecodedSpan.attributes($0.resource)["service.name"]?["string_value"] as? String == "python-grpc-service" })
        #expect(gateway.selfMetric("telemetry_gateway_requests_total", including: ["signal": "traces", "status": "OK"]) ?? 0 >= 1)
        #expect(await gateway.stop())
    }

    @Test("A bearer token is required when configured: a wrong one fails the export, the right one passes")
    func bearerToken() async throws {
        let upstream = try await IntakeServer()
        let gateway = try await InProcessGateway.start(yaml: Self.config(upstream: upstream.endpoint, token: "s3cret"), transports: .standardOnOwnThreads)
        let grpcPort = try #require(gateway.grpcPort)
        _ = try await offCooperativePool { try TestPeers.runPython("otel_sdk_grpc.py", ["127.0.0.1:\(grpcPort)", "none", "wrong"], timeout: 60) }
        #expect(gateway.selfMetric("telemetry_gateway_requests_total", including: ["signal": "traces", "status": "UNAUTHENTICATED"]) ?? 0 >= 1)
        let output = try await offCooperativePool { try TestPeers.runPython("otel_sdk_grpc.py", ["127.0.0.1:\(grpcPort)", "none", "s3cret"], timeout: 60) }
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        let arrived = await waitUntil(timeout: 15) { ((try? await upstream.acceptedSpans()) ?? []).count == 2 }
        #expect(arrived)
        #expect(!gateway.logText().contains("s3cret"), "the token is never logged")
        #expect(await gateway.stop())
    }

    /// Raw calls made by grpcio: each call's status code, details and RetryInfo delay.
    static func rawCalls(_ port: Int, _ calls: [(method: String, body: [UInt8])]) async throws -> [[String: Any]] {
        let input = try calls.map { call in
            String(decoding: try JSONSerialization.data(withJSONObject: [
                "method": call.method, "body_hex": call.body.map { String(format: "%02x", $0) }.joined(),
            ]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let output = try await offCooperativePool { try TestPeers.runPython("grpc_raw_call.py", ["127.0.0.1:\(port)"], input: input, timeout: 120) }
        try #require(output.status == 0, "grpc_raw_call failed: \(output.stderr)")
        return try output.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    static let traceExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

    @Test("Random bytes, a nesting bomb, an oversize message and an unknown method get their codes; the gateway keeps serving")
    func hostileCalls() async throws {
        let upstream = try await IntakeServer()
        let gateway = try await InProcessGateway.start(yaml: Self.config(upstream: upstream.endpoint, maxMessageMiB: 1), transports: .standardOnOwnThreads)
        let grpcPort = try #require(gateway.grpcPort)
        var generator = SystemRandomNumberGenerator()
        let valid = OTLPRequests.spans([(trace: TraceID.random(), name: "ok", root: true, traceState: "")])
        let results = try await Self.rawCalls(grpcPort, [
            (Self.traceExport, (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }),
            (Self.traceExport, OTLPRequests.nested(depth: 200)),
            (Self.traceExport, [UInt8](repeating: 0x0A, count: 2 << 20)),
            ("/opentelemetry.proto.collector.trace.v1.TraceService/Nope", valid),
            ("/opentelemetry.proto.collector.logs.v1.LogsService/Export", []),
            (Self.traceExport, valid),
        ])
        let codes = results.map { $0["code"] as? String ?? "" }
        #expect(codes[0..<2] == ["INVALID_ARGUMENT", "INVALID_ARGUMENT"] && codes[3...] == ["UNIMPLEMENTED", "OK", "OK"], "\(results)")
        // grpc-swift answers RESOURCE_EXHAUSTED and resets the stream the client is still sending on;
        // grpcio then reports the reset (CANCELLED). Either way the message is refused unread.
        #expect(["RESOURCE_EXHAUSTED", "CANCELLED"].contains(codes[2]), "\(results[2])")
        #expect((results[1]["details"] as? String ?? "").contains("nest"), "\(results[1])")
        let arrived = await waitUntil(timeout: 10) { ((try? await upstream.acceptedSpans()) ?? []).count == 1 }
        #expect(arrived, "only the valid span arrives")
        #expect(await gateway.stop())
    }

    @Test("Refused for overload: UNAVAILABLE with google.rpc.RetryInfo in grpc-status-details-bin (1 to 5 s)")
    func overloadCarriesRetryInfo() async throws {
        let upstream = try await IntakeServer()
        try await upstream.hold(true)
        let gateway = try await InProcessGateway.start(yaml: """
            receivers:
              otlp:
                protocols:
                  http: {endpoint: 127.0.0.1:0}
                  grpc: {endpoint: 127.0.0.1:0}
            exporters:
              otlphttp:
                endpoint: \(upstream.endpoint)
                sending_queue: {max_bytes: 8192}
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """, transports: .standardOnOwnThreads)
        let grpcPort = try #require(gateway.grpcPort)
        let spans = (0..<20).map { _ in (trace: TraceID.random(), name: String(repeating: "x", count: 100), root: true, traceState: "") }
        let results = try await Self.rawCalls(grpcPort, Array(repeating: (Self.traceExport, OTLPRequests.spans(spans)), count: 12))
        let unavailable = results.filter { $0["code"] as? String == "UNAVAILABLE" }
        #expect(!unavailable.isEmpty, "\(results)")
        for result in unavailable {
            let delay = result["retry_seconds"] as? Double ?? 0
            #expect((1...5).contains(delay), "\(result)")
        }
        try await upstream.hold(false)
        await gateway.stop(timeout: .seconds(1))
    }

    @Test("A gRPC client and an HTTP client at once: every span of every accepted request arrives, once")
    func grpcAndHTTPTogether() async throws {
        let upstream = try await IntakeServer()
        let gateway = try await InProcessGateway.start(yaml: Self.config(upstream: upstream.endpoint), transports: .standardOnOwnThreads)
        let grpcPort = try #require(gateway.grpcPort)
        func request(_ prefix: String, _ number: Int) -> [UInt8] {
            OTLPRequests.spans((0..<50).map { index in (trace: TraceID.random(), name: "\(prefix)-\(number)-\(index)", root: true, traceState: "") })
        }
        let grpcCalls = (0..<100).map { (Self.traceExport, request("grpc", $0)) }
        let httpRequests = (0..<100).map { request("http", $0) }
        let url = "\(gateway.url)/v1/traces"
        async let grpcOutcome = Self.rawCalls(grpcPort, grpcCalls).map { $0["code"] as? String ?? "" }
        let httpStatuses = try await offCooperativePool { try httpRequests.map { try OTLPRequests.post($0, to: url).status } }
        let grpcCodes = try await grpcOutcome
        let accepted = 50 * (grpcCodes.filter { $0 == "OK" }.count + httpStatuses.filter { $0 == 200 }.count)
        #expect(accepted == 10_000, "grpc \(Set(grpcCodes)), http \(Set(httpStatuses))")
        let arrived = await waitUntil(timeout: 30) { ((try? await upstream.acceptedSpans()) ?? []).count >= accepted }
        #expect(arrived)
        let names = try await upstream.acceptedSpans().compactMap { $0.string("name") }
        #expect(names.count == accepted && Set(names).count == accepted, "each span once")
        #expect(names.filter { $0.hasPrefix("grpc-") }.count == 5_000 && names.filter { $0.hasPrefix("http-") }.count == 5_000)
        #expect(await gateway.stop())
    }

    @Test("TLS and mutual TLS on the gRPC receiver: the SDK trusting the test CA gets through; without the client certificate mTLS refuses")
    func tls() async throws {
        let certificates = try TestCertificates()
        let path = certificates.path
        for mutual in [false, true] {
            let upstream = try await IntakeServer()
            let tls = "tls: {cert_file: \(path("server.pem")), key_file: \(path("server.key"))\(mutual ? ", client_ca_file: \(path("ca.pem"))" : "")}"
            let yaml = Self.config(upstream: upstream.endpoint)
                .replacingOccurrences(of: "max_recv_msg_size_mib: 20", with: "max_recv_msg_size_mib: 20\n        \(tls)")
            let gateway = try await InProcessGateway.start(yaml: yaml, transports: .standardOnOwnThreads)
            let grpcPort = try #require(gateway.grpcPort)
            func send(_ environment: [String]) async throws -> ProcessOutput {
                let python = try TestPeers.python()
                return try await offCooperativePool {
                    try runProcess(
                        "/usr/bin/env", environment + [python, TestPeers.script("otel_sdk_grpc.py"), "127.0.0.1:\(grpcPort)", "gzip"],
                        timeout: 60)
                }
            }
            let client = ["OTLP_CLIENT_CERT=\(path("client.pem"))", "OTLP_CLIENT_KEY=\(path("client.key"))"]
            if mutual {
                _ = try await send(["OTLP_CA_FILE=\(path("ca.pem"))"])
                #expect(try await upstream.acceptedSpans().isEmpty, "no client certificate, nothing accepted")
            }
            let output = try await send(["OTLP_CA_FILE=\(path("ca.pem"))"] + (mutual ? client : []))
            try #require(output.status == 0, "the SDK failed: \(output.stderr)")
            let arrived = await waitUntil(timeout: 15) { ((try? await upstream.acceptedSpans()) ?? []).count == 2 }
            #expect(arrived, "mutual \(mutual): \(gateway.logText())")
            #expect(await gateway.stop())
        }
    }

    @Test("TLS and mutual TLS on the HTTP receiver: curl trusting the test CA posts spans; mTLS refuses it without its certificate")
    func httpTLS() async throws {
        let certificates = try TestCertificates()
        let path = certificates.path
        let body = certificates.folder.appendingPathComponent("spans.bin")
        try Data(OTLPRequests.spans([(trace: TraceID.random(), name: "over-tls", root: true, traceState: "")])).write(to: body)
        for mutual in [false, true] {
            let upstream = try await IntakeServer()
            let tls = "tls: {cert_file: \(path("server.pem")), key_file: \(path("server.key"))\(mutual ? ", client_ca_file: \(path("ca.pem"))" : "")}"
            let gateway = try await InProcessGateway.start(yaml: """
                receivers:
                  otlp:
                    protocols:
                      http:
                        endpoint: 127.0.0.1:0
                        \(tls)
                exporters:
                  otlphttp: {endpoint: \(upstream.endpoint)}
                service:
                  pipelines:
                    traces: {receivers: [otlp], exporters: [otlphttp]}
                  telemetry: {metrics: {level: none}}
                """, transports: .standardOnOwnThreads)
            func post(_ extra: [String]) throws -> String {
                try runProcess("/usr/bin/curl", [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", path("ca.pem"), "-H", "Content-Type: application/x-protobuf",
                    "--data-binary", "@\(body.path)", "\(gateway.url)/v1/traces",
                ] + extra).stdout
            }
            if mutual { #expect(try post([]) == "000", "without a client certificate the handshake fails") }
            #expect(try post(mutual ? ["--cert", path("client.pem"), "--key", path("client.key")] : []) == "200")
            #expect(try runProcess("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(gateway.url.replacingOccurrences(of: "https:", with: "http:"))/healthz"]).stdout != "200", "no plaintext")
            let arrived = await waitUntil(timeout: 15) { ((try? await upstream.acceptedSpans()) ?? []).count == 1 }
            #expect(arrived)
            #expect(await gateway.stop())
        }
    }
}
