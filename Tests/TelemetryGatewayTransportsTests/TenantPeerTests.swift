import Foundation
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryGatewayTransports
import TelemetryTestSupport
import Testing

/// Two tenants end to end (issue 31): the official Python SDK sends spans with `X-Tenant: a` / `b` (and an
/// unknown `c`) over OTLP/HTTP and OTLP/gRPC; the gateway keeps the header (`include_metadata`), the
/// `routing` connector picks the tenant's pipeline on `request["X-Tenant"]`, and `headers_setter` sets
/// `X-Scope-OrgID` on the outgoing request. Each tenant has its own upstream (Python intake servers that
/// record every request's headers): `a` over OTLP/HTTP, `b` over OTLP/gRPC, unknown tenants a default one.
@Suite("Two tenants through the gateway: routing by X-Tenant, X-Scope-OrgID set upstream", .serialized)
struct TenantPeerTests {
    /// The three upstreams: tenant a's (HTTP), tenant b's (gRPC), the default (HTTP).
    struct Upstreams {
        let a: IntakeServer
        let b: IntakeServer
        let other: IntakeServer

        static func start() async throws -> Upstreams {
            Upstreams(a: try await IntakeServer(), b: try await IntakeServer(grpc: true), other: try await IntakeServer())
        }
    }

    /// The gateway; with `diskQueue` (a folder) every exporter keeps its queue there.
    static func config(_ upstreams: Upstreams, diskQueue: String? = nil) -> String {
        let queue = diskQueue.map { "\n    sending_queue: {storage: disk, directory: \($0), fsync: never}" } ?? ""
        let retry = "\n    retry_on_failure: {initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 20s}"
        return """
            extensions:
              headers_setter/tenant:
                headers:
                  - {key: X-Scope-OrgID, action: upsert, from_context: X-Tenant}
            receivers:
              otlp:
                protocols:
                  http: {endpoint: 127.0.0.1:0, include_metadata: true}
                  grpc: {endpoint: 127.0.0.1:0, include_metadata: true}
            processors:
              batch: {timeout: 20ms, metadata_keys: [X-Tenant]}
            connectors:
              routing:
                default_pipelines: [traces/other]
                table:
                  - context: request
                    condition: request["X-Tenant"] == "a"
                    pipelines: [traces/a]
                  - context: request
                    condition: request["X-Tenant"] == "b"
                    pipelines: [traces/b]
            exporters:
              otlphttp/a:
                endpoint: \(upstreams.a.endpoint)
                auth: {authenticator: headers_setter/tenant}\(queue)\(retry)
              otlp/b:
                protocol: grpc
                endpoint: http://\(upstreams.b.grpcEndpoint)
                auth: {authenticator: headers_setter/tenant}\(queue)\(retry)
              otlphttp/other:
                endpoint: \(upstreams.other.endpoint)
                auth: {authenticator: headers_setter/tenant}\(queue)\(retry)
            service:
              extensions: [headers_setter/tenant]
              telemetry: {metrics: {level: none}}
              pipelines:
                traces/in: {receivers: [otlp], exporters: [routing]}
                traces/a: {receivers: [routing], processors: [batch], exporters: [otlphttp/a]}
                traces/b: {receivers: [routing], processors: [batch], exporters: [otlp/b]}
                traces/other: {receivers: [routing], processors: [batch], exporters: [otlphttp/other]}
            """
    }

    /// Sends two spans named `name-0`, `name-1` as `tenant` ("-": no header) with the SDK over `transport`.
    static func send(tenant: String, name: String, over transport: String, to gateway: InProcessGateway) async throws {
        let endpoint = transport == "http" ? gateway.url : (gateway.grpcTarget ?? "")
        let output = try await offCooperativePool {
            try TestPeers.runPython("otel_sdk_tenant.py", [transport, endpoint, tenant, name], timeout: 60)
        }
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(sent["ok"] as? Bool == true, "\(tenant) over \(transport): \(output.stdout)")
    }

    /// What reached `upstream`: each accepted trace request's span names and `x-scope-orgid` header.
    static func arrivals(_ upstream: IntakeServer) async throws -> [(names: [String], orgID: String?)] {
        try await upstream.received(path: "/v1/traces").filter { ($0["status"] as? Int ?? 200) == 200 }.map { entry in
            (GRPCExporterTests.spanNames(entry), (entry["headers"] as? [String: Any])?["x-scope-orgid"] as? String)
        }
    }

    /// Waits until each upstream has the spans it should, then checks it has only those, each request
    /// with its tenant's `X-Scope-OrgID`: `a`, `b`, and at the default upstream the unknown tenant's
    /// (`c`) or none for spans sent without a tenant (named `none-…`).
    static func expectDelivered(
        _ upstreams: Upstreams, a: Set<String>, b: Set<String>, other: Set<String>, gateway: InProcessGateway
    ) async throws {
        let expected: [(upstream: IntakeServer, names: Set<String>, label: String)] = [
            (upstreams.a, a, "a"), (upstreams.b, b, "b"), (upstreams.other, other, "other"),
        ]
        let arrived = await waitUntil(timeout: 30) {
            for entry in expected where !entry.names.isSubset(of: Set(((try? await arrivals(entry.upstream)) ?? []).flatMap(\.names))) {
                return false
            }
            return true
        }
        #expect(arrived, "gateway log: \(gateway.logText())")
        for (upstream, names, label) in expected {
            let requests = try await arrivals(upstream)
            #expect(Set(requests.flatMap(\.names)) == names, "upstream \(label) got only its tenant's spans")
            for request in requests {
                let tenant = request.names.first.map { String($0.prefix { $0 != "-" }) }
                let wanted = tenant == "none" ? nil : tenant
                #expect(request.orgID == wanted, "upstream \(label): \(request.names) sent with X-Scope-OrgID \(request.orgID ?? "none")")
                #expect(request.names.allSatisfy { $0.hasPrefix((tenant ?? "") + "-") }, "one tenant per request")
            }
        }
    }

    @Test("Tenants a and b reach only their own upstream with their X-Scope-OrgID; unknown and missing tenants the default",
          arguments: ["http", "grpc"])
    func tenantsApart(transport: String) async throws {
        let upstreams = try await Upstreams.start()
        let gateway = try await InProcessGateway.start(yaml: Self.config(upstreams), transports: .standardOnOwnThreads)
        try await Self.send(tenant: "a", name: "a", over: transport, to: gateway)
        try await Self.send(tenant: "b", name: "b", over: transport, to: gateway)
        try await Self.send(tenant: "c", name: "c", over: transport, to: gateway)
        try await Self.send(tenant: "-", name: "none", over: transport, to: gateway)
        try await Self.expectDelivered(upstreams, a: ["a-0", "a-1"], b: ["b-0", "b-1"], other: ["c-0", "c-1", "none-0", "none-1"], gateway: gateway)
        #expect(await gateway.stop())
    }

    @Test("Through disk queues and a gateway restart: upstreams down first, then up; each tenant's spans still reach only its upstream with its header")
    func diskQueueRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenants-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let upstreams = try await Upstreams.start()
        let yaml = Self.config(upstreams, diskQueue: folder)
        for upstream in [upstreams.a, upstreams.b, upstreams.other] { upstream.stop() }
        try await Self.queueWhileDown(yaml: yaml)
        for upstream in [upstreams.a, upstreams.b, upstreams.other] { try await upstream.start() }
        let second = try await InProcessGateway.start(yaml: yaml, transports: .standardOnOwnThreads)
        try await Self.expectDelivered(upstreams, a: ["a-0", "a-1"], b: ["b-0", "b-1"], other: ["c-0", "c-1"], gateway: second)
        #expect(await second.stop())
    }

    /// Runs a gateway while the upstreams are down, sends tenants a (HTTP), b (gRPC) and c (HTTP), and stops
    /// it: everything stays in the disk queues (whose locks go with the gateway when this returns).
    static func queueWhileDown(yaml: String) async throws {
        let gateway = try await InProcessGateway.start(yaml: yaml, transports: .standardOnOwnThreads)
        try await send(tenant: "a", name: "a", over: "http", to: gateway)
        try await send(tenant: "b", name: "b", over: "grpc", to: gateway)
        try await send(tenant: "c", name: "c", over: "http", to: gateway)
        #expect(await gateway.stop(timeout: .seconds(2)) == false, "nothing could be delivered")
    }
}
