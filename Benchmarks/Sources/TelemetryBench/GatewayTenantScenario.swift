import Foundation

/// Row 6m: the load of row 6 from 4 tenants (`X-Tenant: tenant-0…3`, in turn) to a receiver with
/// `include_metadata: true`, through `batch` with `metadata_keys: [X-Tenant]`: every request's headers
/// are kept and charged, restricted to the tenant, and the exporter's queue sends one request per
/// tenant of each batch. Row 6o (`headersSetter`): the same, with the exporter's `headers_setter` setting
/// `X-Scope-OrgID` from each batch's `X-Tenant` on its outgoing request.
enum GatewayTenantScenario {
    static func run(gatewayBinary: String, receiver: DiscardServerProcess, headersSetter: Bool = false, seconds: Double = 10) throws -> ResultRow {
        let load = try GatewayLoad()
        let extensions = """
            extensions:
              headers_setter:
                headers: [{key: X-Scope-OrgID, action: upsert, from_context: X-Tenant}]

            """
        let yaml = (headersSetter ? extensions : "") + """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
                    include_metadata: true
            processors:
              batch: {timeout: 200ms, metadata_keys: [X-Tenant]}
            exporters:
              otlphttp:
                endpoint: \(receiver.endpoint)\(headersSetter ? "\n    auth: {authenticator: headers_setter}" : "")
            service:\(headersSetter ? "\n  extensions: [headers_setter]" : "")
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
              telemetry: {metrics: {level: none}}
            """
        let result = try load.run(
            gatewayBinary: gatewayBinary, yaml: yaml, receiver: receiver, requests: Array(repeating: try GatewayScenario.encodedRequest(spans: 512), count: 4),
            spansPerRequest: 512, seconds: seconds, requestHeaders: (0..<4).map { [("X-Tenant", "tenant-\($0)")] })
        return ResultRow(
            scenario: headersSetter
                ? "6o gateway OTLP/HTTP in, include_metadata, 4 tenants → batch metadata_keys → OTLP/HTTP out with headers_setter X-Scope-OrgID (spans per gateway CPU-second)"
                : "6m gateway OTLP/HTTP in, include_metadata, 4 tenants → batch metadata_keys → OTLP/HTTP out (spans per gateway CPU-second)",
            ours: Measurement(value: Double(result.delivered) / max(result.gatewayCPU, 0.001), unit: "spans/s", allocationsPerOperation: nil),
            peers: [], goal: "≥ 200,000 spans per CPU-second (the order of row 6), RSS as row 6's", higherIsBetter: true,
            note: String(
                format: "accepted %d, delivered %d spans in %.0f s (4 clients, 512 a request, 4 tenants); gateway RSS peak %.0f MiB",
                result.accepted, result.delivered, seconds, result.rss / 1_048_576))
    }
}
