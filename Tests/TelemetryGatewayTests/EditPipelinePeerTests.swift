import Foundation
import TelemetryConfig
import TelemetryGatewayCore
import TelemetryTestSupport
import Testing

/// Config/examples/edit-and-redact.yaml run by the spawned binary between the official Python SDK
/// (`Tests/Peers/otel_sdk_edit.py`) and an upstream that decodes what it gets with `opentelemetry-proto`
/// (`IntakeServer`): the upstream sees exactly the edited data, and the filter's drops are counted.
@Suite("Editing pipeline with the Python SDK and an opentelemetry-proto upstream")
struct EditPipelinePeerTests {
    static let examplePath = TestPeers.packageRoot.appendingPathComponent("Config/examples/edit-and-redact.yaml").path

    /// An attribute map as `key → "type:value"` (`"int_value:503"`), so whole maps compare exactly.
    static func attributes(_ object: [String: Any]) -> [String: String] {
        DecodedSpan.attributes(object).mapValues { value in
            value.map { "\($0.key):\($0.value)" }.sorted().joined(separator: ",")
        }
    }

    @Test("The example's pipelines: every editing processor in traces and logs, resource, filter and redaction in metrics")
    func exampleGraph() throws {
        let configuration = try GatewayConfiguration.load(path: Self.examplePath, environment: [:])
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.graph == """
            traces: otlp → memory_limiter → resource → filter → attributes/personal-data → transform → redaction → batch → otlphttp/upstream
            metrics: otlp → memory_limiter → resource → filter → redaction → batch → otlphttp/upstream
            logs: otlp → memory_limiter → resource → filter → attributes/personal-data → transform → redaction → batch → otlphttp/upstream
            """)
    }

    @Test("Traces, metrics and logs from the SDK arrive edited as the example says, the rest as sent; drops are counted")
    func sdkThroughTheExample() async throws {
        let upstream = try await IntakeServer()
        let yaml = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
            .replacingOccurrences(of: "0.0.0.0:4318", with: "127.0.0.1:RECEIVER_PORT")
            .replacingOccurrences(of: "0.0.0.0:4317", with: "127.0.0.1:\(try freeLoopbackPort())")
            .replacingOccurrences(of: "0.0.0.0:8888", with: "127.0.0.1:TELEMETRY_PORT")
        let gateway = try await GatewayProcess(yaml: yaml, environment: ["UPSTREAM_OTLP_URL": upstream.endpoint])
        let output = try TestPeers.runPython("otel_sdk_edit.py", [gateway.url], timeout: 60)
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let arrived = await waitUntil(timeout: 20) {
            let spans = (try? await upstream.acceptedSpans().count) ?? 0
            let logs = (try? await upstream.acceptedLogRecords().count) ?? 0
            let metrics = (try? await upstream.acceptedMetrics().count) ?? 0
            return spans >= 2 && logs >= 3 && metrics >= 2
        }
        #expect(arrived, "gateway log: \(gateway.logText())")

        try await checkResources(upstream, sent: sent)
        try await checkSpans(upstream, sent: sent)
        try await checkLogs(upstream, sent: sent)
        try await checkMetrics(upstream)

        let dropped = "telemetry_gateway_processor_dropped_items_total"
        for (signal, count) in [("traces", 1.0), ("metrics", 2.0), ("logs", 1.0)] {
            #expect(try await gateway.selfMetric(dropped, labels: "processor=\"filter\",signal=\"\(signal)\",reason=\"filtered\"") == count, "\(signal)")
        }
        for processor in ["resource", "attributes/personal-data", "transform", "redaction"] {
            #expect(try await gateway.selfMetric(dropped, labels: "processor=\"\(processor)\"") == nil, "\(processor) dropped nothing")
        }
        #expect(gateway.terminate() == 0, "graceful shutdown: \(gateway.logText())")
    }

    /// Every resource of every signal: the SDK's service keys kept, the environment inserted, the other
    /// keys the SDK sent (`telemetry.sdk.*`, `service.instance.id`) removed and counted.
    private func checkResources(_ upstream: IntakeServer, sent: [String: Any]) async throws {
        let sentKeys = sent["resource_keys"] as? [String] ?? []
        #expect(sentKeys.contains("telemetry.sdk.name"))
        let expected = [
            "service.name": "string_value:checkout", "service.version": "string_value:1.4.2",
            "deployment.environment": "string_value:production",
            "redaction.redacted.count": "int_value:\(sentKeys.filter { !["service.name", "service.version"].contains($0) }.count)",
        ]
        let resources = try await upstream.acceptedSpans().map(\.resource) + upstream.acceptedLogRecords().map(\.resource)
            + upstream.acceptedMetrics().map(\.resource)
        #expect(resources.count == 2 + 3 + 2)
        for resource in resources {
            #expect(Self.attributes(resource) == expected)
        }
    }

    /// The health check span is gone; the server span is renamed, marked as an error, its e-mail hashed,
    /// token deleted, URL split, user agent truncated, session id removed and card number masked; its
    /// child arrives as sent.
    private func checkSpans(_ upstream: IntakeServer, sent: [String: Any]) async throws {
        let spans = try await upstream.acceptedSpans()
        let sentSpans = sent["spans"] as? [[String: Any]] ?? []
        try #require(sentSpans.count == 3)
        #expect(spans.count == 2)
        #expect(!spans.contains { $0.string("span_id") == sentSpans[0]["span_id"] as? String }, "the health check was filtered")
        for expected in sentSpans.dropFirst() {
            let span = try #require(spans.first { $0.string("span_id") == expected["span_id"] as? String })
            #expect(span.string("trace_id") == expected["trace_id"] as? String)
            #expect(span.string("parent_span_id") == expected["parent_span_id"] as? String)
            #expect(span.string("start_time_unix_nano") == (expected["start"] as? Int).map(String.init))
            #expect(span.string("end_time_unix_nano") == (expected["end"] as? Int).map(String.init))
            #expect(span.scope["name"] as? String == "checkout")
        }
        let cart = try #require(spans.first { $0.string("span_id") == sentSpans[1]["span_id"] as? String })
        #expect(cart.string("name") == "GET /cart/{id}")
        #expect(cart.string("kind") == "SPAN_KIND_SERVER")
        #expect(cart.fields["status"] as? [String: String] == ["code": "STATUS_CODE_ERROR"])
        #expect(Self.attributes(cart.fields) == [
            "http.request.method": "string_value:GET", "http.route": "string_value:/cart/{id}",
            "http.url": "string_value:https://shop.example.com/cart/42?card=****",
            "http.response.status_code": "int_value:503",
            "user.email": "string_value:\(sent["email_sha256"] as? String ?? "")",
            "user_agent.original": "string_value:Mozilla/5.0 " + String(repeating: "x", count: 256 - 12),
            "url_scheme": "string_value:https", "server_address": "string_value:shop.example.com", "url_path": "string_value:/cart/42",
            "redaction.redacted.count": "int_value:1", "redaction.masked.count": "int_value:1",
        ])
        let query = try #require(spans.first { $0.string("span_id") == sentSpans[2]["span_id"] as? String })
        #expect(query.string("name") == "SELECT orders")
        #expect(query.string("kind") == "SPAN_KIND_CLIENT")
        #expect((query.fields["status"] as? [String: Any])?.isEmpty == true)
        #expect(Self.attributes(query.fields) == ["db.system": "string_value:postgresql"])
        #expect(Set(query.fields.keys) == [
            "trace_id", "span_id", "parent_span_id", "name", "kind", "start_time_unix_nano", "end_time_unix_nano", "attributes",
            "status", "flags",
        ], "nothing added to the untouched span")
    }

    /// The debug record is gone; the INFO one has its e-mail hashed, token deleted and session id removed;
    /// the one without severity gets ERROR from its body and its card number masked; the WARN one's
    /// password is replaced.
    private func checkLogs(_ upstream: IntakeServer, sent: [String: Any]) async throws {
        let records = try await upstream.acceptedLogRecords()
        let sentRecords = sent["logs"] as? [[String: Any]] ?? []
        try #require(sentRecords.count == 4)
        #expect(records.count == 3)
        #expect(records.map { $0.string("time_unix_nano") } == sentRecords.dropFirst().map { ($0["time"] as? Int).map(String.init) })
        #expect(records.map { (($0.fields["body"] as? [String: Any])?["string_value"] as? String) ?? "" } == [
            "login ok", "ERROR payment declined for card ****", "login retry password=*** for ada",
        ])
        #expect(records.map { $0.string("severity_number") ?? "" } == ["SEVERITY_NUMBER_INFO", "SEVERITY_NUMBER_ERROR", "SEVERITY_NUMBER_WARN"])
        #expect(records.map { $0.string("severity_text") ?? "" } == ["INFO", "ERROR", "WARN"])
        try #require(records.count == 3)
        #expect(Self.attributes(records[0].fields) == [
            "user.email": "string_value:\(sent["email_sha256"] as? String ?? "")", "redaction.redacted.count": "int_value:1",
        ])
        #expect(Self.attributes(records[1].fields) == ["order.id": "int_value:42", "redaction.body.masked.count": "int_value:1"])
        #expect(Set(records[2].fields.keys) == ["time_unix_nano", "observed_time_unix_nano", "severity_number", "severity_text", "body"],
            "no attributes added to the WARN record")
    }

    /// The health check histogram (its only point filtered) is gone, the counter keeps its other point;
    /// values and point attributes as sent.
    private func checkMetrics(_ upstream: IntakeServer) async throws {
        let metrics = try await upstream.acceptedMetrics()
        #expect(metrics.map(\.name) == ["orders.processed", "http.server.requests"])
        func points(_ name: String) -> [[String: Any]] {
            metrics.filter { $0.name == name }.flatMap { ($0.fields["sum"] as? [String: Any])?["data_points"] as? [[String: Any]] ?? [] }
        }
        #expect(points("orders.processed").map { $0["as_int"] as? String } == ["7"])
        #expect(points("orders.processed").map { Self.attributes($0) } == [["region": "string_value:eu"]])
        #expect(points("http.server.requests").map { $0["as_int"] as? String } == ["5"])
        #expect(points("http.server.requests").map { Self.attributes($0) } == [["http.route": "string_value:/cart/{id}"]])
    }
}
