import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The `count` connector in a running gateway, with the configurations of the Collector's README
/// (connector/countconnector/README.md), receivers and exporters renamed to `otlp` and `memory/<name>`.
@Suite("count connector: README examples through pipelines")
struct CountPipelineTests {
    static func gateway(connectors: String, pipelines: String, exporters: [String]) throws -> InProcessGateway {
        try InProcessGateway(
            yaml: """
                receivers:
                  otlp:
                    protocols: {http: {endpoint: "127.0.0.1:0"}}
                exporters:
                \(exporters.map { "  \($0):" }.joined(separator: "\n"))
                connectors:
                \(connectors.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
                service:
                  telemetry: {metrics: {level: none}}
                  pipelines:
                \(pipelines.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                """)
    }

    static func post(_ gateway: InProcessGateway, _ payload: OTLPPayload) throws -> Int {
        let path = payload.signal == .traces ? "traces" : payload.signal == .metrics ? "metrics" : "logs"
        return try OTLPRequests.post(payload.bytes, to: "\(gateway.url)/v1/\(path)", contentType: "application/x-protobuf").status
    }

    static func points(_ memory: InMemoryExporter) throws -> [String] {
        try memory.payloads(.metrics).flatMap { try CountHarness.points(EditableRequest($0)) }.sorted()
    }

    @Test("README 'Count spans and span events, exporting both the original traces and the count metrics': traces go on, counts reach the metrics backend")
    func tracesAndCounts() throws {
        let gateway = try Self.gateway(
            connectors: "count:", pipelines: """
                traces: {receivers: [otlp], exporters: [memory/traces_backend, count]}
                metrics: {receivers: [count], exporters: [memory/metrics_backend]}
                """, exporters: ["memory/traces_backend", "memory/metrics_backend"])
        defer { _ = gateway.shutdown() }
        #expect(try Self.post(gateway, CountHarness.collectorTraces()) == 200)
        #expect(gateway.memory.named("memory/traces_backend").itemCount(.traces) == 16)
        let counts = gateway.memory.named("memory/metrics_backend")
        #expect(try Self.points(counts) == CountHarness.expected(["trace.span.count{} = 4", "trace.span.event.count{} = 16"]))
    }

    @Test("README 'Count spans, span events, metrics, data points, and log records': each signal's defaults into one counts pipeline")
    func everySignal() throws {
        let gateway = try Self.gateway(
            connectors: "count:", pipelines: """
                traces: {receivers: [otlp], exporters: [memory/all_types, count]}
                metrics: {receivers: [otlp], exporters: [memory/all_types, count]}
                logs: {receivers: [otlp], exporters: [memory/all_types, count]}
                metrics/counts: {receivers: [count], exporters: [memory/counts_only]}
                """, exporters: ["memory/all_types", "memory/counts_only"])
        defer { _ = gateway.shutdown() }
        for payload in [try CountHarness.collectorTraces(), try CountHarness.collectorMetrics(), try CountHarness.collectorLogs()] {
            #expect(try Self.post(gateway, payload) == 200)
        }
        let expected = CountHarness.expected([
            "trace.span.count{} = 4", "trace.span.event.count{} = 16", "metric.count{} = 6", "metric.datapoint.count{} = 24", "log.record.count{} = 4",
        ])
        #expect(try Self.points(gateway.memory.named("memory/counts_only")) == expected)
        #expect(gateway.memory.named("memory/all_types").itemCount(.metrics) == 96, "the input metrics, not the counts")
    }

    @Test("README 'Count logs with a severity of ERROR or higher. Maintain a separate count for each environment.'")
    func errorLogsByEnvironment() throws {
        // The README writes the condition in backticks, which YAML does not allow to start a value; quoted here.
        let gateway = try Self.gateway(
            connectors: """
                count:
                  logs:
                    my.error.log.count:
                      description: Error+ logs.
                      conditions:
                        - 'severity_number >= SEVERITY_NUMBER_ERROR'
                      attributes:
                        - key: env
                """, pipelines: """
                logs: {receivers: [otlp], exporters: [count]}
                metrics: {receivers: [count], exporters: [memory]}
                """, exporters: ["memory"])
        defer { _ = gateway.shutdown() }
        let harness = AttributesHarness(gateway: gateway)
        try harness.send([
            AttributesHarness.Log(severityNumber: 17, attributes: [("env", .string("prod"))]),
            AttributesHarness.Log(severityNumber: 21, attributes: [("env", .string("prod"))]),
            AttributesHarness.Log(severityNumber: 9, attributes: [("env", .string("prod"))]),
            AttributesHarness.Log(severityNumber: 17, attributes: [("env", .string("test"))]),
            AttributesHarness.Log(severityNumber: 17),
        ])
        let points = try Self.points(gateway.memory).map { $0.replacingOccurrences(of: "{} ", with: "") }
        #expect(points == ["my.error.log.count{env=prod} = 1", "my.error.log.count{env=prod} = 1", "my.error.log.count{env=test} = 1"])
    }

    @Test("README 'Count logs from each environment' with default_value: records without env count as unspecified_environment")
    func defaultValue() throws {
        let gateway = try Self.gateway(
            connectors: """
                count:
                  logs:
                    my.log.count:
                      description: The number of logs from each environment.
                      attributes:
                        - key: env
                          default_value: unspecified_environment
                """, pipelines: """
                logs: {receivers: [otlp], exporters: [count]}
                metrics: {receivers: [count], exporters: [memory]}
                """, exporters: ["memory"])
        defer { _ = gateway.shutdown() }
        #expect(try Self.post(gateway, CountHarness.collectorLogs()) == 200)
        #expect(try Self.points(gateway.memory) == CountHarness.expected(["my.log.count{env=unspecified_environment} = 4"]))
    }

    @Test("A refusal of the counts pipeline reaches the client as 429, and a request that then succeeds is counted")
    func downstreamRefusal() throws {
        let gateway = try Self.gateway(
            connectors: "count:", pipelines: """
                traces: {receivers: [otlp], exporters: [count]}
                metrics: {receivers: [count], exporters: [memory]}
                """, exporters: ["memory"])
        defer { _ = gateway.shutdown() }
        gateway.memory.refuse(with: .retryLater(reason: "queue_full", "full"))
        #expect(try Self.post(gateway, CountHarness.collectorTraces()) == 429)
        gateway.memory.refuse(with: nil)
        #expect(try Self.post(gateway, CountHarness.collectorTraces()) == 200)
        #expect(gateway.memory.itemCount(.metrics) == 8)
    }

    @Test("A condition that fails (the Collector evaluates with propagate) refuses the request as invalid; beside an exporter that took it, it is a counted drop")
    func failingCondition() throws {
        let connectors = """
            count:
              spans:
                bad:
                  conditions: ['Len(attributes["n"]) > 1']
            """
        let alone = try Self.gateway(
            connectors: connectors, pipelines: """
                traces: {receivers: [otlp], exporters: [count]}
                metrics: {receivers: [count], exporters: [memory]}
                """, exporters: ["memory"])
        defer { _ = alone.shutdown() }
        let span = try CountHarness.payload(
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"s","attributes":[{"key":"n","value":{"intValue":"7"}}]}]}]}]}"#,
            .traces)
        #expect(try Self.post(alone, span) == 400)
        #expect(alone.memory.payloads.isEmpty)
        let beside = try Self.gateway(
            connectors: connectors, pipelines: """
                traces: {receivers: [otlp], exporters: [memory/traces, count]}
                metrics: {receivers: [count], exporters: [memory/counts]}
                """, exporters: ["memory/traces", "memory/counts"])
        defer { _ = beside.shutdown() }
        #expect(try Self.post(beside, span) == 200)
        #expect(beside.memory.named("memory/traces").itemCount(.traces) == 1)
        let dropped = beside.selfMetric("telemetry_gateway_processor_dropped_items_total", ["processor": "count", "signal": "traces", "reason": "error"])
        #expect(dropped == 1)
        #expect(beside.memory.named("memory/counts").payloads.isEmpty)
    }
}
