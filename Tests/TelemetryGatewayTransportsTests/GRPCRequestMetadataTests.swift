import Foundation
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryGatewayTransports
import TelemetryTestSupport
import Testing

/// `include_metadata` on the OTLP/gRPC receiver: the call's metadata goes with its data, as the
/// Collector's configgrpc keeps it (pseudo-headers left out, `:authority` as `host`; binary `-bin`
/// metadata left out here).
@Suite("OTLP/gRPC include_metadata", .serialized)
struct GRPCRequestMetadataTests {
    static func yaml(includeMetadata: Bool, processors: String = "[]") -> String {
        """
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 127.0.0.1:0, include_metadata: \(includeMetadata)}
        processors:
          batch/tenant: {metadata_keys: [x-tenant], timeout: 10ms}
        exporters:
          memory:
        service:
          pipelines:
            traces: {receivers: [otlp], processors: \(processors), exporters: [memory]}
          telemetry: {metrics: {level: none}}
        """
    }

    /// One grpcio Export call per entry of `metadata`; each call's status code.
    static func export(_ port: Int, metadata: [[(String, String)]]) async throws -> [String] {
        let body = OTLPRequests.spans([(trace: TraceID.random(), name: "tenant", root: true, traceState: "")])
        let input = try metadata.map { pairs in
            String(decoding: try JSONSerialization.data(withJSONObject: [
                "method": GRPCReceiverTests.traceExport, "body_hex": body.map { String(format: "%02x", $0) }.joined(),
                "metadata": pairs.map { [$0.0, $0.1] },
            ]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let output = try await offCooperativePool { try TestPeers.runPython("grpc_raw_call.py", ["127.0.0.1:\(port)"], input: input, timeout: 120) }
        try #require(output.status == 0, "grpc_raw_call failed: \(output.stderr)")
        return try output.stdout.split(separator: "\n").map { line in
            let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return result["code"] as? String ?? ""
        }
    }

    @Test("include_metadata: true keeps text metadata (every value, host from :authority), never pseudo-headers or -bin; false keeps none")
    func metadataKept() async throws {
        let gateway = try await InProcessGateway.start(yaml: Self.yaml(includeMetadata: true), transports: .standardOnOwnThreads)
        let port = try #require(gateway.grpcPort)
        let codes = try await Self.export(port, metadata: [[("x-tenant", "a"), ("x-tenant", "a2"), ("trace-bin", "\u{1}\u{2}")]])
        #expect(codes == ["OK"])
        let metadata = try #require(gateway.memory.metadata.first)
        #expect(metadata["x-tenant"] == ["a", "a2"])
        #expect(metadata["host"] == ["127.0.0.1:\(port)"])
        #expect(metadata["content-type"] == ["application/grpc"])
        #expect(!metadata.values.keys.contains { $0.hasPrefix(":") || $0.hasSuffix("-bin") }, "\(metadata.values.keys)")
        #expect(await gateway.stop())

        let without = try await InProcessGateway.start(yaml: Self.yaml(includeMetadata: false), transports: .standardOnOwnThreads)
        #expect(try await Self.export(try #require(without.grpcPort), metadata: [[("x-tenant", "a")]]) == ["OK"])
        #expect(without.memory.metadata == [.empty])
        #expect(await without.stop())
    }

    @Test("Two tenants over gRPC through batch with metadata_keys: each item keeps only its own tenant")
    func tenantsThroughBatch() async throws {
        let gateway = try await InProcessGateway.start(
            yaml: Self.yaml(includeMetadata: true, processors: "[batch/tenant]"), transports: .standardOnOwnThreads)
        let port = try #require(gateway.grpcPort)
        #expect(try await Self.export(port, metadata: [[("x-tenant", "a")], [("x-tenant", "b")]]) == ["OK", "OK"])
        #expect(gateway.memory.metadata.map(\.values) == [["x-tenant": ["a"]], ["x-tenant": ["b"]]])
        #expect(await gateway.stop())
    }
}
