import Foundation

/// Row 6n: the load of row 6 through a `count` connector exported to beside the OTLP/HTTP exporter: every
/// request is also decoded and its spans counted — `trace.span.count` and a count per `http.method` of the
/// spans that have one — and the counts go out through a metrics pipeline. Compared with row 6
/// (pass-through) measured in the same run.
enum GatewayCountScenario {
    static func run(gatewayBinary: String, receiver: DiscardServerProcess, passThrough: Double?, seconds: Double = 10) throws -> ResultRow {
        let load = try GatewayLoad()
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              batch: {timeout: 200ms}
            connectors:
              count:
                spans:
                  trace.span.count:
                    description: The number of spans observed.
                  span.count.by_method:
                    conditions: ['attributes["http.method"] != nil']
                    attributes: [{key: http.method, default_value: unknown}]
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp, count]}
                metrics: {receivers: [count], processors: [batch], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: [try GatewayScenario.encodedRequest(spans: 512)],
            spansPerRequest: 512, seconds: seconds)
        let perCore = Double(result.delivered) / max(result.gatewayCPU, 0.001)
        let ratio = passThrough.map { String(format: "; %.0f%% of row 6 (pass-through) in this run", 100 * perCore / max($0, 1)) } ?? ""
        return ResultRow(
            scenario: "6n gateway OTLP/HTTP in → OTLP/HTTP out and count connector (2 span counts) → metrics pipeline (spans per gateway CPU-second)",
            ours: Measurement(value: perCore, unit: "spans/s", allocationsPerOperation: nil),
            peers: [], goal: "compare with row 6 (pass-through); RSS < 100 MiB", higherIsBetter: true,
            note: String(
                format: "accepted %d, delivered %d spans in %.0f s (4 clients, 512 a request); gateway RSS peak %.0f MiB",
                result.accepted, result.delivered, seconds, result.rss / 1_048_576) + ratio)
    }
}
