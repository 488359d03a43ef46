import Foundation

/// Row 6j: the load of row 6 through a `routing` connector that routes by the `X-Tenant` header (requests
/// alternate between tenants `a` and `b`) into three pipelines, each batching to its own OTLP/HTTP
/// exporter. Request routes decide on the headers alone, so requests are forwarded as received (no
/// decode). Row 6 (pass-through) runs right before it on the same machine, and the note gives the ratio.
enum GatewayRoutingScenario {
    static func run(gatewayBinary: String, receiver: DiscardServerProcess, seconds: Double = 10) throws -> ResultRow {
        let passThrough = try GatewayScenario.run(gatewayBinary: gatewayBinary, receiver: receiver, seconds: seconds)
        let load = try GatewayLoad()
        let pipelines = ["a", "b", "default"].map { name in
            "    traces/\(name): {receivers: [routing], processors: [batch], exporters: [otlphttp/\(name)]}"
        }
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
                    include_metadata: true
            processors:
              batch: {timeout: 200ms}
            exporters:
              otlphttp/a: {endpoint: \(receiver.endpoint)}
              otlphttp/b: {endpoint: \(receiver.endpoint)}
              otlphttp/default: {endpoint: \(receiver.endpoint)}
            connectors:
              routing:
                default_pipelines: [traces/default]
                table:
                  - {context: request, condition: 'request["X-Tenant"] == "a"', pipelines: [traces/a]}
                  - {context: request, condition: 'request["X-Tenant"] == "b"', pipelines: [traces/b]}
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [routing]}
            \(pipelines.joined(separator: "\n"))
              telemetry: {metrics: {level: none}}
            """
        let request = try GatewayScenario.encodedRequest(spans: 512)
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: [request, request], spansPerRequest: 512, seconds: seconds,
            requestHeaders: [[("X-Tenant", "a")], [("X-Tenant", "b")]])
        let perCore = Double(result.delivered) / max(result.gatewayCPU, 0.001)
        let baseline = passThrough.ours?.value ?? 0
        return ResultRow(
            scenario: "6j gateway OTLP/HTTP in → routing by a request header (X-Tenant, 2 tenants + default) → OTLP/HTTP out (spans per gateway CPU-second)",
            ours: Measurement(value: perCore, unit: "spans/s", allocationsPerOperation: nil),
            peers: [], goal: "≥ 250,000 spans per CPU-second; compare with row 6 (pass-through)", higherIsBetter: true,
            note: String(
                format: "accepted %d, delivered %d spans in %.0f s (4 clients, 512 a request); %.2f× the pass-through run just before (%.0f spans/s); gateway RSS peak %.0f MiB",
                result.accepted, result.delivered, seconds, baseline > 0 ? perCore / baseline : 0, baseline, result.rss / 1_048_576))
    }
}
