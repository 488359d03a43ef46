import Foundation
import Telemetry
import TelemetryConfig
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// Processors and the receiver's admission, in process: sampling per trace, the memory budget,
/// partial successes, and the accounting that ties them together.
@Suite("Gateway: pipeline behaviour")
struct PipelineBehaviorTests {
    static func yaml(processors: String, list: String) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
        processors:
        \(processors)
        exporters:
          memory:
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [\(list)], exporters: [memory]}
            metrics: {receivers: [otlp], processors: [], exporters: [memory]}
          telemetry: {metrics: {level: none}}
        """
    }

    private func spans(_ gateway: InProcessGateway) throws -> [(trace: TraceID?, name: String, traceState: String)] {
        try gateway.memory.payloads(.traces).flatMap { payload in
            try TracesView(payload).resourceSpans.flatMap { resource in
                resource.scopeSpans.flatMap { scope in scope.spans.map { ($0.traceID, $0.name, $0.traceState) } }
            }
        }
    }

    @Test("Rate limiting spends one token per trace and keeps whole traces, also for spans that arrive later")
    func rateLimitingPerTrace() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml(
            processors: "  sampler: {type: rate_limiting, traces_per_second: 1}", list: "sampler"))
        defer { gateway.shutdown() }
        let traces = (0..<3).map { _ in TraceID.random() }
        let first = OTLPRequests.spans(traces.flatMap { trace in
            [(trace, "root", true, ""), (trace, "child", false, ""), (trace, "child", false, "")]
        })
        #expect(try OTLPRequests.post(first, to: "\(gateway.url)/v1/traces").status == 200)
        let kept = Set(try spans(gateway).compactMap(\.trace))
        #expect(kept.count == 1, "one token, one trace")
        #expect(try spans(gateway).count == 3, "the kept trace is whole")
        // Later spans of every trace follow the decision made for it.
        let later = OTLPRequests.spans(traces.map { ($0, "late", false, "") })
        #expect(try OTLPRequests.post(later, to: "\(gateway.url)/v1/traces").status == 200)
        #expect(try spans(gateway).filter { $0.name == "late" }.compactMap(\.trace) == Array(kept))
        #expect(gateway.selfMetric(
            "telemetry_gateway_processor_dropped_items_total", ["processor": "sampler", "signal": "traces", "reason": "sampled_out"]) == 8)
    }

    @Test("Rules look at the trace's root span: a health-check trace is dropped whole, children included")
    func rulesPerTrace() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml(processors: """
              sampler:
                type: rules
                rules:
                  - name: GET /healthz
                    sampler: {type: always_off}
                default: {type: always_on}
            """, list: "sampler"))
        defer { gateway.shutdown() }
        let health = TraceID.random()
        let order = TraceID.random()
        let body = OTLPRequests.spans([
            (health, "db.query", false, ""), (health, "GET /healthz", true, ""), (order, "checkout", true, ""),
            (order, "db.query", false, ""),
        ])
        #expect(try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces").status == 200)
        #expect(Set(try spans(gateway).compactMap(\.trace)) == [order])
        #expect(try spans(gateway).count == 2)
    }

    @Test("probabilistic_sampler: decisions from the trace id or an incoming ot=rv; kept spans carry ot=th")
    func probabilistic() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml(
            processors: "  probabilistic_sampler: {sampling_percentage: 50}", list: "probabilistic_sampler"))
        defer { gateway.shutdown() }
        // Randomness below 2^55 is rejected at 50% (threshold 8 × 2^52); above it is kept.
        let low = TraceID(high: 1, low: 0x0000_0000_0000_0001)
        let high = TraceID(high: 1, low: 0x00FF_FFFF_FFFF_FFFF)
        let lowButRandom = TraceID(high: 2, low: 0x0000_0000_0000_0002)
        let body = OTLPRequests.spans([
            (low, "dropped", true, ""), (high, "kept", true, "vendor=x"), (lowButRandom, "kept by rv", true, "ot=rv:ffffffffffffff"),
        ])
        #expect(try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces").status == 200)
        let kept = try spans(gateway)
        #expect(Set(kept.map(\.name)) == ["kept", "kept by rv"])
        #expect(kept.first { $0.name == "kept" }?.traceState == "ot=th:8,vendor=x")
        #expect(kept.first { $0.name == "kept by rv" }?.traceState == "ot=th:8;rv:ffffffffffffff")
    }

    @Test("Above the memory limiter's budget requests get 429 with Retry-After and are counted as refused, not received")
    func memoryLimit() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml(
            processors: "  memory_limiter: {check_interval: 1s, limit_mib: 3, spike_limit_mib: 1}", list: "memory_limiter"))
        defer { gateway.shutdown() }
        var generator = SystemRandomNumberGenerator()
        var body: [UInt8] = []
        while body.count < 1_500_000 { body += try OTLPRequests.traces(count: 100, spansPerTrace: 5, using: &generator) }
        // The memory exporter keeps what it takes, but the payload's reservation goes when the request
        // ends: hold a large request in flight by sending all of its body but the last bytes (a body
        // holds what has arrived, not its declared length).
        let port = Int(gateway.url.split(separator: ":").last ?? "") ?? 0
        let slow = try RawConnection(port: port)
        slow.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n")
        slow.sendBytes(Array(body.dropLast(1000)))
        let held = Date().addingTimeInterval(10)
        while gateway.service.budget.usedBytes < body.count - 1000, Date() < held { Thread.sleep(forTimeInterval: 0.01) }
        let refused = try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces")
        #expect(refused.status == 429 && refused.header("Retry-After") == "1", "\(refused.status)")
        slow.sendBytes(Array(body.suffix(1000)))
        #expect(slow.readUntilClosed(timeout: 30).text.hasPrefix("HTTP/1.1 200"))
        // The reservation is returned as the finished request is released, just after its answer.
        let deadline = Date().addingTimeInterval(10)
        while gateway.service.budget.usedBytes > 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(gateway.service.budget.usedBytes == 0)
        #expect(try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces").status == 200, "the budget is back once the request is done")
        let received = gateway.selfMetric("telemetry_gateway_received_items_total", ["receiver": "otlp", "signal": "traces"]) ?? 0
        #expect(Int(received) == gateway.memory.itemCount(.traces), "a refused request is not counted as received")
        #expect(gateway.selfMetric("telemetry_gateway_requests_total", ["receiver": "otlp", "signal": "traces", "status": "429"]) == 1)
    }

    @Test("Malformed metric points are left out one by one and reported as a partial success; the rest goes on")
    func partialSuccess() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml(processors: "  batch:", list: "batch"))
        defer { gateway.shutdown() }
        let json = """
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
              {"name":"good","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asInt":"3","timeUnixNano":"2"}]}},
              {"name":"latency","histogram":{"aggregationTemporality":2,"dataPoints":[
                {"count":"2","sum":2,"bucketCounts":["1","1","0"],"explicitBounds":[1],"timeUnixNano":"2"},
                {"count":"2","sum":2,"bucketCounts":["1","1"],"explicitBounds":[1],"timeUnixNano":"2"}]}},
              {"name":"negative","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asDouble":-1,"timeUnixNano":"2"}]}}
            ]}]}]}
            """
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(gateway.url)/v1/metrics", contentType: "application/json")
        #expect(response.status == 200)
        let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let partial = answer?["partialSuccess"] as? [String: Any]
        #expect(partial?["rejectedDataPoints"] as? String == "2")
        #expect((partial?["errorMessage"] as? String)?.contains("3 bucket counts for 1 bounds") == true, "\(partial ?? [:])")
        #expect(gateway.memory.itemCount(.metrics) == 2)
        #expect(gateway.selfMetric("telemetry_gateway_rejected_items_total", ["receiver": "otlp", "signal": "metrics"]) == 2)
    }

    @Test("A metric with no data is reported as rejected but holds no point: the valid point beside it goes on, counted once")
    func metricWithoutData() throws {
        let gateway = try InProcessGateway(yaml: Self.yaml(processors: "  batch:", list: "batch"))
        defer { gateway.shutdown() }
        let json = """
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
              {"name":"good","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asInt":"3","timeUnixNano":"2"}]}},
              {"name":"empty"}
            ]}]}]}
            """
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(gateway.url)/v1/metrics", contentType: "application/json")
        #expect(response.status == 200)
        let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let partial = answer?["partialSuccess"] as? [String: Any]
        #expect(partial?["rejectedDataPoints"] as? String == "1")
        #expect(gateway.memory.itemCount(.metrics) == 1)
    }

    @Test("An empty bearer token, or one whose variable is set but empty, is a configuration error naming the key and line")
    func failClosed() {
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    bearer_token: ${TOKEN}
            exporters:
              debug:
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [debug]}
            """
        for environment in [["TOKEN": ""], ["TOKEN": "   "]] {
            do {
                _ = try GatewayConfiguration.parse(yaml: yaml, file: "gateway.yaml", environment: environment)
                Issue.record("an empty token was accepted")
            } catch {
                #expect(error.description.hasPrefix("gateway.yaml:5:"), "\(error)")
                #expect(error.path == "receivers.otlp.protocols.http.bearer_token" && error.message.contains("must not be empty"))
            }
        }
    }
}
