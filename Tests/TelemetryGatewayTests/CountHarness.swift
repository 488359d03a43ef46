import Logging
import Telemetry
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryYAML

@testable import TelemetryGatewayCore

/// A `count` connector built from the YAML of its section, feeding an in-memory exporter, and the
/// Collector's test inputs (connector/countconnector/testdata/{traces,metrics,logs}/input.yaml): four
/// resources (`resource.required: foo, resource.optional: bar`, `foo`/`notbar`, `notfoo`, none), each
/// item kind in four attribute variants (`<p>.required: foo, <p>.optional: bar`, `foo`/`notbar`,
/// `notfoo`, none).
struct CountHarness {
    let output = InMemoryExporter()
    let collector = MetricsCollector()
    let budget: MemoryBudget
    let consumer: any PayloadConsumer

    /// The Collector's test input timestamps (testdata/traces/input.yaml).
    static let spanStart: UInt64 = 1_581_452_772_000_000_321
    static let spanEnd: UInt64 = 1_581_452_773_000_000_789
    static let eventTime: UInt64 = 1_581_452_773_000_000_123

    /// A connector from `from` to metrics configured by `section`, reserving in a budget of `budgetBytes`.
    init(_ section: String, from: OTLPSignal, budgetBytes: Int = 256 << 20) throws {
        budget = MemoryBudget(limitBytes: budgetBytes)
        let node = try ConfigDocument.root(yaml: section, file: "count.yaml", environment: [:])
        let definition = try CountConnectorFactory.definition(node)
        guard let id = ComponentID("count") else { throw GatewayError("bad id") }
        let context = BuildContext(
            id: id, metrics: GatewaySelfMetrics(collector: collector), budget: budget, logger: Logger(label: "test"), transports: nil)
        let connector = try definition.build(context)
        guard let metricsID = ComponentID("metrics/out") else { throw GatewayError("bad id") }
        consumer = try connector.consumer(from: from, to: .metrics, outputs: [metricsID: output])
    }

    /// The error a section is refused with.
    static func configError(_ section: String) -> ConfigError? {
        do {
            _ = try CountSettings.parse(try ConfigDocument.root(yaml: section, file: "count.yaml", environment: [:]))
            return nil
        } catch {
            return error
        }
    }

    /// Counts `payload`, leased as a receiver would.
    func send(_ payload: OTLPPayload) throws(Refusal) {
        let lease = budget.reserve(payload.bytes.count + payload.decodedBytesEstimate)
        try consumer.consume(PipelineItem(payload: payload, lease: lease))
    }

    static let resources: [[(String, OTLPValue)]] = [
        [("resource.required", .string("foo")), ("resource.optional", .string("bar"))],
        [("resource.required", .string("foo")), ("resource.optional", .string("notbar"))],
        [("resource.required", .string("notfoo"))],
        [],
    ]

    static func variants(_ prefix: String) -> [[(String, OTLPValue)]] {
        [
            [("\(prefix).required", .string("foo")), ("\(prefix).optional", .string("bar"))],
            [("\(prefix).required", .string("foo")), ("\(prefix).optional", .string("notbar"))],
            [("\(prefix).required", .string("notfoo"))],
            [],
        ]
    }

    static func payload(_ json: String, _ signal: OTLPSignal) throws -> OTLPPayload {
        try OTLPPayload(json: Array(json.utf8), signal: signal, limits: DecodeLimits())
    }

    /// testdata/traces/input.yaml: four resources × four spans × four span events.
    static func collectorTraces() throws -> OTLPPayload {
        let events = variants("event").map { "{\"name\":\"e\",\"timeUnixNano\":\"\(eventTime)\",\"attributes\":\(AttributesHarness.json($0))}" }
        let spans = variants("span").map {
            "{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"0102030405060708\",\"name\":\"s\",\"startTimeUnixNano\":\"\(spanStart)\",\"endTimeUnixNano\":\"\(spanEnd)\",\"attributes\":\(AttributesHarness.json($0)),"
                + "\"events\":[\(events.joined(separator: ","))]}"
        }
        let groups = resources.map {
            "{\"resource\":{\"attributes\":\(AttributesHarness.json($0))},\"scopeSpans\":[{\"scope\":{},\"spans\":[\(spans.joined(separator: ","))]}]}"
        }
        return try payload("{\"resourceSpans\":[\(groups.joined(separator: ","))]}", .traces)
    }

    /// testdata/logs/input.yaml: four resources × four log records.
    static func collectorLogs() throws -> OTLPPayload {
        let records = variants("log").map { "{\"timeUnixNano\":\"\(eventTime)\",\"body\":{\"stringValue\":\"b\"},\"attributes\":\(AttributesHarness.json($0))}" }
        let groups = resources.map {
            "{\"resource\":{\"attributes\":\(AttributesHarness.json($0))},\"scopeLogs\":[{\"scope\":{},\"logRecords\":[\(records.joined(separator: ","))]}]}"
        }
        return try payload("{\"resourceLogs\":[\(groups.joined(separator: ","))]}", .logs)
    }

    /// testdata/metrics/input.yaml: four resources × six metrics (int gauge, double gauge, int sum, double
    /// sum, histogram, summary) × four data points.
    static func collectorMetrics() throws -> OTLPPayload {
        let attributes = variants("datapoint").map(AttributesHarness.json)
        let number = { (value: String) in
            "\"dataPoints\":[" + attributes.map { "{\"timeUnixNano\":\"\(eventTime)\",\(value),\"attributes\":\($0)}" }.joined(separator: ",") + "]"
        }
        let other = "\"dataPoints\":[" + attributes.map { "{\"timeUnixNano\":\"\(eventTime)\",\"count\":\"1\",\"sum\":1,\"attributes\":\($0)}" }.joined(separator: ",") + "]"
        let metrics = [
            "{\"name\":\"int.gauge\",\"gauge\":{\(number("\"asInt\":\"1\""))}}",
            "{\"name\":\"double.gauge\",\"gauge\":{\(number("\"asDouble\":1.5"))}}",
            "{\"name\":\"int.sum\",\"sum\":{\(number("\"asInt\":\"1\"")),\"aggregationTemporality\":2,\"isMonotonic\":true}}",
            "{\"name\":\"double.sum\",\"sum\":{\(number("\"asDouble\":1.5")),\"aggregationTemporality\":2}}",
            "{\"name\":\"histogram\",\"histogram\":{\(other),\"aggregationTemporality\":2}}",
            "{\"name\":\"summary\",\"summary\":{\(other)}}",
        ]
        let groups = resources.map {
            "{\"resource\":{\"attributes\":\(AttributesHarness.json($0))},\"scopeMetrics\":[{\"scope\":{},\"metrics\":[\(metrics.joined(separator: ","))]}]}"
        }
        return try payload("{\"resourceMetrics\":[\(groups.joined(separator: ","))]}", .metrics)
    }

    /// Every output data point as `<resource attributes> <metric>{<point attributes>} = <count>`, sorted
    /// (the Collector's tests compare ignoring resource, metric and point order).
    func points() throws -> [String] {
        try output.payloads(.metrics).flatMap { payload in try Self.points(EditableRequest(payload)) }.sorted()
    }

    static func points(_ request: EditableRequest) -> [String] {
        request.resourceMetrics.flatMap { group in
            let resource = text(group.resource.attributes.pairs)
            return group.scopeMetrics.flatMap { scope in
                scope.metrics.flatMap { metric in
                    metric.dataPoints.map { "\(resource) \(metric.name.value)\(text($0.attributes.pairs)) = \($0.valueInt ?? -1)" }
                }
            }
        }
    }

    static func text(_ pairs: [OTLPKeyValue]) -> String {
        "{" + pairs.map { pair in
            switch pair.value {
            case .string(let text): "\(pair.key)=\(text)"
            case .int(let number): "\(pair.key)=int:\(number)"
            case .double(let number): "\(pair.key)=double:\(number)"
            default: "\(pair.key)=?"
            }
        }.joined(separator: ",") + "}"
    }

    /// The four resources' texts, as `points()` writes them.
    static let resourceTexts = resources.map { text($0.map { OTLPKeyValue(key: $0.0, value: $0.1) }) }

    /// `lines` for each of the resources at `indices`: `<resource> <line>`, sorted.
    static func expected(_ lines: [String], resources indices: [Int] = [0, 1, 2, 3]) -> [String] {
        indices.flatMap { index in lines.map { "\(resourceTexts[index]) \($0)" } }.sorted()
    }
}
