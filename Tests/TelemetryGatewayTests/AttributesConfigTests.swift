import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// Configuration errors of the attributes and resource processors: the Collector's texts
/// (internal/coreinternal/attraction/attraction_test.go TestInvalidConfig, filterconfig's validation),
/// located at the file, line and key path of the action or block.
@Suite("Attributes and resource processors: configuration errors and untouched requests")
struct AttributesConfigTests {
    /// The error of an `attributes` processor whose one action is `action` (flow YAML), in a traces
    /// pipeline.
    static func actionError(_ action: String) -> String? {
        let yaml = AttributesHarness.yaml("  attributes:\n    actions:\n      - {key: k, value: v, action: insert}\n      - \(action)", list: "attributes")
        let error = AttributesHarness.configError(yaml)
        // The second action (index 1), on line 10.
        guard let error, error.path == "processors.attributes.actions[1]", error.line == 10 else { return "misplaced: \(String(describing: error))" }
        return error.message
    }

    @Test("Each action check of NewAttrProc, with its text and the action's 0-based index")
    func actionChecks() {
        let cases: [(action: String, message: String)] = [
            ("{action: delete}", #"error creating AttrProc due to missing required field (at least one of "key" and "pattern" have to be used) at the 1-th actions"#),
            ("{action: HASH}", #"error creating AttrProc due to missing required field (at least one of "key" and "pattern" have to be used) at the 1-th actions"#),
            ("{value: 1, action: insert}", #"error creating AttrProc due to missing required field "key" at the 1-th actions"#),
            ("{key: a, action: upDaTE}", #"error creating AttrProc. Either field "value", "from_attribute" or "from_context" setting must be specified for 1-th action"#),
            ("{key: a, value: 1, from_attribute: b, action: INSERT}", "error creating AttrProc due to multiple value sources being set at the 1-th actions"),
            ("{key: a, from_attribute: b, from_context: c, action: upsert}", "error creating AttrProc due to multiple value sources being set at the 1-th actions"),
            ("{key: a, value: 1, pattern: x, action: upsert}", #"error creating AttrProc. Action "upsert" does not use the "pattern" field. This must not be specified for 1-th action"#),
            ("{key: a, value: 1, converted_type: int, action: insert}", #"error creating AttrProc. Action "insert" does not use the "converted_type" field. This must not be specified for 1-th action"#),
            ("{key: a, value: 1, action: Delete}", #"error creating AttrProc. Action "delete" does not use "value" or "from_attribute" field. These must not be specified for 1-th action"#),
            ("{key: a, from_attribute: b, action: hash}", #"error creating AttrProc. Action "hash" does not use "value" or "from_attribute" field. These must not be specified for 1-th action"#),
            ("{key: a, converted_type: int, action: delete}", #"error creating AttrProc. Action "delete" does not use the "converted_type" field. This must not be specified for 1-th action"#),
            ("{key: a, value: 1, pattern: '(?P<x>.*)', action: EXTRact}", #"error creating AttrProc. Action "extract" does not use a value source field. These must not be specified for 1-th action"#),
            ("{key: a, action: extract}", #"error creating AttrProc due to missing required field "pattern" for action "extract" at the 1-th action"#),
            ("{key: a, pattern: 'abc', action: extract}", #"error creating AttrProc. Field "pattern" contains no named matcher groups at the 1-th actions"#),
            ("{key: a, pattern: '(?P<x>a)(b)', action: extract}", #"error creating AttrProc. Field "pattern" contains at least one unnamed matcher group at the 1-th actions"#),
            ("{key: a, value: 1, action: convert, converted_type: int}", #"error creating AttrProc. Action "convert" does not use value sources or "pattern" field. These must not be specified for 1-th action"#),
            ("{key: a, action: convert}", #"error creating AttrProc due to missing required field "converted_type" for action "convert" at the 1-th action"#),
            ("{key: a, action: convert, converted_type: INT}", #"error creating AttrProc due to invalid value "INT" in field "converted_type" for action "convert" at the 1-th action"#),
            ("{key: a, default_value: 1, action: delete}", #"error creating AttrProc. Action "delete" does not use the "default_value" field. This must not be specified for 1-th action"#),
            ("{key: a, value: 1, action: invalid}", #"error creating AttrProc due to unsupported action "invalid" at the 1-th actions"#),
        ]
        for entry in cases {
            #expect(Self.actionError(entry.action) == entry.message, "\(entry.action)")
        }
        // Bad expressions: the Collector's text, then RE2's reason; `(?P<invalid.regex>.*?)$` is upstream's.
        for action in ["{pattern: '(?P<invalid.regex>.*?)$', action: delete}", "{key: a, pattern: '(?P<invalid.regex>.*?)$', action: extract}", "{pattern: 'a(?=b)', action: hash}"] {
            let message = Self.actionError(action)
            #expect(message?.hasPrefix(#"error creating AttrProc. Field "pattern" has invalid pattern: ""#) == true, "\(action): \(message ?? "valid")")
            #expect(message?.contains("to be set at the 1-th actions (") == true, "\(action): \(message ?? "valid")")
        }
    }

    @Test("No actions: missing required field \"actions\" / \"attributes\" (resource); unknown keys are refused")
    func missingActions() {
        for (section, message, line) in [
            ("  attributes:", #"missing required field "actions""#, 7),
            ("  attributes:\n    actions: []", #"missing required field "actions""#, 8),
            ("  attributes:\n    include: {match_type: strict, services: [a]}", #"missing required field "actions""#, 8),
            ("  resource:", #"missing required field "attributes""#, 7),
            ("  resource:\n    attributes:", #"missing required field "attributes""#, 8),
        ] {
            let error = AttributesHarness.configError(AttributesHarness.yaml(section, list: section.contains("resource") ? "resource" : "attributes"))
            #expect(error?.message == message && error?.line == line, "\(section): \(String(describing: error))")
        }
        let unknown = AttributesHarness.configError(AttributesHarness.yaml("  attributes:\n    actions: [{key: a, action: delete, rule: x}]", list: "attributes"))
        #expect(unknown?.message.hasPrefix("unknown key") == true && unknown?.path == "processors.attributes.actions[0].rule", "\(String(describing: unknown))")
    }

    @Test("include/exclude checks: match_type, empty keys, regexp values that are not strings, span kinds, and the signals a block can serve")
    func matchChecks() {
        func error(_ block: String, pipelines: [String] = ["traces"]) -> String? {
            let yaml = AttributesHarness.yaml("  attributes:\n    actions: [{key: a, action: delete}]\n    include: \(block)", list: "attributes", pipelines: pipelines)
            return AttributesHarness.configError(yaml)?.message
        }
        #expect(error("{services: [a]}") == "unrecognized match_type: '', valid types are: [regexp strict]")
        #expect(error("{match_type: exact, services: [a]}") == "unrecognized match_type: 'exact', valid types are: [regexp strict]")
        #expect(error("{match_type: strict, attributes: [{value: 1}]}") == "error creating attribute filters: can't have empty key in the list of attributes")
        #expect(error("{match_type: regexp, resources: [{key: a, value: 1}]}") == #"error creating resource filters: match_type=regexp for "a" only supports Str, but found Int"#)
        #expect(error("{match_type: strict, span_kinds: [server]}")?.hasPrefix("span_kinds string must match one of the standard span kinds when match_type=strict: [SPAN_KIND_CLIENT") == true)
        #expect(error("{match_type: regexp, span_names: ['a(']}")?.hasPrefix("error creating span name filters: error parsing regexp") == true)
        // A block only some signals can use: refused in the others' pipelines, with the Collector's reason.
        #expect(error("{match_type: strict, services: [a]}", pipelines: ["traces", "metrics"])
            == #"attributes cannot be used in a metrics pipeline: include: "span_names", "span_kinds", "log_bodies", "log_severity_texts", "log_severity_number", "services", "attributes" and "libraries" are not valid for metrics"#)
        #expect(error("{match_type: strict, metric_names: [a]}", pipelines: ["metrics", "logs"])
            == "attributes cannot be used in a logs pipeline: include: services, span_names, span_kinds and metric_names are not valid for log records")
        #expect(error("{match_type: strict, log_bodies: [a]}", pipelines: ["logs", "traces"])
            == "attributes cannot be used in a traces pipeline: include: log_bodies should not be specified for trace spans")
        #expect(error("{match_type: strict}")?.hasPrefix("include/exclude cannot select items of any signal (traces: include: at least one of \"attributes\", \"libraries\",  or \"resources\" field must be specified;") == true)
    }

    @Test("Values keep the type YAML gives them: quoted text is a string, plain numbers and booleans are typed, lists and maps nest")
    func typedValues() throws {
        let harness = try AttributesHarness("""
              attributes:
                actions:
                  - {key: s, value: "2245", action: insert}
                  - {key: i, value: 2245, action: insert}
                  - {key: h, value: 0x10, action: insert}
                  - {key: d, value: 1.5, action: insert}
                  - {key: b, value: True, action: insert}
                  - {key: y, value: yes, action: insert}
                  - {key: l, value: [1, two, {x: null}], action: insert}
                  - key: e
                    value: ${TENANT:-42}
                    action: insert
                  - {key: o, value: 017, action: insert}
                  - {key: u, value: 1_000, action: insert}
                  - {key: f, value: 1e3, action: insert}
                  - {key: t, value: !!str 123, action: insert}
                  - {key: n, value: -.inf, action: insert}
            """, list: "attributes", pipelines: ["traces"])
        defer { harness.gateway.shutdown() }
        try harness.send([AttributesHarness.Span()])
        #expect(try harness.spanAttributes() == [pairs(
            ("s", .string("2245")), ("i", .int(2245)), ("h", .int(16)), ("d", .double(1.5)), ("b", .bool(true)), ("y", .string("yes")),
            ("l", .array([.int(1), .string("two"), .map(pairs(("x", .empty)))])), ("e", .int(42)),
            ("o", .int(15)), ("u", .int(1000)), ("f", .double(1000)), ("t", .string("123")), ("n", .double(-.infinity)))])
    }

    @Test("A request no action changes is handed on byte for byte (traces, metrics, logs); one that is changed is re-encoded")
    func untouchedRequestsKeepTheirBytes() throws {
        // Each signal has a pipeline with the processors and a plain one beside it, fed by the same receiver.
        let processors = """
              attributes:
                actions: [{key: absent, action: delete}, {key: absent, value: x, action: update}, {pattern: '^nothing$', action: hash}]
              resource:
                attributes: [{key: absent, from_attribute: also_absent, action: upsert}, {key: absent, action: delete}]
            """
        let yaml = AttributesHarness.yaml(processors, list: "attributes, resource", pipelines: ["traces", "metrics", "logs"])
            .replacingOccurrences(of: "  telemetry:", with: """
                    traces/plain: {receivers: [otlp], processors: [], exporters: [memory]}
                    metrics/plain: {receivers: [otlp], processors: [], exporters: [memory]}
                    logs/plain: {receivers: [otlp], processors: [], exporters: [memory]}
                  telemetry:
                """)
        let harness = AttributesHarness(gateway: try InProcessGateway(yaml: yaml))
        defer { harness.gateway.shutdown() }
        let attributes: [(String, OTLPValue)] = [("http.method", .string("GET")), ("n", .int(3)), ("m", .map(pairs(("d", .double(1.5)))))]
        try harness.send([AttributesHarness.Span(service: "s", attributes: attributes)])
        try harness.send([AttributesHarness.Log(attributes: attributes, resource: [("service.name", .string("s"))])])
        try harness.send([AttributesHarness.Metric(points: [attributes, []])])
        for signal in OTLPSignal.allCases {
            let bytes = harness.gateway.memory.payloads(signal).map(\.bytes)
            #expect(bytes.count == 2 && bytes[0] == bytes[1], "\(signal)")
        }
        // The control: a span the delete changes leaves the two pipelines with different bytes.
        try harness.send([AttributesHarness.Span(service: "s", attributes: attributes + [("absent", .bool(true))])])
        let traces = harness.gateway.memory.payloads(.traces).map(\.bytes)
        #expect(traces.count == 4 && traces[2] != traces[3])
    }

    @Test("Edits the budget refuses are answered retry-later (429), nothing is forwarded, and the budget is whole again")
    func memoryRefused() throws {
        // 20 spans each given a 200 kB value need 4 MB of edits; the budget is 3 MiB less 1 MiB of headroom.
        let big = String(repeating: "x", count: 200_000)
        let harness = try AttributesHarness("""
              memory_limiter: {check_interval: 1s, limit_mib: 3, spike_limit_mib: 1}
              attributes:
                actions: [{key: big, value: \(big), action: upsert}]
            """, list: "memory_limiter, attributes", pipelines: ["traces"])
        defer { harness.gateway.shutdown() }
        let spans = (0..<20).map { AttributesHarness.Span(name: "s\($0)") }
        let groups = spans.map { "{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"0102030405060708\",\"name\":\"\($0.name)\"}]}]}" }
        let body = Array("{\"resourceSpans\":[\(groups.joined(separator: ","))]}".utf8)
        let response = try OTLPRequests.post(body, to: "\(harness.gateway.url)/v1/traces", contentType: "application/json")
        #expect(response.status == 429, "\(response.status)")
        #expect(harness.gateway.memory.payloads(.traces).isEmpty)
        let deadline = Date().addingTimeInterval(10)
        while harness.gateway.service.budget.usedBytes > 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(harness.gateway.service.budget.usedBytes == 0)
        // A request that fits goes through the same processor.
        try harness.send([AttributesHarness.Span()])
        #expect(try harness.spanAttributes().map { $0.count } == [1])
    }
}
