import Foundation

/// Rows 6h and 6i: the load of row 6 (and of row 6f, for logs) through the editing processors —
/// `attributes` (3 actions), `filter` (1 condition), `transform` (2 statements) and `redaction` (1
/// blocked value) — before `batch`: the run of editing processors decodes each request once, edits it
/// in place and encodes it once. Every span gains an attribute and has one hashed, one renamed by a regex, one routed by
/// a condition; the filter and the redaction match nothing (their cost is the scan).
enum GatewayEditScenario {
    static func run(gatewayBinary: String, receiver: DiscardServerProcess, logs: Bool, seconds: Double = 10) throws -> ResultRow {
        let load = try GatewayLoad()
        let (context, prefix, signal) = logs ? ("log", "log", "logs") : ("span", "span", "traces")
        let filter = logs ? "logs: {log_record: ['IsMatch(body, \"^healthcheck\")']}" : "traces: {span: ['attributes[\"http.method\"] == \"OPTIONS\"']}"
        let renamed = logs ? "log.body" : "span.name"
        let yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            processors:
              attributes:
                actions:
                  - {key: deployment.environment, value: prod, action: upsert}
                  - {key: user.id, action: hash}
                  - {key: internal.debug, action: delete}
              filter:
                error_mode: ignore
                \(filter)
              transform:
                error_mode: ignore
                \(context == "log" ? "log_statements" : "trace_statements"):
                  - set(\(prefix).attributes["http.route"], "/orders/{id}") where \(prefix).attributes["http.method"] == "GET"
                  - replace_pattern(\(renamed), "^(request|order)-?", "op ")
              redaction:
                allow_all_keys: true
                blocked_values: ['4[0-9]{12}(?:[0-9]{3})?']
              batch: {timeout: 200ms}
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)
            service:
              pipelines:
                \(signal): {receivers: [otlp], processors: [attributes, filter, transform, redaction, batch], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """
        let request = logs ? GatewayScenario.encodedLogsRequest(records: 512) : try GatewayScenario.encodedRequest(spans: 512)
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: [request], spansPerRequest: 512, seconds: seconds,
            path: logs ? "/v1/logs" : "/v1/traces")
        let unit = logs ? "records" : "spans"
        return ResultRow(
            scenario: logs
                ? "6i gateway OTLP/HTTP logs in → attributes, filter, transform, redaction → OTLP/HTTP out (log records per gateway CPU-second)"
                : "6h gateway OTLP/HTTP in → attributes, filter, transform, redaction → OTLP/HTTP out (spans per gateway CPU-second)",
            ours: Measurement(value: Double(result.delivered) / max(result.gatewayCPU, 0.001), unit: "\(unit)/s", allocationsPerOperation: nil),
            peers: [], goal: "≥ 150,000 \(unit) per CPU-second (half of row \(logs ? "6f" : "6")), RSS < 100 MiB", higherIsBetter: true,
            note: String(
                format: "accepted %d, delivered %d %@ in %.0f s (4 clients, 512 a request); gateway RSS peak %.0f MiB",
                result.accepted, result.delivered, unit, seconds, result.rss / 1_048_576))
    }
}
