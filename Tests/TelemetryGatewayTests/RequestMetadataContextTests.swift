import Foundation
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// `from_context` of the `attributes` and `resource` processors reads the request metadata a receiver
/// kept with `include_metadata` (the Collector's `internal/coreinternal/attraction`).
@Suite("Request metadata: from_context")
struct RequestMetadataContextTests {
    static func gateway(_ processors: String, list: String) throws -> InProcessGateway {
        try InProcessGateway(
            yaml: """
                receivers:
                  otlp: {protocols: {http: {endpoint: 127.0.0.1:0, include_metadata: true}}}
                processors:
                \(processors)
                exporters:
                  memory:
                service:
                  pipelines:
                    traces: {receivers: [otlp], processors: [\(list)], exporters: [memory]}
                  telemetry: {metrics: {level: none}}
                """)
    }

    static func post(_ gateway: InProcessGateway, _ headers: [(String, String)]) throws {
        let body = OTLPRequests.spans([(trace: TraceID.random(), name: "span", root: true, traceState: "")])
        let response = try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces", headers: headers)
        try #require(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
    }

    static func values(_ pairs: [OTLPKeyValue], _ keys: [String]) -> [String: OTLPValue] {
        Dictionary(pairs.filter { keys.contains($0.key) }.map { ($0.key, $0.value) }) { first, _ in first }
    }

    // internal/coreinternal/attraction/attraction_test.go, TestFromContext: metadata
    // {source_single_val: [single_val], source_multiple_val: [first_val, second_val]}; `source` → nothing,
    // a bare name or `metadata.<name>` → the values joined with ";". `auth.<name>` finds nothing here (the
    // Collector reads its authenticator's attributes; no authenticator is carried).
    @Test("TestFromContext's vectors: bare names and metadata.<name> read the headers (any case), several values joined with ';'")
    func fromContextVectors() throws {
        let gateway = try Self.gateway(
            """
              attributes:
                actions:
                  - {key: dest_source, from_context: source, action: insert}
                  - {key: dest_single, from_context: source_single_val, action: insert}
                  - {key: dest_multiple, from_context: source_multiple_val, action: insert}
                  - {key: dest_metadata, from_context: metadata.source_single_val, action: insert}
                  - {key: dest_case, from_context: metadata.SOURCE_SINGLE_VAL, action: upsert}
                  - {key: dest_auth, from_context: auth.source_auth_val, action: insert}
                  - {key: tenant_id, from_context: "metadata.tenant", default_value: "default-tenant", action: upsert}
            """, list: "attributes")
        defer { gateway.shutdown() }
        try Self.post(gateway, [("source_single_val", "single_val"), ("source_multiple_val", "first_val"), ("source_multiple_val", "second_val")])
        let attributes = try #require(try AttributesHarness(gateway: gateway).spanAttributes().first)
        #expect(Self.values(attributes, ["dest_source", "dest_single", "dest_multiple", "dest_metadata", "dest_case", "dest_auth", "tenant_id"]) == [
            "dest_single": .string("single_val"), "dest_multiple": .string("first_val;second_val"), "dest_metadata": .string("single_val"),
            "dest_case": .string("single_val"), "tenant_id": .string("default-tenant"),
        ])
    }

    @Test("resource from_context: the tenant header becomes a resource attribute")
    func resourceFromContext() throws {
        let gateway = try Self.gateway(
            "  resource: {attributes: [{key: tenant, from_context: metadata.x-tenant, action: upsert}]}", list: "resource")
        defer { gateway.shutdown() }
        try Self.post(gateway, [("X-Tenant", "acme")])
        try Self.post(gateway, [])
        let resources = try AttributesHarness(gateway: gateway).resourceAttributes(.traces)
        #expect(resources.map { Self.values($0, ["tenant"]) } == [["tenant": .string("acme")], [:]])
    }
}
