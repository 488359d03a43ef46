import Foundation
import Telemetry
import TelemetryOTLP
import TelemetryOTLPData

/// Scenario 6d: the gateway with `tail_sampling` (all errors, latency > 500 ms, 10% of the rest), each
/// request 128 new traces of 4 spans (a root and three children; one trace in ten has an error, one in
/// ten a slow root), from a pool of 2,400 distinct requests (1.2 million spans, more than a run sends).
/// Traces wait 1 s after their root, so about a second of traffic is buffered; halfway through, the
/// buffer's self-metrics are read to relate memory to buffered spans.
enum TailSamplingScenario {
    static func run(gatewayBinary: String, receiver: DiscardServerProcess, seconds: Double = 10) throws -> ResultRow {
        let load = try GatewayLoad()
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              tail_sampling:
                decision_wait: 30s
                decision_wait_after_root_received: 1s
                maximum_buffered_bytes: 2147483648
                num_traces: 10000000
                policies:
                  - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
                  - {name: slow, type: latency, latency: {threshold_ms: 500}}
                  - {name: ten-percent, type: probabilistic, probabilistic: {sampling_percentage: 10}}
              batch: {timeout: 200ms}
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [tail_sampling, batch], exporters: [otlphttp]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """
        let requests = try (0..<2400).map { _ in try encodedRequest(traces: 128) }
        let spansPerRequest = 512
        var buffered: (bytes: Double, traces: Double) = (0, 0)
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: requests, spansPerRequest: spansPerRequest, seconds: seconds
        ) {
            buffered = (load.selfMetric("telemetry_tail_sampling_bytes_buffered") ?? 0, load.selfMetric("telemetry_tail_sampling_traces_buffered") ?? 0)
        }
        let perCore = Double(result.accepted) / max(result.gatewayCPU, 0.001)
        let encodedPerSpan = Double(requests[0].count) / Double(spansPerRequest)
        let bufferedSpans = buffered.traces * 4
        let bytesPerSpan = bufferedSpans > 0 ? buffered.bytes / bufferedSpans : 0
        return ResultRow(
            scenario: "6d gateway OTLP/HTTP in → tail sampling (errors, > 500 ms, 10%) → OTLP/HTTP out (spans in per gateway CPU-second)",
            ours: Measurement(value: perCore, unit: "spans/s", allocationsPerOperation: nil), peers: [],
            goal: "≥ 100,000 spans/s per core; ≤ 2× the encoded span size per buffered span", higherIsBetter: true,
            note: String(
                format: "accepted %d, delivered %d spans in %.0f s (distinct traces throughout); halfway %.0f spans buffered holding %.0f bytes each (%.2f× the %.0f encoded bytes per span; counted by the processor); gateway RSS peak %.0f MiB (%.0f bytes per buffered span, runtime and queues included)",
                result.accepted, result.delivered, seconds, bufferedSpans, bytesPerSpan, bytesPerSpan / encodedPerSpan, encodedPerSpan,
                result.rss / 1_048_576, bufferedSpans > 0 ? result.rss / bufferedSpans : 0))
    }

    /// `traces` traces of 4 spans: a root and three children, with HTTP attributes.
    static func encodedRequest(traces: Int) throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var data: [SpanData] = []
        for index in 0..<traces {
            let traceID = TraceID.random(using: &generator)
            let root = SpanContext(traceID: traceID, spanID: .random(using: &generator))
            let slow = index % 10 == 1
            data.append(SpanData(
                name: "GET /checkout", context: root, parent: nil, kind: .server, startTimeNanos: 1_000,
                endTimeNanos: slow ? 700_001_000 : 20_001_000, attributes: ["http.method": "GET", "http.status_code": 200]))
            for child in 0..<3 {
                data.append(SpanData(
                    name: "step-\(child)", context: SpanContext(traceID: traceID, spanID: .random(using: &generator)), parent: root,
                    kind: .internal, startTimeNanos: 2_000, endTimeNanos: 10_000_000, attributes: ["step": .int(child)],
                    status: TelemetrySpanStatus(code: index % 10 == 0 && child == 2 ? .error : .unset)))
            }
        }
        return OTLPTraceEncoder(resource: Resource(serviceName: "load")).encode(data)
    }
}
