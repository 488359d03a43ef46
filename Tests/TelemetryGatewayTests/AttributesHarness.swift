import Foundation
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import TelemetryYAML
import Testing

/// An in-process gateway whose traces, metrics and logs pipelines run the given processors, fed with
/// OTLP/JSON built from small descriptions and read back, decoded, from the `memory` exporter.
struct AttributesHarness {
    let gateway: InProcessGateway

    /// A span in its own resource (`service.name` = `service` unless nil) and scope.
    struct Span {
        var name = "span"
        var service: String? = nil
        var kind = 1
        var attributes: [(String, OTLPValue)] = []
        var resource: [(String, OTLPValue)] = []
        var scope = "scope"
        var scopeVersion = ""
    }

    /// A log record in its own resource and scope.
    struct Log {
        var body: OTLPValue = .string("body")
        var severityText = ""
        var severityNumber = 0
        var attributes: [(String, OTLPValue)] = []
        var resource: [(String, OTLPValue)] = []
    }

    /// A gauge in its own resource, with one int point per attribute set.
    struct Metric {
        var name = "metric"
        var points: [[(String, OTLPValue)]] = [[]]
        var resource: [(String, OTLPValue)] = []
    }

    /// A harness over a gateway started elsewhere.
    init(gateway: InProcessGateway) {
        self.gateway = gateway
    }

    /// A gateway with `processors` (YAML under `processors:`, indented by two) in each of `pipelines`,
    /// in the order `list` gives.
    init(_ processors: String, list: String, pipelines: [String] = ["traces", "metrics", "logs"]) throws {
        gateway = try InProcessGateway(yaml: Self.yaml(processors, list: list, pipelines: pipelines))
    }

    static func yaml(_ processors: String, list: String, pipelines: [String] = ["traces", "metrics", "logs"]) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
        processors:
        \(processors)
        exporters:
          memory:
        service:
          pipelines:
        \(pipelines.map { "    \($0): {receivers: [otlp], processors: [\(list)], exporters: [memory]}" }.joined(separator: "\n"))
          telemetry: {metrics: {level: none}}
        """
    }

    /// The configuration error of `yaml`, nil when it is valid.
    static func configError(_ yaml: String) -> ConfigError? {
        do {
            _ = try GatewayConfiguration.parse(
                yaml: yaml, file: "test.yaml", environment: [:], factories: .standard.adding(exporter: "memory", InMemoryExporter()))
            return nil
        } catch {
            return error
        }
    }

    // MARK: Sending

    /// Sends `spans` as one OTLP/JSON request; fails the test unless it is answered 200.
    func send(_ spans: [Span]) throws {
        let groups = spans.map { span in
            let resource = (span.service.map { [("service.name", OTLPValue.string($0))] } ?? []) + span.resource
            return """
                \(Self.resource(resource))"scopeSpans":[{"scope":{"name":\(Self.quoted(span.scope)),"version":\(Self.quoted(span.scopeVersion))},\
                "spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":\(Self.quoted(span.name)),"kind":\(span.kind),\
                "startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":\(Self.json(span.attributes))}]}]}
                """
        }
        try post("traces", "{\"resourceSpans\":[\(groups.joined(separator: ","))]}")
    }

    /// Sends `logs` as one OTLP/JSON request.
    func send(_ logs: [Log]) throws {
        let groups = logs.map { log in
            """
            \(Self.resource(log.resource))"scopeLogs":[{"scope":{"name":"scope"},"logRecords":[{"timeUnixNano":"1",\
            "severityNumber":\(log.severityNumber),"severityText":\(Self.quoted(log.severityText)),"body":\(Self.json(log.body)),\
            "attributes":\(Self.json(log.attributes))}]}]}
            """
        }
        try post("logs", "{\"resourceLogs\":[\(groups.joined(separator: ","))]}")
    }

    /// Sends `metrics` as one OTLP/JSON request.
    func send(_ metrics: [Metric]) throws {
        let groups = metrics.map { metric in
            let points = metric.points.map { "{\"asInt\":\"1\",\"timeUnixNano\":\"2\",\"attributes\":\(Self.json($0))}" }
            return """
                \(Self.resource(metric.resource))"scopeMetrics":[{"scope":{"name":"scope"},"metrics":[{"name":\(Self.quoted(metric.name)),\
                "gauge":{"dataPoints":[\(points.joined(separator: ","))]}}]}]}
                """
        }
        try post("metrics", "{\"resourceMetrics\":[\(groups.joined(separator: ","))]}")
    }

    private func post(_ path: String, _ json: String) throws {
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(gateway.url)/v1/\(path)", contentType: "application/json")
        try #require(response.status == 200, "\(path): \(String(decoding: response.body, as: UTF8.self))")
    }

    // MARK: Reading back

    /// The attributes of every span exported, in order.
    func spanAttributes() throws -> [[OTLPKeyValue]] {
        try requests(.traces).flatMap { request in
            request.resourceSpans.flatMap { resource in resource.scopeSpans.flatMap { scope in scope.spans.map(\.attributes.pairs) } }
        }
    }

    /// The attributes of every log record exported, in order.
    func logAttributes() throws -> [[OTLPKeyValue]] {
        try requests(.logs).flatMap { request in
            request.resourceLogs.flatMap { resource in resource.scopeLogs.flatMap { scope in scope.logRecords.map(\.attributes.pairs) } }
        }
    }

    /// The attributes of every data point exported, in order.
    func pointAttributes() throws -> [[OTLPKeyValue]] {
        try requests(.metrics).flatMap { request in
            request.resourceMetrics.flatMap { resource in
                resource.scopeMetrics.flatMap { scope in scope.metrics.flatMap { metric in metric.dataPoints.map(\.attributes.pairs) } }
            }
        }
    }

    /// The resource attributes of every resource group of `signal` exported, in order.
    func resourceAttributes(_ signal: OTLPSignal) throws -> [[OTLPKeyValue]] {
        try requests(signal).flatMap { request in
            switch signal {
            case .traces: request.resourceSpans.map(\.resource.attributes.pairs)
            case .metrics: request.resourceMetrics.map(\.resource.attributes.pairs)
            case .logs: request.resourceLogs.map(\.resource.attributes.pairs)
            }
        }
    }

    private func requests(_ signal: OTLPSignal) throws -> [EditableRequest] {
        try gateway.memory.payloads(signal).map { try EditableRequest($0) }
    }

    // MARK: OTLP/JSON

    /// `{"resource":{…},` or, without attributes, `{` (no resource at all).
    static func resource(_ attributes: [(String, OTLPValue)]) -> String {
        attributes.isEmpty ? "{" : "{\"resource\":{\"attributes\":\(json(attributes))},"
    }

    static func json(_ pairs: [(String, OTLPValue)]) -> String {
        "[" + pairs.map { "{\"key\":\(quoted($0.0)),\"value\":\(json($0.1))}" }.joined(separator: ",") + "]"
    }

    static func json(_ value: OTLPValue) -> String {
        switch value {
        case .empty: "{}"
        case .string(let text): "{\"stringValue\":\(quoted(text))}"
        case .bool(let flag): "{\"boolValue\":\(flag)}"
        case .int(let number): "{\"intValue\":\"\(number)\"}"
        case .double(let number): "{\"doubleValue\":\(number)}"
        case .bytes(let bytes): "{\"bytesValue\":\"\(Data(bytes).base64EncodedString())\"}"
        case .array(let values): "{\"arrayValue\":{\"values\":[\(values.map(json).joined(separator: ","))]}}"
        case .map(let pairs): "{\"kvlistValue\":{\"values\":\(json(pairs.map { ($0.key, $0.value) }))}}"
        }
    }

    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}

/// Pairs written compactly: `pairs(("a", .int(1)))`.
func pairs(_ list: (String, OTLPValue)...) -> [OTLPKeyValue] {
    list.map { OTLPKeyValue(key: $0.0, value: $0.1) }
}
