import Foundation
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// `include_metadata` on the OTLP/HTTP receiver, the metadata through processors, and `batch` with
/// `metadata_keys` / `metadata_cardinality_limit` (the Collector's processor/batchprocessor semantics).
@Suite("Request metadata: include_metadata, processors, batch metadata_keys")
struct RequestMetadataTests {
    static func gateway(
        includeMetadata: Bool = true, processors: String = "", list: String = "", signals: [String] = ["traces", "logs"]
    ) throws -> InProcessGateway {
        try InProcessGateway(
            yaml: """
                receivers:
                  otlp:
                    protocols:
                      http:
                        endpoint: 127.0.0.1:0
                        include_metadata: \(includeMetadata)
                processors:
                  \(processors.isEmpty ? "memory_limiter: {limit_mib: 512}" : processors)
                exporters:
                  memory:
                service:
                  pipelines:
                \(signals.map { "    \($0): {receivers: [otlp], processors: [\(list)], exporters: [memory]}" }.joined(separator: "\n"))
                  telemetry: {metrics: {level: none}}
                """)
    }

    /// Posts one trace request with `headers`; the response status.
    static func post(_ gateway: InProcessGateway, _ headers: [(String, String)]) throws -> HTTPResponseSummary {
        var generator = SystemRandomNumberGenerator()
        let response = try OTLPRequests.post(
            try OTLPRequests.traces(count: 1, spansPerTrace: 2, using: &generator), to: "\(gateway.url)/v1/traces", headers: headers)
        return HTTPResponseSummary(status: response.status, body: String(decoding: response.body, as: UTF8.self))
    }

    struct HTTPResponseSummary {
        let status: Int
        let body: String
    }

    @Test("include_metadata: true keeps the request's headers (names lower-cased, every value, host) with its data; false keeps none")
    func httpHeadersKept() throws {
        let gateway = try Self.gateway()
        defer { gateway.shutdown() }
        #expect(try Self.post(gateway, [("X-Tenant", "a"), ("X-Multi", "1"), ("x-multi", "2")]).status == 200)
        let metadata = try #require(gateway.memory.metadata.first)
        #expect(metadata["x-tenant"] == ["a"])
        #expect(metadata["X-TENANT"] == ["a"])
        #expect(metadata["x-multi"] == ["1", "2"])
        #expect(metadata["host"].count == 1)
        #expect(metadata["content-type"] == ["application/x-protobuf"])

        let without = try Self.gateway(includeMetadata: false)
        defer { without.shutdown() }
        #expect(try Self.post(without, [("X-Tenant", "a")]).status == 200)
        #expect(without.memory.metadata == [.empty])
    }

    @Test("The metadata goes through editing, filtering and sampling processors unchanged")
    func throughProcessors() throws {
        let gateway = try Self.gateway(
            processors: """
                attributes: {actions: [{key: edited, value: "yes", action: insert}]}
                  resource: {attributes: [{key: deployment, value: test, action: upsert}]}
                  transform: {trace_statements: ['set(span.attributes["t"], "1")']}
                  filter: {traces: {span: ['attributes["drop"] == true']}}
                  probabilistic_sampler: {sampling_percentage: 100}
                """,
            list: "attributes, resource, transform, filter, probabilistic_sampler", signals: ["traces"])
        defer { gateway.shutdown() }
        #expect(try Self.post(gateway, [("X-Tenant", "b")]).status == 200)
        #expect(gateway.memory.itemCount(.traces) == 2)
        #expect(gateway.memory.metadata.map { $0["x-tenant"] } == [["b"]])
    }

    @Test("batch with metadata_keys keeps only those names; batch without them drops the metadata (as the Collector's shards)")
    func batchRestrictsMetadata() throws {
        let keyed = try Self.gateway(processors: "batch: {metadata_keys: [X-Tenant]}", list: "batch")
        defer { keyed.shutdown() }
        #expect(try Self.post(keyed, [("X-Tenant", "a"), ("X-Other", "o")]).status == 200)
        #expect(try Self.post(keyed, [("X-Other", "o")]).status == 200)
        #expect(keyed.memory.metadata.map(\.values) == [["x-tenant": ["a"]], [:]])

        let plain = try Self.gateway(processors: "batch: {}", list: "batch")
        defer { plain.shutdown() }
        #expect(try Self.post(plain, [("X-Tenant", "a")]).status == 200)
        #expect(plain.memory.metadata == [.empty])
    }

    @Test("metadata_cardinality_limit: a combination beyond the limit is refused for good (400, the Collector's text) and counted; known ones still pass")
    func cardinalityLimit() throws {
        let gateway = try Self.gateway(processors: "batch: {metadata_keys: [x-tenant], metadata_cardinality_limit: 2}", list: "batch")
        defer { gateway.shutdown() }
        #expect(try Self.post(gateway, [("X-Tenant", "a")]).status == 200)
        #expect(try Self.post(gateway, [("X-Tenant", "b")]).status == 200)
        let refused = try Self.post(gateway, [("X-Tenant", "c")])
        #expect(refused.status == 400)
        #expect(refused.body.contains("too many batcher metadata-value combinations"))
        // Unset metadata is one more distinct combination, as in the Collector.
        #expect(try Self.post(gateway, []).status == 400)
        #expect(try Self.post(gateway, [("X-Tenant", "a")]).status == 200)
        #expect(gateway.memory.itemCount(.traces) == 6)
        #expect(gateway.selfMetric("telemetry_gateway_refused_items_total", including: ["reason": "metadata_cardinality"]) == 4)
    }

    @Test("metadata_keys listed twice (in any case) is refused with the Collector's text; include_metadata must be a bool")
    func configurationErrors() throws {
        #expect(throws: (any Error).self) { try Self.gateway(processors: "batch: {metadata_keys: [tenant, Tenant]}", list: "batch") }
        do {
            _ = try Self.gateway(processors: "batch: {metadata_keys: [tenant, Tenant]}", list: "batch")
        } catch {
            #expect("\(error)".contains(#"duplicate entry in metadata_keys: "tenant" (case-insensitive)"#))
        }
        #expect(throws: (any Error).self) {
            try InProcessGateway(
                yaml: """
                    receivers: {otlp: {protocols: {http: {endpoint: 127.0.0.1:0, include_metadata: maybe}}}}
                    exporters: {memory: }
                    service: {pipelines: {traces: {receivers: [otlp], exporters: [memory]}}}
                    """)
        }
    }
}
