import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The `routing` connector inside a gateway: `connectors:` YAML, OTLP/HTTP in, `memory/<pipeline>` exporters out.
@Suite("routing connector: in process")
struct RoutingInProcessTests {
    static func yaml(receiver: String = "", _ routing: String, outputs: [String]) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
        \(receiver)
        exporters:
        \(outputs.map { "  memory/\($0.split(separator: "/").last ?? ""):" }.joined(separator: "\n"))
        connectors:
          routing:
        \(routing.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        service:
          telemetry: {metrics: {level: none}}
          pipelines:
            logs/in: {receivers: [otlp], exporters: [routing]}
        \(outputs.map { "    \($0): {receivers: [routing], exporters: [memory/\($0.split(separator: "/").last ?? "")]}" }.joined(separator: "\n"))
        """
    }

    static func post(_ json: String, to gateway: InProcessGateway, headers: [(String, String)] = []) throws -> Int {
        try OTLPRequests.post(Array(json.utf8), to: "\(gateway.url)/v1/logs", contentType: "application/json", headers: headers).status
    }

    @Test("README region example in a gateway: each pipeline gets its records; a refusal downstream reaches the client as 429")
    func regionAndRefusal() throws {
        let gateway = try InProcessGateway(
            yaml: Self.yaml(
                #"""
                default_pipelines: [logs/other]
                table:
                  - context: log
                    condition: attributes["region"] == "east"
                    pipelines: [logs/east]
                  - context: log
                    condition: attributes["region"] == "west"
                    pipelines: [logs/west]
                """#, outputs: ["logs/east", "logs/west", "logs/other"]))
        defer { _ = gateway.shutdown() }
        let json = RoutingHarness.logs([
            ([("service.name", "s")], [RoutingHarness.Log(body: "e", attributes: [("region", "east")]), RoutingHarness.Log(body: "w", attributes: [("region", "west")])]),
            ([], [RoutingHarness.Log(body: "n")]),
        ])
        #expect(try Self.post(json, to: gateway) == 200)
        #expect(gateway.memory.named("memory/east").itemCount(.logs) == 1)
        #expect(gateway.memory.named("memory/west").itemCount(.logs) == 1)
        #expect(gateway.memory.named("memory/other").itemCount(.logs) == 1)
        gateway.memory.named("memory/west").refuse(with: .retryLater(reason: "queue_full", "full; retry later"))
        #expect(try Self.post(json, to: gateway) == 429)
    }

    @Test("README tenant example over OTLP/HTTP (include_metadata): the X-Tenant header picks the pipeline, an unknown tenant the default")
    func tenantHeaders() throws {
        let gateway = try InProcessGateway(
            yaml: Self.yaml(receiver: "        include_metadata: true", RoutingConnectorTests.tenantSection, outputs: ["logs/acme", "logs/ecorp", "logs/other"]))
        defer { _ = gateway.shutdown() }
        let json = RoutingHarness.logs([([], [RoutingHarness.Log(body: "x")])])
        #expect(try Self.post(json, to: gateway, headers: [("X-Tenant", "acme")]) == 200)
        #expect(try Self.post(json, to: gateway, headers: [("x-tenant", "ecorp")]) == 200)
        #expect(try Self.post(json, to: gateway, headers: [("X-Tenant", "initech")]) == 200)
        #expect(gateway.memory.named("memory/acme").itemCount(.logs) == 1)
        #expect(gateway.memory.named("memory/ecorp").itemCount(.logs) == 1)
        #expect(gateway.memory.named("memory/other").itemCount(.logs) == 1)
        #expect(gateway.memory.named("memory/acme").metadata.first?["X-Tenant"] == ["acme"])
    }

    @Test("A pipeline named by the table that does not receive from the connector is a configuration error")
    func unknownPipeline() {
        let yaml = Self.yaml("table:\n  - condition: 'true'\n    pipelines: [logs/nowhere]", outputs: ["logs/a"])
        #expect(AttributesHarness.configError(yaml) != nil)
    }
}
