import TelemetryOTLPData
import TelemetryYAML
import Testing

@testable import TelemetryGatewayCore

/// The `count` connector's settings: the Collector's connector/countconnector/config_test.go
/// (`TestLoadConfig` on testdata/config.yaml, `TestConfigErrors`) and the README's custom-count sections.
@Suite("count connector: settings")
struct CountConfigTests {
    static func settings(_ yaml: String) throws -> CountSettings {
        try CountSettings.parse(try ConfigDocument.root(yaml: yaml, file: "count.yaml", environment: [:]))
    }

    static func names(_ settings: CountSettings, _ kind: CountKind) -> [String] {
        settings.metrics[kind]?.map(\.name) ?? []
    }

    @Test("TestLoadConfig \"count\": no settings counts the five default metrics with the Collector's descriptions")
    func defaults() throws {
        let settings = try Self.settings("null")
        let expected: [(CountKind, String, String)] = [
            (.spans, "trace.span.count", "The number of spans observed."),
            (.spanevents, "trace.span.event.count", "The number of span events observed."),
            (.metrics, "metric.count", "The number of metrics observed."),
            (.datapoints, "metric.datapoint.count", "The number of data points observed."),
            (.logs, "log.record.count", "The number of log records observed."),
        ]
        for (kind, name, description) in expected {
            #expect(settings.metrics[kind]?.map(\.name) == [name])
            #expect(settings.metrics[kind]?.first?.description == description)
            #expect(settings.metrics[kind]?.first?.conditions.isEmpty == true)
        }
    }

    @Test("TestLoadConfig \"count/custom_description\" and \"count/multiple_metrics\": sections given replace the default, in file order")
    func customSections() throws {
        let described = try Self.settings(
            """
            spans:
              trace.span.count:
                description: My description for default span count metric.
            logs:
              log.record.count:
                description: My description for default log count metric.
            """)
        #expect(described.metrics[.spans]?.first?.description == "My description for default span count metric.")
        #expect(described.metrics[.logs]?.first?.description == "My description for default log count metric.")
        #expect(Self.names(described, .metrics) == ["metric.count"], "sections left out keep their default")
        let multiple = try Self.settings(
            """
            spans:
              my.span.count:
                description: My span count.
              limited.span.count:
                description: Limited span count.
                conditions:
                  - IsMatch(resource.attributes["host.name"], "pod-s") == true
            datapoints: {}
            """)
        #expect(Self.names(multiple, .spans) == ["my.span.count", "limited.span.count"])
        #expect(multiple.metrics[.spans]?.last?.conditions.map(\.text) == [#"IsMatch(resource.attributes["host.name"], "pod-s") == true"#])
        #expect(Self.names(multiple, .datapoints).isEmpty, "an empty section counts nothing")
    }

    @Test("README 'Conditions' and 'Attributes' sections parse as written")
    func readmeSections() throws {
        // connector/countconnector/README.md, "Conditions".
        let conditions = try Self.settings(
            """
            spanevents:
              my.prod.event.count:
                description: The number of span events from my prod environment.
                conditions:
                  - 'attributes["env"] == "prod"'
                  - 'name == "prodevent"'
            """)
        #expect(conditions.metrics[.spanevents]?.first?.conditions.count == 2)
        // README, "Attributes".
        let attributes = try Self.settings(
            """
            logs:
              my.log.count:
                description: The number of logs from each environment.
                attributes:
                  - key: env
                    default_value: unspecified_environment
            """)
        #expect(attributes.metrics[.logs]?.first?.attributes.first?.defaultValue == .string("unspecified_environment"))
        // testdata/metrics/default_int_attribute_value.yaml's idea: a number default stays a number.
        let number = try Self.settings("datapoints:\n  n:\n    attributes: [{key: a, default_value: 5}, {key: b, default_value: 0.5}, {key: c, default_value: 0}]")
        #expect(number.metrics[.datapoints]?.first?.attributes.map(\.defaultValue) == [.int(5), .double(0.5), nil])
    }

    @Test("TestConfigErrors and config.go's checks: the Collector's messages, located")
    func errors() throws {
        let cases: [(yaml: String, message: String)] = [
            (#"spans: {"": {description: x}}"#, "spans: metric name missing"),
            (#"spanevents: {"": {}}"#, "spanevents: metric name missing"),
            (#"metrics: {"": {}}"#, "metrics: metric name missing"),
            (#"datapoints: {"": {}}"#, "datapoints: metric name missing"),
            (#"logs: {"": {}}"#, "logs: metric name missing"),
            ("spans: {trace.span.count: {conditions: [invalid condition]}}", "spans condition: metric \"trace.span.count\": unable to parse OTTL"),
            ("logs: {log.record.count: {conditions: [invalid condition]}}", "logs condition: metric \"log.record.count\": unable to parse OTTL"),
            ("metrics: {m: {attributes: [{key: a}]}}", "metrics attributes not supported: metric \"m\""),
            ("logs: {l: {attributes: [{default_value: x}]}}", "logs attributes: metric \"l\": attribute key missing"),
            ("logs: {l: {attributes: [{key: a}, {key: a}]}}", "attribute key \"a\" repeated"),
            ("spans: {s: {attributes: [{key: a, any_depth: true}]}}", "not supported: any_depth"),
            ("traces: {}", "unknown key; allowed here: spans, spanevents, metrics, datapoints, logs"),
        ]
        for (yaml, message) in cases {
            let error = try #require(throws: ConfigError.self, "\(yaml)") { try Self.settings(yaml) }
            #expect(error.message.contains(message), "\(yaml): \(error.message)")
            #expect(error.line == 1, "located: \(error)")
        }
    }
}
