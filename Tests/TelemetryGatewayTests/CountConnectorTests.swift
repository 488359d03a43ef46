import TelemetryGatewayTesting
import TelemetryOTLPData
import Testing

@testable import TelemetryGatewayCore

/// The `count` connector against the Collector's tests: connector/countconnector/connector_test.go
/// (`TestTracesToMetrics`, `TestMetricsToMetrics`, `TestLogsToMetrics`) with its configurations and the
/// results of its golden files (testdata/<signal>/<case>.yaml), on the input those tests read.
@Suite("count connector: the Collector's test cases")
struct CountConnectorTests {
    static let resourceOptional = #"resource.attributes["resource.optional"] != nil"#

    /// TestTracesToMetrics: each case's configuration and the points of testdata/traces/<case>.yaml.
    static let traceCases: [(name: String, section: String, expected: [String])] = [
        ("zero_conditions", "{}", CountHarness.expected(["trace.span.count{} = 4", "trace.span.event.count{} = 16"])),
        (
            "one_condition",
            """
            spans:
              span.count.if:
                description: Span count if ...
                conditions: ['\(resourceOptional)']
            spanevents:
              spanevent.count.if:
                description: Span event count if ...
                conditions: ['\(resourceOptional)']
            """,
            CountHarness.expected(["span.count.if{} = 4", "spanevent.count.if{} = 16"], resources: [0, 1])
        ),
        (
            "multiple_conditions",
            """
            spans:
              span.count.if:
                conditions: ['\(resourceOptional)', 'attributes["span.optional"] != nil']
            spanevents:
              spanevent.count.if:
                conditions: ['\(resourceOptional)', 'attributes["event.optional"] != nil']
            """,
            CountHarness.expected(["span.count.if{} = 4", "spanevent.count.if{} = 16"], resources: [0, 1])
                + CountHarness.expected(["span.count.if{} = 2", "spanevent.count.if{} = 8"], resources: [2, 3])
        ),
        (
            "multiple_metrics",
            """
            spans:
              span.count.all:
                description: All spans count
              span.count.if:
                conditions: ['\(resourceOptional)', 'attributes["span.optional"] != nil']
            spanevents:
              spanevent.count.all:
                description: All span events count
              spanevent.count.if:
                conditions: ['\(resourceOptional)', 'attributes["event.optional"] != nil']
            """,
            CountHarness.expected(["span.count.all{} = 4", "spanevent.count.all{} = 16"])
                + CountHarness.expected(["span.count.if{} = 4", "spanevent.count.if{} = 16"], resources: [0, 1])
                + CountHarness.expected(["span.count.if{} = 2", "spanevent.count.if{} = 8"], resources: [2, 3])
        ),
        (
            "one_attribute",
            """
            spans:
              span.count.by_attr:
                description: Span count by attribute
                attributes: [{key: span.required}]
            spanevents:
              spanevent.count.by_attr:
                description: Span event count by attribute
                attributes: [{key: event.required}]
            """,
            CountHarness.expected([
                "span.count.by_attr{span.required=foo} = 2", "span.count.by_attr{span.required=notfoo} = 1",
                "spanevent.count.by_attr{event.required=foo} = 8", "spanevent.count.by_attr{event.required=notfoo} = 4",
            ])
        ),
        (
            "multiple_attributes",
            """
            spans:
              span.count.by_attr:
                attributes: [{key: span.required}, {key: span.optional}]
            spanevents:
              spanevent.count.by_attr:
                attributes: [{key: event.required}, {key: event.optional}]
            """,
            CountHarness.expected([
                "span.count.by_attr{span.required=foo,span.optional=bar} = 1", "span.count.by_attr{span.required=foo,span.optional=notbar} = 1",
                "spanevent.count.by_attr{event.required=foo,event.optional=bar} = 4",
                "spanevent.count.by_attr{event.required=foo,event.optional=notbar} = 4",
            ])
        ),
        (
            "default_attribute_value",
            """
            spans:
              span.count.by_attr:
                attributes: [{key: span.required}, {key: span.optional, default_value: other}]
            spanevents:
              spanevent.count.by_attr:
                attributes: [{key: event.required}, {key: event.optional, default_value: other}]
            """,
            CountHarness.expected([
                "span.count.by_attr{span.required=foo,span.optional=bar} = 1", "span.count.by_attr{span.required=foo,span.optional=notbar} = 1",
                "span.count.by_attr{span.required=notfoo,span.optional=other} = 1",
                "spanevent.count.by_attr{event.required=foo,event.optional=bar} = 4",
                "spanevent.count.by_attr{event.required=foo,event.optional=notbar} = 4",
                "spanevent.count.by_attr{event.required=notfoo,event.optional=other} = 4",
            ])
        ),
        (
            "condition_and_attribute",
            """
            spans:
              span.count.if.by_attr:
                conditions: ['\(resourceOptional)']
                attributes: [{key: span.required}]
            spanevents:
              spanevent.count.if.by_attr:
                conditions: ['\(resourceOptional)']
                attributes: [{key: event.required}]
            """,
            CountHarness.expected(
                [
                    "span.count.if.by_attr{span.required=foo} = 2", "span.count.if.by_attr{span.required=notfoo} = 1",
                    "spanevent.count.if.by_attr{event.required=foo} = 8", "spanevent.count.if.by_attr{event.required=notfoo} = 4",
                ], resources: [0, 1])
        ),
    ]

    @Test("TestTracesToMetrics: every case of connector_test.go gives the points of its golden file", arguments: traceCases.indices)
    func tracesToMetrics(_ index: Int) throws {
        let testCase = Self.traceCases[index]
        let harness = try CountHarness(testCase.section, from: .traces)
        try harness.send(try CountHarness.collectorTraces())
        #expect(harness.output.payloads(.metrics).count == 1, "\(testCase.name): one metrics request per traces request")
        #expect(try harness.points() == testCase.expected.sorted(), "\(testCase.name)")
    }

    /// TestMetricsToMetrics: the cases and the points of testdata/metrics/<case>.yaml.
    static let metricCases: [(name: String, section: String, expected: [String])] = [
        ("zero_conditions", "{}", CountHarness.expected(["metric.count{} = 6", "metric.datapoint.count{} = 24"])),
        (
            "multiple_conditions",
            """
            metrics:
              metric.count.if:
                conditions: ['\(resourceOptional)', 'type == METRIC_DATA_TYPE_HISTOGRAM']
            datapoints:
              datapoint.count.if:
                conditions: ['\(resourceOptional)', 'attributes["datapoint.optional"] != nil']
            """,
            CountHarness.expected(["metric.count.if{} = 6", "datapoint.count.if{} = 24"], resources: [0, 1])
                + CountHarness.expected(["metric.count.if{} = 1", "datapoint.count.if{} = 12"], resources: [2, 3])
        ),
        (
            "default_attribute_value",
            """
            datapoints:
              datapoint.count.by_attr:
                attributes: [{key: datapoint.required}, {key: datapoint.optional, default_value: other}]
            """,
            CountHarness.expected([
                "metric.count{} = 6",
                "datapoint.count.by_attr{datapoint.required=foo,datapoint.optional=bar} = 6",
                "datapoint.count.by_attr{datapoint.required=foo,datapoint.optional=notbar} = 6",
                "datapoint.count.by_attr{datapoint.required=notfoo,datapoint.optional=other} = 6",
            ])
        ),
    ]

    @Test("TestMetricsToMetrics: cases of connector_test.go give the points of their golden files", arguments: metricCases.indices)
    func metricsToMetrics(_ index: Int) throws {
        let testCase = Self.metricCases[index]
        let harness = try CountHarness(testCase.section, from: .metrics)
        try harness.send(try CountHarness.collectorMetrics())
        #expect(try harness.points() == testCase.expected.sorted(), "\(testCase.name)")
    }

    /// TestLogsToMetrics: the cases and the points of testdata/logs/<case>.yaml.
    static let logCases: [(name: String, section: String, expected: [String])] = [
        ("zero_conditions", "{}", CountHarness.expected(["log.record.count{} = 4"])),
        (
            "multiple_metrics",
            """
            logs:
              count.all:
                description: All logs count
              count.if:
                conditions: ['\(resourceOptional)']
            """,
            CountHarness.expected(["count.all{} = 4"]) + CountHarness.expected(["count.if{} = 4"], resources: [0, 1])
        ),
        (
            "multiple_attributes",
            """
            logs:
              log.count.by_attr:
                attributes: [{key: log.required}, {key: log.optional}]
            """,
            CountHarness.expected(["log.count.by_attr{log.required=foo,log.optional=bar} = 1", "log.count.by_attr{log.required=foo,log.optional=notbar} = 1"])
        ),
        (
            "condition_and_attribute",
            """
            logs:
              log.count.if.by_attr:
                conditions: ['\(resourceOptional)']
                attributes: [{key: log.required}]
            """,
            CountHarness.expected(["log.count.if.by_attr{log.required=foo} = 2", "log.count.if.by_attr{log.required=notfoo} = 1"], resources: [0, 1])
        ),
    ]

    @Test("TestLogsToMetrics: cases of connector_test.go give the points of their golden files", arguments: logCases.indices)
    func logsToMetrics(_ index: Int) throws {
        let testCase = Self.logCases[index]
        let harness = try CountHarness(testCase.section, from: .logs)
        try harness.send(try CountHarness.collectorLogs())
        #expect(try harness.points() == testCase.expected.sorted(), "\(testCase.name)")
    }

    @Test("Output shape (testdata/traces/one_attribute.yaml): resource attributes, the connector's scope, monotonic delta int sums, item timestamps")
    func outputShape() throws {
        let harness = try CountHarness(Self.traceCases[4].section, from: .traces)
        try harness.send(try CountHarness.collectorTraces())
        let payload = try #require(harness.output.payloads(.metrics).first)
        #expect(payload.itemCount == 16, "two span points and two event points in each of four resources")
        let request = try EditableRequest(payload)
        #expect(request.resourceMetrics.count == 4)
        let group = try #require(request.resourceMetrics.first)
        #expect(group.resource.attributes.pairs == [OTLPKeyValue(key: "resource.required", value: .string("foo")), OTLPKeyValue(key: "resource.optional", value: .string("bar"))])
        let scope = try #require(group.scopeMetrics.first)
        #expect(group.scopeMetrics.count == 1)
        #expect(scope.scope.name.value == "github.com/open-telemetry/opentelemetry-collector-contrib/connector/countconnector")
        #expect(scope.scope.version.value == "")
        #expect(scope.metrics.map(\.name.value) == ["span.count.by_attr", "spanevent.count.by_attr"])
        #expect(scope.metrics.map(\.description.value) == ["Span count by attribute", "Span event count by attribute"])
        for metric in scope.metrics {
            #expect(metric.type == .sum)
            #expect(metric.isMonotonic == true)
            #expect(metric.aggregationTemporality?.value == 1, "AGGREGATION_TEMPORALITY_DELTA")
        }
        let spanPoint = try #require(scope.metrics.first?.dataPoints.first)
        #expect(spanPoint.startTime.value == Int64(CountHarness.spanStart))
        #expect(spanPoint.time.value == Int64(CountHarness.spanEnd))
        #expect(spanPoint.valueInt == 2)
        let eventPoint = try #require(scope.metrics.last?.dataPoints.first)
        #expect(eventPoint.startTime.value == Int64(CountHarness.eventTime))
        #expect(eventPoint.time.value == Int64(CountHarness.eventTime))
    }
}

/// The `count` connector's refusals: what it cannot count goes back up as a `Refusal`, never a silent drop.
@Suite("count connector: refusals")
struct CountRefusalTests {
    @Test("Attribute sets the budget cannot hold are refused as retryable (429), and nothing is sent")
    func budgetRefusal() throws {
        // 10,000 distinct values: more attribute sets than a budget of 1 MiB (its least) holds.
        let harness = try CountHarness(CountConnectorTests.traceCases[4].section, from: .traces, budgetBytes: 1 << 20)
        let spans = (0..<10_000).map {
            #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"s","attributes":[{"key":"span.required","value":{"stringValue":"v\#($0)"}}]}"#
        }
        let payload = try CountHarness.payload(#"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(spans.joined(separator: ","))]}]}]}"#, .traces)
        let error = try #require(throws: Refusal.self) { try harness.send(payload) }
        #expect(error.isRetryable, "\(error)")
        #expect(harness.output.payloads.isEmpty)
        #expect(harness.budget.usedBytes == 0, "every reservation returned")
    }

    @Test("A request whose strings hold a NUL byte is refused as invalid (counts by a cut value would be wrong)")
    func nulRefusal() throws {
        let harness = try CountHarness("{}", from: .logs)
        let payload = try CountHarness.payload(
            #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a\u0000b"}}]}]}]}"#, .logs)
        #expect(payload.stringsHoldNUL)
        let error = try #require(throws: Refusal.self) { try harness.send(payload) }
        #expect(error.kind == .invalid)
        #expect(harness.output.payloads.isEmpty)
    }
}

/// The count connector's work is linear in the request: values above the items are read once.
@Suite("count connector: linear time")
struct CountLinearTimeTests {
    @Test("An attribute found on a 4 MiB resource is read and hashed once per request, not once per log record", .timeLimit(.minutes(1)))
    func largeResourceAttribute() throws {
        let harness = try CountHarness("{logs: {by.env: {attributes: [{key: env}]}}}", from: .logs)
        let env = String(repeating: "e", count: 4 << 20)
        let record = "{\"timeUnixNano\":\"\(CountHarness.eventTime)\",\"body\":{\"stringValue\":\"b\"}}"
        let json = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"env\",\"value\":{\"stringValue\":\"\(env)\"}}]},"
            + "\"scopeLogs\":[{\"scope\":{},\"logRecords\":[\(Array(repeating: record, count: 20_000).joined(separator: ","))]}]}]}"
        try harness.send(try CountHarness.payload(json, .logs))
        let points = try harness.points()
        #expect(points.count == 1)
        #expect(points.first?.hasSuffix("by.env{env=\(env)} = 20000") == true)
    }
}
