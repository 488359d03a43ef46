import Foundation
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import TelemetryYAML
import Testing

/// The `filter` processor: the Collector's README (processor/filterprocessor/README.md) and testdata
/// (processor/filterprocessor/testdata/config_ottl.yaml) examples, through an in-process gateway.
@Suite("filter processor: OTTL conditions drop data, per context and inferred")
struct FilterProcessorTests {
    static func harness(_ filter: String, pipelines: [String] = ["traces", "metrics", "logs"]) throws -> AttributesHarness {
        let processors = "  filter:\n" + filter.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        return try AttributesHarness(processors, list: "filter", pipelines: pipelines)
    }

    static func dropped(_ harness: AttributesHarness, _ signal: String) -> Double {
        harness.gateway.selfMetric(
            "telemetry_gateway_processor_dropped_items_total", ["processor": "filter", "signal": signal, "reason": "filtered"]) ?? 0
    }

    @Test("README legacy OTTL example (README@ba96fac): span, metric, datapoint and log_record conditions drop what they match")
    func readmeLegacyForm() throws {
        let harness = try Self.harness(#"""
            error_mode: ignore
            traces:
              span:
                - 'attributes["container.name"] == "app_container_1"'
                - 'resource.attributes["host.name"] == "localhost"'
                - 'name == "app_3"'
            metrics:
              metric:
                  - 'name == "my.metric" and resource.attributes["my_label"] == "abc123"'
                  - 'type == METRIC_DATA_TYPE_HISTOGRAM'
              datapoint:
                  - 'metric.type == METRIC_DATA_TYPE_SUMMARY'
                  - 'resource.attributes["service.name"] == "my_service_name"'
            logs:
              log_record:
                - 'IsMatch(body, ".*password.*")'
                - 'severity_number < SEVERITY_NUMBER_WARN'
            """#)
        defer { _ = harness.gateway.shutdown() }
        try harness.send([
            AttributesHarness.Span(name: "keep", attributes: [("container.name", .string("other"))]),
            AttributesHarness.Span(name: "c", attributes: [("container.name", .string("app_container_1"))]),
            AttributesHarness.Span(name: "h", resource: [("host.name", .string("localhost"))]),
            AttributesHarness.Span(name: "app_3"),
        ])
        let spans = try harness.gateway.memory.payloads(.traces).map { try EditableRequest($0) }
        #expect(spans.flatMap { $0.resourceSpans.flatMap { $0.scopeSpans.flatMap { $0.spans.map(\.name.value) } } } == ["keep"])
        #expect(spans.first?.resourceSpans.count == 1, "resources left without spans are removed")
        #expect(Self.dropped(harness, "traces") == 3)

        try harness.send([
            AttributesHarness.Metric(name: "my.metric", resource: [("my_label", .string("abc123"))]),
            AttributesHarness.Metric(name: "my.metric", resource: [("my_label", .string("other"))]),
            AttributesHarness.Metric(name: "points", points: [[("a", .int(1))], [("a", .int(2))]], resource: [("service.name", .string("my_service_name"))]),
        ])
        let metrics = try harness.gateway.memory.payloads(.metrics).map { try EditableRequest($0) }
        #expect(metrics.flatMap { $0.resourceMetrics.flatMap { $0.scopeMetrics.flatMap { $0.metrics.map(\.name.value) } } } == ["my.metric"])
        #expect(Self.dropped(harness, "metrics") == 3, "one metric's point and the two points of the metric whose points all went")

        try harness.send([
            AttributesHarness.Log(body: .string("the password is 1234"), severityNumber: 17),
            AttributesHarness.Log(body: .string("debug"), severityNumber: 5),
            AttributesHarness.Log(body: .string("warning"), severityNumber: 13),
        ])
        let logs = try harness.gateway.memory.payloads(.logs).map { try EditableRequest($0) }
        #expect(logs.flatMap { $0.resourceLogs.flatMap { $0.scopeLogs.flatMap { $0.logRecords.map(\.body) } } } == [.string("warning")])
    }

    @Test("Inferred form (v0.146 README): each condition's context comes from its paths; a spanevent condition removes events, not spans")
    func inferredForm() throws {
        let harness = try Self.harness(#"""
            trace_conditions:
              - resource.attributes["host.name"] == "localhost"
              - span.attributes["container.name"] == "app_container_1"
              - span.name == "app_3"
              - spanevent.attributes["grpc"] == true
              - IsMatch(spanevent.name, ".*grpc.*")
            """#, pipelines: ["traces"])
        defer { _ = harness.gateway.shutdown() }
        let json = #"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"web"}}]},"scopeSpans":[{"spans":[
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"kept","events":[
              {"name":"grpc.call"},{"name":"db","attributes":[{"key":"grpc","value":{"boolValue":true}}]},{"name":"cache"}]},
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060709","name":"app_3"}]}]},
            {"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"localhost"}}]},"scopeSpans":[{"spans":[
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"010203040506070a","name":"gone"}]}]}]}
            """#
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(harness.gateway.url)/v1/traces", contentType: "application/json")
        #expect(response.status == 200)
        let request = try #require(try harness.gateway.memory.payloads(.traces).first.map { try EditableRequest($0) })
        #expect(request.resourceSpans.count == 1)
        let spans = request.resourceSpans[0].scopeSpans[0].spans
        #expect(spans.map(\.name.value) == ["kept"])
        #expect(spans[0].events.map(\.name.value) == ["cache"])
        #expect(Self.dropped(harness, "traces") == 2)
    }

    @Test("Advanced groups: a group's error_mode overrides the top level (README example); propagate refuses the request")
    func errorModes() throws {
        let harness = try Self.harness(#"""
            error_mode: ignore
            log_conditions:
              - error_mode: propagate
                conditions:
                  - log.severity_number < SEVERITY_NUMBER_WARN
              - error_mode: silent
                conditions:
                  - resource.attributes["service.name"] == "noisy-service"
                  - Int(log.body) > 3
            """#, pipelines: ["logs"])
        defer { _ = harness.gateway.shutdown() }
        try harness.send([
            AttributesHarness.Log(body: .string("x"), severityNumber: 17),
            AttributesHarness.Log(body: .string("7"), severityNumber: 17),
            AttributesHarness.Log(body: .string("y"), severityNumber: 17, resource: [("service.name", .string("noisy-service"))]),
        ])
        let logs = try harness.gateway.memory.payloads(.logs).map { try EditableRequest($0) }
        #expect(logs.flatMap { $0.resourceLogs.flatMap { $0.scopeLogs.flatMap { $0.logRecords.map(\.body) } } } == [.string("x")])

        let failing = try Self.harness(#"""
            error_mode: propagate
            log_conditions:
              - ParseJSON(log.body)["a"] == 1
            """#, pipelines: ["logs"])
        defer { _ = failing.gateway.shutdown() }
        let json = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"not json"}}]}]}]}"#
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(failing.gateway.url)/v1/logs", contentType: "application/json")
        #expect(response.status == 400)
    }

    @Test("Nothing matched: the request goes on byte-identical")
    func untouched() throws {
        let harness = try Self.harness("trace_conditions:\n  - span.name == \"nothing\"", pipelines: ["traces"])
        defer { _ = harness.gateway.shutdown() }
        let plain = try AttributesHarness("  batch:", list: "", pipelines: ["traces"])
        defer { _ = plain.gateway.shutdown() }
        let span = AttributesHarness.Span(attributes: [("k", .string("v"))], resource: [("r", .int(1))])
        try harness.send([span])
        try plain.send([span])
        #expect(try #require(harness.gateway.memory.payloads(.traces).first).bytes == (try #require(plain.gateway.memory.payloads(.traces).first)).bytes)
    }

    @Test("testdata/config_ottl.yaml: the valid sections load; bad_syntax_* and mixed forms are refused at their line")
    func testdata() throws {
        func error(_ filter: String) -> String? {
            AttributesHarness.configError(
                AttributesHarness.yaml("  filter:\n" + filter.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"), list: "filter"))?
                .description
        }
        #expect(error(#"""
            error_mode: ignore
            traces:
              span:
                - 'attributes["test"] == "pass"'
              spanevent:
                - 'attributes["test"] == "pass"'
            metrics:
              metric:
                - 'name == "pass"'
              datapoint:
                - 'attributes["test"] == "pass"'
            logs:
              log_record:
                - 'attributes["test"] == "pass"'
            """#) == nil)
        for section in ["traces:\n  span:", "traces:\n  spanevent:", "metrics:\n  datapoint:", "logs:\n  log_record:"] {
            let message = try #require(error(section + "\n    - 'attributes[test] == \"pass\"'"), "\(section)")
            #expect(message.contains("test.yaml:1"), "\(message)")
        }
        let mixed = try #require(error("trace_conditions:\n  - span.name == \"a\"\ntraces:\n  span:\n    - 'name == \"b\"'"))
        #expect(mixed.contains("cannot use context inferred trace conditions"))
        #expect(try #require(error("spans:\n  include:\n    match_type: strict\n    services: [test]")).contains("not supported"))
        #expect(try #require(error("trace_conditions:\n  - 'Substring(\"\", 0, 100) == \"test\"'")).contains("unable to infer"))
    }
}
