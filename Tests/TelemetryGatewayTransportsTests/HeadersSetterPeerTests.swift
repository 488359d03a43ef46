import Foundation
import Logging
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryGatewayTransports
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData
import TelemetryTestSupport
import TelemetryYAML
import Testing

/// `headers_setter` on the OTLP/HTTP and OTLP/gRPC exporters against the Python intake server
/// (`Tests/Peers/intake_server.py`), which records each request's headers (HTTP) or call metadata (gRPC).
@Suite("headers_setter against a real OTLP peer", .serialized)
struct HeadersSetterPeerTests {
    /// Rules over configured headers: a tenant from the metadata (default `anonymous`), a configured
    /// header replaced, another deleted.
    static let rules = """
        headers:
          - {key: X-Scope-OrgID, action: insert, from_context: x-tenant, default_value: anonymous}
          - {key: X-Configured, action: upsert, value: replaced}
          - {key: Some-Header, action: delete}
        """
    static let configured = ["X-Configured": "original", "Some-Header": "s", "X-Kept": "k"]

    static func config(http: String, grpc: String) -> String {
        let indented = rules.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
        return """
            extensions:
              headers_setter:
            \(indented)
            receivers:
              otlp: {protocols: {http: {endpoint: 127.0.0.1:0}}}
            exporters:
              otlphttp/http:
                endpoint: \(http)
                headers: {X-Configured: original, Some-Header: s, X-Kept: k}
                auth: {authenticator: headers_setter}
              otlp/grpc:
                protocol: grpc
                endpoint: http://\(grpc)
                headers: {X-Configured: original, Some-Header: s, X-Kept: k}
                auth: {authenticator: headers_setter}
            service:
              extensions: [headers_setter]
              pipelines:
                traces: {receivers: [otlp], exporters: [otlphttp/http, otlp/grpc]}
              telemetry: {metrics: {level: none}}
            """
    }

    static func headers(_ entry: [String: Any]) -> [String: String] {
        (entry["headers"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
    }

    @Test("A gateway's HTTP and gRPC exporters send the default tenant, the replaced and the kept header, not the deleted one")
    func gatewayDefaults() async throws {
        let upstream = try await IntakeServer(grpc: true)
        let gateway = try await InProcessGateway.start(
            yaml: Self.config(http: upstream.endpoint, grpc: upstream.grpcEndpoint), transports: .standardOnOwnThreads)
        let body = OTLPRequests.spans([(trace: TraceID.random(), name: "s", root: true, traceState: "")])
        let url = "\(gateway.url)/v1/traces"
        #expect(try await offCooperativePool { try OTLPRequests.post(body, to: url).status } == 200)
        let arrived = await waitUntil(timeout: 10) { ((try? await upstream.received(path: "/v1/traces")) ?? []).count >= 2 }
        #expect(arrived, "\(gateway.logText())")
        let entries = try await upstream.received(path: "/v1/traces")
        #expect(Set(entries.map { $0["transport"] as? String ?? "http" }) == ["grpc", "http"])
        for entry in entries {
            let headers = Self.headers(entry)
            #expect(headers["x-scope-orgid"] == "anonymous" && headers["x-configured"] == "replaced" && headers["x-kept"] == "k", "\(headers)")
            #expect(headers["some-header"] == nil)
        }
        #expect(await gateway.stop())
    }

    @Test("Each batch's metadata sets its own tenant, over HTTP and over gRPC")
    func perBatchMetadata() async throws {
        let upstream = try await IntakeServer(grpc: true)
        let collector = MetricsCollector()
        let node = try ConfigDocument.root(yaml: Self.rules, file: "rules.yaml", environment: [:])
        let outgoing = OutgoingHeaders(try HeadersSetterSettings.parse(node), configured: Self.configured, exporter: "otlp/up", collector: collector)
        let target = OTLPExporter.Target(
            url: "\(upstream.endpoint)/v1/traces", compression: .none, gzipLevel: 1, timeout: .seconds(5), tls: ClientTLS(), headers: Self.configured)
        let http = OTLPHTTPSender(
            signal: .traces, target: target, selfMetrics: ExporterSelfMetrics(exporter: "otlp/up", signal: "traces", collector: collector),
            log: RateLimitedLogger(logger: Logger(label: "test")))
        let grpcSettings = OTLPGRPCClientSettings(
            host: "127.0.0.1", port: upstream.grpcPort ?? 0, plaintext: true, headers: Self.configured, gzip: false, timeout: .seconds(5))
        let grpc = try GatewayTransports.standardOnOwnThreads.grpcSender(grpcSettings, .traces, "otlp/up", collector, Logger(label: "test"))
        let body = OTLPRequests.spans([(trace: TraceID.random(), name: "s", root: true, traceState: "")])
        for tenant in ["a", "b"] {
            let extra = outgoing.overrides(for: RequestMetadata([(name: "X-Tenant", value: tenant)]))
            for sender in [http, grpc] as [any EncodedRequestSender] {
                let delivered = try await offCooperativePool { () -> Bool in
                    if case .final(.success) = sender.attempt(body, extraHeaders: extra) { return true }
                    return false
                }
                #expect(delivered, "tenant \(tenant)")
            }
        }
        grpc.shutdown()
        let entries = try await upstream.received(path: "/v1/traces")
        let seen = entries.map { "\($0["transport"] as? String ?? "http"):\(Self.headers($0)["x-scope-orgid"] ?? "-")" }
        #expect(seen == ["http:a", "grpc:a", "http:b", "grpc:b"])
        #expect(entries.allSatisfy { Self.headers($0)["some-header"] == nil && Self.headers($0)["x-configured"] == "replaced" })
    }
}
