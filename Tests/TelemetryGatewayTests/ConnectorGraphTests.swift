import Foundation
import Telemetry
import TelemetryConfig
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// A connector of the test's own: it hands each item, as it is, to every pipeline it feeds, and counts its
/// shutdowns (with what the pipelines it feeds had received by then).
private final class ForwardingConnector: GatewayConnector {
    let shutdowns = LockedValue([Int]())
    let memory: InMemoryExporter

    init(memory: InMemoryExporter) {
        self.memory = memory
    }

    func consumer(from: OTLPSignal, to: OTLPSignal, outputs: [ComponentID: any PayloadConsumer]) throws(GatewayError) -> any PayloadConsumer {
        FanoutConsumer(outputs.sorted { $0.key < $1.key }.map(\.value))
    }

    func shutdown() {
        let received = memory.payloads.count
        shutdowns.withLock { $0.append(received) }
    }
}

/// Connectors in the pipeline graph: the Collector's checks at load (both sides used with a supported signal
/// pair, named pipelines, no cycle), the printed graph, and the wiring (data crosses, refusals come back).
@Suite("Connector graph")
struct ConnectorGraphTests {
    private static let head = """
        receivers:
          otlp:
            protocols: {http: {endpoint: "127.0.0.1:0"}}
        exporters:
          memory:
          memory/out:
        connectors:
          forward:
          forward/other:
          tometrics:
        service:
          telemetry: {metrics: {level: none}}
          pipelines:

        """

    private static func definitions(_ connector: any GatewayConnector, named: [String: ComponentID] = [:]) -> [String: ConnectorDefinition] {
        let same = ConnectorDefinition(pairs: SignalPair.sameSignal) { _ in connector }
        let cross = ConnectorDefinition(pairs: [SignalPair(.traces, .metrics)]) { _ in connector }
        return ["forward": same, "tometrics": cross]
    }

    private func failure(_ pipelines: String) -> ConfigError? {
        do {
            _ = try InProcessGateway(
                yaml: Self.head + pipelines, connectors: Self.definitions(ForwardingConnector(memory: InMemoryExporter())))
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("not a configuration error: \(error)")
            return nil
        }
    }

    @Test("A connector used on one side only is a located error naming the pipeline and the pairs it connects")
    func oneSided() throws {
        let onlyExported = try #require(failure("    traces: {receivers: [otlp], exporters: [forward]}\n"))
        #expect(onlyExported.line == 14, "\(onlyExported)")
        #expect(onlyExported.message.contains("connector forward is used as an exporter of traces pipeline traces but as the receiver of no pipeline"))
        let onlyReceived = try #require(failure("    traces: {receivers: [forward], exporters: [memory]}\n"))
        #expect(onlyReceived.message.contains("connector forward is used as a receiver of traces pipeline traces but as the exporter of no pipeline"))
        // Both sides, but of a pair it does not connect (traces → logs).
        let wrongPair = try #require(
            failure("    traces: {receivers: [otlp], exporters: [forward]}\n    logs: {receivers: [forward], exporters: [memory]}\n"))
        #expect(wrongPair.message.contains("traces pipeline traces but as the receiver of no pipeline it can feed"), "\(wrongPair)")
        let crossWrongSide = try #require(failure("    metrics: {receivers: [otlp], exporters: [tometrics]}\n"))
        #expect(crossWrongSide.message == "tometrics cannot be used in a metrics pipeline", "\(crossWrongSide)")
    }

    @Test("Pipelines feeding each other through connectors are a cycle, refused at load")
    func cycle() throws {
        let error = try #require(
            failure(
                "    traces: {receivers: [otlp], exporters: [forward]}\n    traces/a: {receivers: [forward], exporters: [forward/other]}\n"
                    + "    traces/b: {receivers: [forward/other], exporters: [forward, memory]}\n"))
        #expect(error.message.contains("traces/a, traces/b feed each other through connectors (a cycle)"), "\(error)")
        #expect(!error.message.contains("traces,"))
    }

    @Test("An id both a connector and an exporter is refused: pipelines could not tell them apart")
    func sharedID() throws {
        let yaml = Self.head.replacingOccurrences(of: "  tometrics:\n", with: "  memory/out:\n") + "    traces: {receivers: [otlp], exporters: [memory]}\n"
        #expect(throws: ConfigError.self) {
            _ = try InProcessGateway(yaml: yaml, connectors: ["memory": ConnectorDefinition(pairs: SignalPair.sameSignal) { _ in ForwardingConnector(memory: InMemoryExporter()) }])
        }
    }

    @Test("The graph lists connectors on both sides, marked, with a line per connector; downstream pipelines come after")
    func graph() throws {
        let memory = InMemoryExporter()
        let gateway = try InProcessGateway(
            yaml: Self.head + "    traces/out: {receivers: [forward], exporters: [memory/out]}\n"
                + "    traces: {receivers: [otlp], exporters: [forward, memory]}\n    metrics: {receivers: [tometrics], exporters: [memory]}\n"
                + "    traces/x: {receivers: [otlp], exporters: [tometrics]}\n",
            memory: memory, connectors: Self.definitions(ForwardingConnector(memory: memory)))
        defer { _ = gateway.shutdown() }
        #expect(
            gateway.service.configuration.graph == """
                traces: otlp → forward (connector), memory
                traces/x: otlp → tometrics (connector)
                traces/out: forward (connector) → memory/out
                metrics: tometrics (connector) → memory
                connector forward: traces → traces/out
                connector tometrics: traces/x → metrics
                """)
        #expect(gateway.service.configuration.warnings.map(\.message) == ["connector forward/other is defined but used by no pipeline"])
    }

    @Test("Items cross a connector to the pipelines it feeds; a refusal there reaches the client as 429; it stops after its feeders")
    func wiring() throws {
        let memory = InMemoryExporter()
        let connector = ForwardingConnector(memory: memory)
        let gateway = try InProcessGateway(
            yaml: Self.head + "    traces: {receivers: [otlp], exporters: [forward]}\n    traces/out: {receivers: [forward], exporters: [memory/out]}\n",
            memory: memory, connectors: Self.definitions(connector))
        let body = OTLPRequests.spans([(trace: TraceID.random(), name: "crossing", root: true, traceState: "")])
        #expect(try OTLPRequests.post(body, to: gateway.url + "/v1/traces").status == 200)
        #expect(memory.named("memory/out").itemCount(.traces) == 1)
        memory.named("memory/out").refuse(with: Refusal.retryLater(reason: "queue_full", "full; retry later"))
        let refused = try OTLPRequests.post(body, to: gateway.url + "/v1/traces")
        #expect(refused.status == 429)
        #expect(memory.named("memory/out").itemCount(.traces) == 1)
        #expect(gateway.shutdown())
        #expect(connector.shutdowns.withLock { $0 } == [1])
    }
}
