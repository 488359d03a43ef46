import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryTestSupport
import Testing

/// `tail_sampling` in a gateway process, fed by the official Python SDK, upstream decoded by the
/// official `opentelemetry-proto` (the Python intake server).
@Suite("Tail sampling with the official Python SDK", .serialized)
struct TailSamplingPeerTests {
    static let policies = """
        tail_sampling:
            decision_wait: 10s
            decision_wait_after_root_received: 500ms
            policies:
              - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
              - {name: slow, type: latency, latency: {threshold_ms: 500}}
              - {name: ten-percent, type: probabilistic, probabilistic: {sampling_percentage: 10}}
        """

    /// A tail-sampling gateway sending to `upstream`; `spawned` for a `GatewayProcess` (its port and
    /// self-metrics placeholders), else for an `InProcessGateway`.
    static func tailGateway(upstream: String, spawned: Bool = false) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:\(spawned ? "RECEIVER_PORT" : "0")
        processors:
          \(policies)
          batch: {timeout: 50ms}
        exporters:
          otlphttp:
            endpoint: \(upstream)
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [tail_sampling, batch], exporters: [otlphttp]}
          telemetry: {metrics: \(spawned ? "{address: \"127.0.0.1:TELEMETRY_PORT\"}" : "{level: none}")}
        """
    }

    /// The trace ids the Python peer sent, by kind (error, slow, normal).
    static func send(_ traces: Int, to endpoints: [String]) async throws -> [String: [String]] {
        let output = try await offCooperativePool {
            try TestPeers.runPython("otel_sdk_tail.py", [endpoints.joined(separator: ","), String(traces)], timeout: 120)
        }
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: [String]])
    }

    /// Whether the head sampler at `ratio` keeps `trace` (hex).
    static func headKeeps(_ trace: String, ratio: Double) -> Bool {
        guard let id = TraceID(hex: trace) else { return false }
        return Sampler.traceIDRatio(ratio).shouldSampleTrace(traceID: id, traceState: "") {
            SamplingParameters(parent: nil, traceID: id, name: "", kind: .internal, attributes: [:])
        }.decision.isSampled
    }

    /// Checks what arrived upstream: every error and slow trace whole, the others exactly those the head
    /// sampler keeps at 10%, whole, with their `th`; returns the spans by trace.
    static func checkArrivals(_ sent: [String: [String]], spans: [DecodedSpan]) -> [String: [DecodedSpan]] {
        let byTrace = Dictionary(grouping: spans) { $0.string("trace_id") ?? "" }
        let mustKeep = Set((sent["error"] ?? []) + (sent["slow"] ?? []))
        for trace in mustKeep { #expect(byTrace[trace]?.count == 3, "error or slow trace \(trace): \(byTrace[trace]?.count ?? 0) of 3 spans") }
        let normal = sent["normal"] ?? []
        let expected = Set(normal.filter { headKeeps($0, ratio: 0.1) })
        let keptNormal = Set(byTrace.keys).subtracting(mustKeep)
        #expect(keptNormal == expected, "normal traces kept: \(keptNormal.count), the head sampler keeps \(expected.count)")
        let tolerance = 5 * (Double(normal.count) * 0.1 * 0.9).squareRoot()
        #expect(abs(Double(keptNormal.count) - Double(normal.count) * 0.1) <= tolerance)
        #expect(byTrace.values.allSatisfy { $0.count == 3 }, "a trace was split")
        for trace in keptNormal {
            #expect(byTrace[trace]?.allSatisfy { $0.string("trace_state")?.hasPrefix("ot=th:e666") == true } == true)
        }
        return byTrace
    }

    @Test("All errors + latency > 500 ms + 10% of the rest, from the Python SDK: every error and slow trace arrives whole, the rest as the head sampler keeps them")
    func pythonSDK() async throws {
        let upstream = try await IntakeServer()
        let gateway = try InProcessGateway(yaml: Self.tailGateway(upstream: upstream.endpoint))
        let sent = try await Self.send(600, to: [gateway.url])
        #expect(sent["error"]?.count == 60 && sent["slow"]?.count == 60)
        let expectedSpans = 3 * (120 + (sent["normal"] ?? []).filter { Self.headKeeps($0, ratio: 0.1) }.count)
        let arrived = await waitUntil(timeout: 30) { ((try? await upstream.acceptedSpans()) ?? []).count >= expectedSpans }
        #expect(arrived, "gateway log: \(gateway.logText())")
        _ = Self.checkArrivals(sent, spans: try await upstream.acceptedSpans())
        let decisionsMetric = "telemetry_tail_sampling_decisions_total"
        #expect(gateway.selfMetric(decisionsMetric, including: ["policy": "errors", "decision": "sampled"]) == 60)
        #expect(gateway.selfMetric(decisionsMetric, including: ["policy": "slow", "decision": "sampled"]) == 60)
        #expect(gateway.shutdown())
    }
}

/// Two load-balancing gateways in front of three tail-sampling gateways, all separate processes (in one
/// test process, five gateways and the SDK's load starved each other when the whole suite ran on 2 cores).
@Suite("Tail sampling scaled out by trace id", .serialized)
struct TailSamplingScaleOutTests {
    static func frontGateway(tails: [GatewayProcess]) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:RECEIVER_PORT
        processors:
          batch: {timeout: 20ms}
        exporters:
          loadbalancing:
            routing_key: traceID
            protocol:
              otlp: {timeout: 5s, compression: gzip}
            resolver:
              static:
                hostnames: [\(tails.map { "127.0.0.1:\($0.port)" }.joined(separator: ", "))]
        service:
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [loadbalancing]}
          telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
        """
    }

    @Test("Spans of one trace sent to different front gateways: every trace is decided in exactly one tail gateway and arrives whole")
    func twoTiers() async throws {
        let upstream = try await IntakeServer()
        var tails: [GatewayProcess] = []
        for _ in 0..<3 { tails.append(try await GatewayProcess(yaml: TailSamplingPeerTests.tailGateway(upstream: upstream.endpoint, spawned: true))) }
        let fronts = [
            try await GatewayProcess(yaml: Self.frontGateway(tails: tails)), try await GatewayProcess(yaml: Self.frontGateway(tails: tails)),
        ]
        let sent = try await TailSamplingPeerTests.send(600, to: fronts.map(\.url))
        let traces = sent.values.reduce(0) { $0 + $1.count }
        let expectedSpans = 3 * (120 + (sent["normal"] ?? []).filter { TailSamplingPeerTests.headKeeps($0, ratio: 0.1) }.count)
        let arrived = await waitUntil(timeout: 30) { ((try? await upstream.acceptedSpans()) ?? []).count >= expectedSpans }
        #expect(arrived, "front log: \(fronts[0].logText())")
        _ = TailSamplingPeerTests.checkArrivals(sent, spans: try await upstream.acceptedSpans())
        // A trace buffered in two places would be counted as a new trace (a cache miss) in both.
        var started = 0.0
        for tail in tails {
            let owned = try await tail.selfMetric("telemetry_tail_sampling_decision_cache_lookups_total", labels: "result=\"miss\"") ?? 0
            #expect(owned > Double(traces) / 6, "each tail gateway owns a share of the traces")
            started += owned
        }
        #expect(started == Double(traces), "every trace decided in exactly one tail gateway")
        for gateway in fronts + tails { #expect(gateway.terminate() == 0) }
    }
}
