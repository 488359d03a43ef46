import Foundation

/// Row 6k: the load of row 6 (512-span requests, 10 span names) into the `spanmetrics` connector, whose
/// metrics pipeline exports to the same OTLP/HTTP receiver every second. Spans taken per gateway
/// CPU-second, and their ratio to row 6 (pass-through) of the same run.
enum SpanMetricsScenario {
    static func run(
        gatewayBinary: String, receiver: DiscardServerProcess, passThrough: Double?, seconds: Double = 10
    ) throws -> ResultRow {
        let load = try GatewayLoad()
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            connectors:
              spanmetrics:
                dimensions:
                  - name: http.method
                    default: GET
                  - name: http.status_code
                metrics_flush_interval: 1s
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [spanmetrics]}
                metrics: {receivers: [spanmetrics], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """
        let request = try GatewayScenario.encodedRequest(spans: 512)
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: [request], spansPerRequest: 512, seconds: seconds)
        let perCPUSecond = Double(result.accepted) / max(result.gatewayCPU, 0.001)
        let ratio = passThrough.map { String(format: "%.2f× row 6 (%.0f spans/s) of this run", perCPUSecond / max($0, 1), $0) } ?? "row 6 not run"
        return ResultRow(
            scenario: "6k gateway OTLP/HTTP in → spanmetrics connector → metrics OTLP/HTTP out (spans taken per gateway CPU-second)",
            ours: Measurement(value: perCPUSecond, unit: "spans/s", allocationsPerOperation: nil), peers: [],
            goal: "≥ 200,000 spans/s (the order of row 6)", higherIsBetter: true,
            note: String(
                format: "accepted %d spans in %.0f s (4 clients, 512 a request, 10 series), %d metrics delivered (calls and duration at each flush); %@; gateway RSS peak %.0f MiB",
                result.accepted, seconds, result.delivered, ratio, result.rss / 1_048_576))
    }
}
