import Foundation
import TelemetryTestSupport
import Testing

/// Issue 31's tenant path in the hostile-resource suite: every request carries a distinct 8 KiB
/// `X-Tenant` header, kept with its data (`include_metadata`), routed on it, batched per value and copied
/// into the outgoing `X-Scope-OrgID` by `headers_setter`. The metadata is charged to the request's lease
/// and `batch` caps the distinct values, so the gateway's peak RSS stays within the budget + 96 MiB and
/// the probe client is served throughout.
extension HostileResourceTests {
    static func tenantConfig(upstream: String) -> String {
        let routing = """
            connectors:
              routing:
                default_pipelines: [traces/shared]
                table:
                  - context: request
                    condition: request["X-Tenant"] == "a"
                    pipelines: [traces/a]
            extensions:
              headers_setter:
                headers: [{key: X-Scope-OrgID, from_context: X-Tenant}]

            """
        return routing + config(
            http: ", include_metadata: true",
            processors: "  batch: {timeout: 200ms, metadata_keys: [X-Tenant], metadata_cardinality_limit: 500}",
            exporters: "  otlphttp/up: {endpoint: \"\(upstream)\", auth: {authenticator: headers_setter}}",
            pipelines: [
                "traces: {receivers: [otlp], processors: [memory_limiter], exporters: [routing]}",
                "traces/a: {receivers: [routing], processors: [batch], exporters: [otlphttp/up]}",
                "traces/shared: {receivers: [routing], processors: [batch], exporters: [otlphttp/up]}",
            ]
        ).replacingOccurrences(of: "service:\n  pipelines:", with: "service:\n  extensions: [headers_setter]\n  pipelines:")
    }

    @Test("Issue 31: distinct 8 KiB X-Tenant values through routing, batch metadata_keys and headers_setter stay within the budget")
    func distinctTenantHeaders() async throws {
        let upstream = try await StubUpstream()
        let harness = try await HostileResourceHarness(
            limitMiB: HostileResourceHarness.standardLimitMiB, yaml: Self.tenantConfig(upstream: upstream.endpoint))
        let body = HostileShapes.traces(spans: (0..<500).map { HostileShapes.span(index: $0) })
        let url = "\(harness.gateway.url)/v1/traces"
        let answers = Collected<Int>()
        let report = await harness.run(attackers: 4, seconds: 8) { index, deadline in
            var request = 0
            while Date() < deadline {
                let tenant = "\(index)-\(request)-" + String(repeating: "t", count: 8 << 10)
                answers.add(HostileHTTP.post(body, to: url, timeout: 20, extraHeaders: [(name: "X-Tenant", value: tenant)]).status)
                request += 1
            }
        }
        Self.expectBounded(report, "distinct tenants (\(answers.values.count) requests)")
        // Accepted, refused for overload (429) or beyond the cardinality limit (400, the Collector's text).
        #expect(answers.values.contains(200) && answers.values.allSatisfy { [200, 400, 429].contains($0) }, "\(Set(answers.values))")
        #expect(try await upstream.received().requests > 0, "tenants' batches reach the upstream")
    }
}
