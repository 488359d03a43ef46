import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryTestSupport
import Testing

/// The gateway in the test's process, except `validate`, which is the binary's command.
@Suite("telemetry-gateway refuses bad input and keeps serving")
struct GatewayInputTests {
    private static let yaml = """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
                max_request_body_size: 65536
        exporters:
          debug:
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [debug]}
            metrics: {receivers: [otlp], exporters: [debug]}
          telemetry: {metrics: {level: none}}
        """

    @Test("Truncated protobuf, random bytes, wrong content type, gzip bomb, oversize body, bad JSON: each its status")
    func badInputs() async throws {
        let gateway = try InProcessGateway(yaml: Self.yaml)
        let traces = "\(gateway.url)/v1/traces"
        var generator = SystemRandomNumberGenerator()
        let valid = try OTLPRequests.traces(count: 5, spansPerTrace: 2, using: &generator)
        let random = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 32 << 20))
        let cases: [(String, [UInt8], String, [(String, String)], Int)] = [
            ("truncated protobuf", Array(valid.prefix(valid.count - 7)), "application/x-protobuf", [], 400),
            ("random bytes", random, "application/x-protobuf", [], 400),
            ("wrong content type", valid, "text/plain", [], 415),
            ("unknown encoding", valid, "application/x-protobuf", [("Content-Encoding", "br")], 415),
            ("gzip bomb", bomb, "application/x-protobuf", [("Content-Encoding", "gzip")], 413),
            ("corrupt gzip", Array(Gzip.compress(valid).prefix(20)), "application/x-protobuf", [("Content-Encoding", "gzip")], 400),
            ("oversize body", [UInt8](repeating: 1, count: 100_000), "application/x-protobuf", [], 413),
            ("bad JSON", Array(#"{"resourceSpans": [ {"#.utf8), "application/json", [], 400),
            ("JSON of the wrong shape", Array(#"{"resourceSpans": 7}"#.utf8), "application/json", [], 400),
            ("valid protobuf", valid, "application/x-protobuf", [], 200),
            ("valid gzip", Gzip.compress(valid), "application/x-protobuf", [("Content-Encoding", "gzip")], 200),
        ]
        for (name, body, contentType, headers, status) in cases {
            let response = try OTLPRequests.post(body, to: traces, contentType: contentType, headers: headers)
            #expect(response.status == status, "\(name): got \(response.status)")
            #expect(try await httpRequest("\(gateway.url)/healthz").status == 200, "the gateway stopped serving after \(name)")
        }
        let json = try OTLPRequests.post(Array(#"{"resourceSpans": 7}"#.utf8), to: traces, contentType: "application/json")
        let error = try JSONSerialization.jsonObject(with: Data(json.body)) as? [String: Any]
        #expect(error?["code"] as? Int == 3)
        #expect((error?["message"] as? String)?.contains("resourceSpans") == true)
        #expect(try OTLPRequests.post(valid, to: "\(gateway.url)/v1/nothing").status == 404)
        #expect(try HTTPClient().send(HTTPRequest(method: "GET", url: traces)).status == 405)
        #expect(gateway.shutdown())
    }

    @Test("With a bearer token configured, requests without it get 401")
    func bearerToken() async throws {
        let gateway = try InProcessGateway(
            yaml: Self.yaml.replacingOccurrences(of: "max_request_body_size: 65536", with: "bearer_token: ${GATEWAY_TOKEN}"),
            environment: ["GATEWAY_TOKEN": "s3cret"])
        var generator = SystemRandomNumberGenerator()
        let valid = try OTLPRequests.traces(count: 1, spansPerTrace: 1, using: &generator)
        let url = "\(gateway.url)/v1/traces"
        let refused = try OTLPRequests.post(valid, to: url)
        #expect(refused.status == 401 && refused.header("WWW-Authenticate") == "Bearer")
        #expect(try OTLPRequests.post(valid, to: url, headers: [("Authorization", "Bearer wrong")]).status == 401)
        #expect(try OTLPRequests.post(valid, to: url, headers: [("Authorization", "Bearer s3cret")]).status == 200)
        #expect(!gateway.logText().contains("s3cret"))
        #expect(gateway.shutdown())
    }

    @Test("When every destination's queue is full the gateway answers 429 with Retry-After")
    func backpressure() async throws {
        let upstream = try await IntakeServer()
        try await upstream.hold(true)
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              batch: {timeout: 50ms}
            exporters:
              otlphttp:
                endpoint: \(upstream.endpoint)
                sending_queue: {max_bytes: 4096}
                timeout: 30s
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """)
        var generator = SystemRandomNumberGenerator()
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<40 {
            let response = try OTLPRequests.post(
                try OTLPRequests.traces(count: 10, spansPerTrace: 1, using: &generator), to: "\(gateway.url)/v1/traces")
            statuses.append(response.status)
            if response.status == 429, retryAfter == nil { retryAfter = response.header("Retry-After") }
        }
        #expect(statuses.contains(200) && statuses.contains(429), "\(statuses)")
        #expect(retryAfter == "1", "the first refusal of an overload advises one second")
        try await upstream.hold(false)
        gateway.shutdown(timeout: .milliseconds(200))
    }

    @Test("validate exits 0 for good files and 1 with a located message for bad ones; the embedded default matches Config/gateway.yaml")
    func validateCommand() throws {
        let binary = try GatewayProcess.binary()
        let good = try runProcess(binary, ["validate", "--config", TestPeers.packageRoot.appendingPathComponent("Config/gateway.yaml").path])
        #expect(good.status == 0 && good.stdout.contains("OK"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try "processors:\n  sometimes:\nexporters:\n  debug:\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let bad = try runProcess(binary, ["validate", "--config", file.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("\(file.path):2:13: processors.sometimes: unknown type \"sometimes\""), "\(bad.stderr)")
        #expect(good.stdout.contains("traces: otlp → memory_limiter → batch → debug"))
        let embedded = try runProcess(binary, ["print-default-config"])
        let shipped = try String(contentsOf: TestPeers.packageRoot.appendingPathComponent("Config/gateway.yaml"), encoding: .utf8)
        #expect(embedded.stdout == shipped)
        let missing = try runProcess(binary, ["run", "--config", "/nonexistent.yaml"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent.yaml"))
    }
}
