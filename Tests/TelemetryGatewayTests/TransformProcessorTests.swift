import Foundation
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import TelemetryYAML
import Testing

/// The `transform` processor: the Collector's README examples (processor/transformprocessor/README.md
/// @000485d) and tests (processor/transformprocessor/internal/…_test.go), through an in-process gateway.
@Suite("transform processor: OTTL statements in both styles, order, error modes")
struct TransformProcessorTests {
    static func harness(_ transform: String, pipelines: [String] = ["traces", "metrics", "logs"]) throws -> AttributesHarness {
        try AttributesHarness("  transform:\n" + transform.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"),
            list: "transform", pipelines: pipelines)
    }

    @Test("README basic example, trace part: keep_keys, replace_pattern, limit, truncate_all (README@000485d)")
    func readmeBasicTraces() throws {
        let harness = try Self.harness(#"""
            error_mode: ignore
            trace_statements:
              - keep_keys(span.attributes, ["service.name", "service.namespace", "cloud.region", "process.command_line"])
              - replace_pattern(span.attributes["process.command_line"], "password\\=[^\\s]*(\\s?)", "password=***")
              - limit(span.attributes, 100, [])
              - truncate_all(span.attributes, 4096)
            """#)
        defer { _ = harness.gateway.shutdown() }
        try harness.send([AttributesHarness.Span(attributes: [
            ("service.name", .string("svc")), ("process.command_line", .string("run --password=hunter2 --fast")), ("drop.me", .int(1)),
            ("cloud.region", .string(String(repeating: "r", count: 5000))),
        ])])
        let attributes = try #require(try harness.spanAttributes().first)
        #expect(attributes.map(\.key) == ["service.name", "process.command_line", "cloud.region"])
        #expect(attributes[1].value == .string("run --password=***--fast"))
        #expect(attributes[2].value == .string(String(repeating: "r", count: 4096)))
    }

    @Test("README basic example, log part: severity_text where body, replace_all_matches, replace_all_patterns, set body (README@000485d)")
    func readmeBasicLogs() throws {
        let harness = try Self.harness(#"""
            error_mode: ignore
            log_statements:
              - set(log.severity_text, "FAIL") where log.body == "request failed"
              - replace_all_matches(log.attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")
              - replace_all_patterns(log.attributes, "value", "/account/\\d{4}", "/account/{accountId}")
              - set(log.body, log.attributes["http.route"])
            """#)
        defer { _ = harness.gateway.shutdown() }
        try harness.send([
            AttributesHarness.Log(body: .string("request failed"), attributes: [
                ("http.route", .string("/user/12/list/34")), ("account", .string("GET /account/1234/x")),
            ])
        ])
        let request = try #require(try harness.gateway.memory.payloads(.logs).first.map { try EditableRequest($0) })
        let record = request.resourceLogs[0].scopeLogs[0].logRecords[0]
        #expect(record.severityText.value == "FAIL")
        #expect(record.attributes["http.route"] == .string("/user/{userId}/list/{listId}"))
        #expect(record.attributes["account"] == .string("GET /account/{accountId}/x"))
        #expect(record.body == .string("/user/{userId}/list/{listId}"))
    }

    @Test("README examples: move a resource attribute, Concat, body into an attribute, severity from an unstructured body")
    func readmeExamples() throws {
        let harness = try Self.harness(#"""
            trace_statements:
              - set(resource.attributes["namespace"], resource.attributes["k8s.namespace.name"])
              - delete_key(resource.attributes, "k8s.namespace.name")
              - set(resource.attributes["test"], Concat([resource.attributes["foo"], resource.attributes["bar"]], " "))
            log_statements:
              - set(log.attributes["body"], log.body)
              - set(log.severity_number, SEVERITY_NUMBER_INFO) where IsString(log.body) and IsMatch(log.body, "\\sINFO\\s")
              - set(log.severity_number, SEVERITY_NUMBER_WARN) where IsString(log.body) and IsMatch(log.body, "\\sWARN\\s")
            """#)
        defer { _ = harness.gateway.shutdown() }
        try harness.send([AttributesHarness.Span(resource: [
            ("k8s.namespace.name", .string("prod")), ("foo", .string("a")), ("bar", .string("b")),
        ])])
        // delete_key moves the last pair into the deleted one's place, as pcommon.Map.Remove does.
        #expect(try harness.resourceAttributes(.traces).first == pairs(
            ("namespace", .string("prod")), ("foo", .string("a")), ("bar", .string("b")), ("test", .string("a b"))))
        try harness.send([AttributesHarness.Log(body: .string("[2023-09-22 07:38:22,570] INFO [Something]: some interesting log"))])
        let request = try #require(try harness.gateway.memory.payloads(.logs).first.map { try EditableRequest($0) })
        let record = request.resourceLogs[0].scopeLogs[0].logRecords[0]
        #expect(record.severityNumber.value == 9)
        #expect(record.attributes["body"] == .string("[2023-09-22 07:38:22,570] INFO [Something]: some interesting log"))
    }

    @Test("README cache examples: parse a JSON body into the cache and copy fields out; keep matching keys of a cached copy")
    func cache() throws {
        let harness = try Self.harness(#"""
            log_statements:
              - statements:
                  - merge_maps(log.cache, ParseJSON(log.body), "upsert") where IsMatch(log.body, "^\\{")
                  - set(log.attributes["attr1"], log.cache["attr1"])
                  - set(log.attributes["attr2"], log.cache["attr2"])
                  - set(log.attributes["nested.attr3"], log.cache["nested"]["attr3"])
            trace_statements:
              - statements:
                  - set(resource.cache["attrs"], resource.attributes)
                  - keep_matching_keys(resource.cache["attrs"], "pod_labels_.*")
                  - set(resource.attributes["kubernetes.labels"], resource.cache["attrs"])
            """#)
        defer { _ = harness.gateway.shutdown() }
        try harness.send([
            AttributesHarness.Log(body: .string(#"{"name": "log", "attr1": "foo", "attr2": "bar", "nested": {"attr3": "example"}}"#)),
            AttributesHarness.Log(body: .string("not json"), attributes: [("kept", .int(1))]),
        ])
        #expect(try harness.logAttributes() == [
            pairs(("attr1", .string("foo")), ("attr2", .string("bar")), ("nested.attr3", .string("example"))), pairs(("kept", .int(1))),
        ])
        try harness.send([AttributesHarness.Span(resource: [("pod_labels_app", .string("web")), ("host", .string("h"))])])
        #expect(try harness.resourceAttributes(.traces).first == pairs(
            ("pod_labels_app", .string("web")), ("host", .string("h")),
            ("kubernetes.labels", .map(pairs(("pod_labels_app", .string("web")))))))
    }

    @Test("Advanced style: context inserts the prefix; group conditions are ORed and gate the statements; groups run in order")
    func advancedStyle() throws {
        let harness = try Self.harness(#"""
            trace_statements:
              - context: span
                conditions:
                  - name == "first"
                  - attributes["force"] == true
                statements:
                  - set(attributes["matched"], true)
                  - set(attributes["name.upper"], ToUpperCase(name))
              - context: span
                statements:
                  - set(attributes["test"], "pass") where instrumentation_scope.attributes["test"] == "pass"
              - context: scope
                statements:
                  - set(attributes["test"], "pass")
            """#)
        defer { _ = harness.gateway.shutdown() }
        try harness.send([
            AttributesHarness.Span(name: "first"), AttributesHarness.Span(name: "second", attributes: [("force", .bool(true))]),
            AttributesHarness.Span(name: "third"),
        ])
        let spans = try harness.spanAttributes()
        #expect(spans[0] == pairs(("matched", .bool(true)), ("name.upper", .string("FIRST"))))
        #expect(spans[1] == pairs(("force", .bool(true)), ("matched", .bool(true)), ("name.upper", .string("SECOND"))))
        #expect(spans[2].isEmpty, "no condition matched the third span, and the scope was set only after the span group ran")
    }

    @Test("Context inference (README): a datapoint condition makes the group run per data point; resource + metric statements run per metric")
    func inference() throws {
        let harness = try Self.harness(#"""
            metric_statements:
              - set(metric.description, "test passed") where datapoint.attributes["test"] == "pass"
            """#, pipelines: ["metrics"])
        defer { _ = harness.gateway.shutdown() }
        try harness.send([AttributesHarness.Metric(name: "m", points: [[("test", .string("pass"))]])])
        let request = try #require(try harness.gateway.memory.payloads(.metrics).first.map { try EditableRequest($0) })
        #expect(request.resourceMetrics[0].scopeMetrics[0].metrics[0].description.value == "test passed")
    }

    @Test("error_mode: propagate refuses the request (400, counted as dropped); ignore logs and goes on; a group overrides the top level")
    func errorModes() throws {
        let propagate = try Self.harness(#"""
            error_mode: propagate
            trace_statements:
              - set(span.attributes["test"], ParseJSON(1))
            """#, pipelines: ["traces"])
        defer { _ = propagate.gateway.shutdown() }
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"s"}]}]}]}"#
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(propagate.gateway.url)/v1/traces", contentType: "application/json")
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains("failed to execute statement"))
        #expect(propagate.gateway.memory.payloads(.traces).isEmpty)

        let ignore = try Self.harness(#"""
            error_mode: propagate
            trace_statements:
              - error_mode: ignore
                statements:
                  - set(span.attributes["test"], ParseJSON(1))
                  - set(span.attributes["after"], "ran")
            """#, pipelines: ["traces"])
        defer { _ = ignore.gateway.shutdown() }
        try ignore.send([AttributesHarness.Span()])
        #expect(try ignore.spanAttributes() == [pairs(("after", .string("ran")))])
        #expect(ignore.gateway.logText().contains("failed to execute statement"))
    }

    @Test("A request whose strings hold a NUL byte is refused (400) rather than edited as the prefix protobuf-c would see")
    func nulRefused() throws {
        let harness = try Self.harness("trace_statements:\n  - set(span.name, \"x\")", pipelines: ["traces"])
        defer { _ = harness.gateway.shutdown() }
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"a\u0000 4111111111111111"}]}]}]}"#
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(harness.gateway.url)/v1/traces", contentType: "application/json")
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains("NUL"))
        #expect(harness.gateway.memory.payloads(.traces).isEmpty)
    }

    @Test("A statement that matches nothing leaves the request byte-identical upstream")
    func untouchedBytes() throws {
        let harness = try Self.harness(#"""
            trace_statements:
              - set(span.attributes["x"], "y") where span.name == "no such span"
            """#, pipelines: ["traces"])
        defer { _ = harness.gateway.shutdown() }
        let plain = try AttributesHarness("  batch:", list: "", pipelines: ["traces"])
        defer { _ = plain.gateway.shutdown() }
        let span = AttributesHarness.Span(attributes: [("k", .string("v"))], resource: [("r", .int(1))])
        try harness.send([span])
        try plain.send([span])
        let edited = try #require(harness.gateway.memory.payloads(.traces).first)
        let reference = try #require(plain.gateway.memory.payloads(.traces).first)
        #expect(edited.bytes == reference.bytes)
    }

    @Test("Config errors name the file, key and line, and the column inside the statement")
    func configErrors() throws {
        func error(_ transform: String) -> String? {
            AttributesHarness.configError(
                AttributesHarness.yaml("  transform:\n" + transform.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"), list: "transform"))?
                .description
        }
        let syntax = try #require(error("trace_statements:\n  - set(span.name, \"bear\" where span.name == \"x\""))
        #expect(syntax.contains("test.yaml") && syntax.contains("1:23") && syntax.contains("unexpected"), "\(syntax)")
        let undefined = try #require(error("trace_statements:\n  - not_a_function(span.name)"))
        #expect(undefined.contains("not_a_function"), "\(undefined)")
        let mixed = try #require(error("trace_statements:\n  - set(span.name, \"a\")\n  - statements: ['set(span.name, \"b\")']"))
        #expect(mixed.contains("configuring multiple configuration styles is not supported"))
        #expect(try #require(error("error_mode: test\ntrace_statements: ['set(span.name, \"a\")']")).contains("unknown error mode test"))
        #expect(try #require(error("trace_statements:\n  - context: test\n    statements: ['set(name, \"a\")']")).contains("unknown context test"))
        let wrongContext = try #require(error("log_statements:\n  - set(span.name, \"a\")"))
        #expect(wrongContext.contains("span.name") && wrongContext.contains("test.yaml"), "\(wrongContext)")
    }
}
