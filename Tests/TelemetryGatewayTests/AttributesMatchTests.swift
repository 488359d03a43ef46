import TelemetryOTLPData
import Testing

/// `include` / `exclude` of the attributes processor (the Collector's filterconfig.MatchProperties):
/// include is checked first, every property given must match, one entry of a list is enough; strict
/// compares values with their types, regexp finds an RE2 expression anywhere in the text.
@Suite("Attributes processor: include and exclude")
struct AttributesMatchTests {
    static let insert = "    actions: [{key: attribute1, value: 123, action: insert}]"
    static let added = ("attribute1", OTLPValue.int(123))

    /// The span attributes after `attributes` (its keys under the processor, indented by four) ran
    /// over `spans`, in a traces-only gateway.
    static func spans(_ settings: String, _ spans: [AttributesHarness.Span]) throws -> [[OTLPKeyValue]] {
        let harness = try AttributesHarness("  attributes:\n\(settings)", list: "attributes", pipelines: ["traces"])
        defer { harness.gateway.shutdown() }
        try harness.send(spans)
        return try harness.spanAttributes()
    }

    static func logs(_ settings: String, _ logs: [AttributesHarness.Log]) throws -> [[OTLPKeyValue]] {
        let harness = try AttributesHarness("  attributes:\n\(settings)", list: "attributes", pipelines: ["logs"])
        defer { harness.gateway.shutdown() }
        try harness.send(logs)
        return try harness.logAttributes()
    }

    static func metrics(_ settings: String, _ metrics: [AttributesHarness.Metric]) throws -> [[OTLPKeyValue]] {
        let harness = try AttributesHarness("  attributes:\n\(settings)", list: "attributes", pipelines: ["metrics"])
        defer { harness.gateway.shutdown() }
        try harness.send(metrics)
        return try harness.pointAttributes()
    }

    // Source: processor/attributesprocessor/attributes_trace_test.go (@59e14f7).

    @Test("Services by regexp, excluded by a strict bool attribute; a missing service.name is <nil-service-name> (TestAttributes_FilterSpans)")
    func filterSpans() throws {
        let result = try Self.spans("""
            \(Self.insert)
                include: {match_type: regexp, services: [svcA, "svcB.*"]}
                exclude: {match_type: strict, attributes: [{key: NoModification, value: true}]}
            """, [
            .init(service: "svcB"),
            .init(service: "svcB", attributes: [("NoModification", .bool(false))]),
            .init(service: "noname"),
            .init(service: "svcB", attributes: [("NoModification", .bool(true))]),
            .init(service: nil),
        ])
        #expect(result == [
            pairs(Self.added), pairs(("NoModification", .bool(false)), Self.added), [], pairs(("NoModification", .bool(true))), [],
        ])
    }

    @Test("Span names, strict: include [apply, dont_apply], exclude [dont_apply] (TestAttributes_FilterSpansByNameStrict)")
    func spanNamesStrict() throws {
        let result = try Self.spans("""
            \(Self.insert)
                include: {match_type: strict, span_names: [apply, dont_apply]}
                exclude: {match_type: strict, span_names: [dont_apply]}
            """, [
            .init(name: "apply"), .init(name: "incorrect_span_name"), .init(name: "dont_apply"),
            .init(name: "incorrect_span_name_with_attr", attributes: [("NoModification", .bool(true))]),
        ])
        #expect(result == [pairs(Self.added), [], [], pairs(("NoModification", .bool(true)))])
    }

    @Test("Span names, regexp: include ^apply.*, exclude .*dont_apply$ (TestAttributes_FilterSpansByNameRegexp)")
    func spanNamesRegexp() throws {
        let result = try Self.spans("""
            \(Self.insert)
                include: {match_type: regexp, span_names: ['^apply.*']}
                exclude: {match_type: regexp, span_names: ['.*dont_apply$']}
            """, [.init(name: "apply_to_span_with_no_attrs"), .init(name: "apply_dont_apply"), .init(name: "incorrect_span_name")])
        #expect(result == [pairs(Self.added), [], []])
    }

    @Test("Span kinds (SPAN_KIND_* names), libraries with and without version, regexp on an int attribute's text")
    func kindsLibrariesAndTextOfValues() throws {
        let kinds = try Self.spans("\(Self.insert)\n    include: {match_type: strict, span_kinds: [SPAN_KIND_SERVER, SPAN_KIND_CONSUMER]}", [
            .init(kind: 2), .init(kind: 3), .init(kind: 5), .init(kind: 0),
        ])
        #expect(kinds == [pairs(Self.added), [], pairs(Self.added), []])
        // filterconfig: version not set matches any version; "" only an empty one; "1" exactly.
        let libraries = try Self.spans("\(Self.insert)\n    include: {match_type: strict, libraries: [{name: a}, {name: b, version: ''}, {name: c, version: '1'}]}", [
            .init(scope: "a", scopeVersion: "9"), .init(scope: "b", scopeVersion: ""), .init(scope: "b", scopeVersion: "1"),
            .init(scope: "c", scopeVersion: "1"), .init(scope: "c", scopeVersion: "2"), .init(scope: "d"),
        ])
        #expect(libraries == [pairs(Self.added), pairs(Self.added), [], pairs(Self.added), [], []])
        // regexp compares an int, bool or double attribute as its text; other types never match.
        let texts = try Self.spans("\(Self.insert)\n    include: {match_type: regexp, attributes: [{key: v, value: '^(42|true|1\\.5)$'}]}", [
            .init(attributes: [("v", .int(42))]), .init(attributes: [("v", .bool(true))]), .init(attributes: [("v", .double(1.5))]),
            .init(attributes: [("v", .array([.int(42)]))]), .init(attributes: [("v", .string("43"))]),
        ])
        #expect(texts.map { $0.contains(OTLPKeyValue(key: "attribute1", value: .int(123))) } == [true, true, true, false, false])
        // strict compares with the type: 42 (int) is not "42" (string), nor 42.0 (double).
        let typed = try Self.spans("\(Self.insert)\n    include: {match_type: strict, attributes: [{key: v, value: 42}]}", [
            .init(attributes: [("v", .int(42))]), .init(attributes: [("v", .string("42"))]), .init(attributes: [("v", .double(42))]),
        ])
        #expect(typed.map { $0.count } == [2, 1, 1])
    }

    // Source: processor/attributesprocessor/attributes_log_test.go (@805969d); each record's resource has
    // `name` = the case's name.

    @Test("Logs: resources by regexp, excluded by a strict attribute (TestLogProcessor_AttributesFilterLogs… )")
    func logsResourceRegexp() throws {
        let names = ["apply processor", "apply processor with different value for exclude property", "incorrect name for include property",
                     "attribute match for exclude property"]
        let inputs: [[(String, OTLPValue)]] = [[], [("NoModification", .bool(false))], [], [("NoModification", .bool(true))]]
        let result = try Self.logs("""
            \(Self.insert)
                include: {match_type: regexp, resources: [{key: name, value: '^[^i].*'}]}
                exclude: {match_type: strict, attributes: [{key: NoModification, value: true}]}
            """, zip(names, inputs).map { AttributesHarness.Log(attributes: $1, resource: [("name", .string($0))]) })
        #expect(result == [pairs(Self.added), pairs(("NoModification", .bool(false)), Self.added), [], pairs(("NoModification", .bool(true)))])
    }

    @Test("Logs: strict resources include name=apply, exclude name=dont_apply; severity number with match_undefined")
    func logsResourceStrictAndSeverity() throws {
        let result = try Self.logs("""
            \(Self.insert)
                include: {match_type: strict, resources: [{key: name, value: apply}]}
                exclude: {match_type: strict, resources: [{key: name, value: dont_apply}]}
            """, ["apply", "dont_apply", "incorrect_log_name"].map { AttributesHarness.Log(resource: [("name", .string($0))]) })
        #expect(result == [pairs(Self.added), [], []])
        let severity = try Self.logs("\(Self.insert)\n    include: {match_type: strict, log_severity_number: {min: 9, match_undefined: true}}", [
            .init(severityNumber: 5), .init(severityNumber: 9), .init(severityNumber: 17), .init(severityNumber: 0),
        ])
        #expect(severity == [[], pairs(Self.added), pairs(Self.added), pairs(Self.added)])
    }

    @Test("Metrics: metric_names strict and regexp, resources; every data point of a chosen metric")
    func metrics() throws {
        let strict = try Self.metrics("\(Self.insert)\n    include: {match_type: strict, metric_names: [requests]}", [
            .init(name: "requests", points: [[], [("a", .int(1))]]), .init(name: "requests_total"),
        ])
        #expect(strict == [pairs(Self.added), pairs(("a", .int(1)), Self.added), []])
        let regexp = try Self.metrics("""
            \(Self.insert)
                include: {match_type: regexp, metric_names: ['^http\\.']}
                exclude: {match_type: strict, resources: [{key: env, value: test}]}
            """, [
            .init(name: "http.duration"), .init(name: "rpc.duration"), .init(name: "http.size", resource: [("env", .string("test"))]),
            .init(name: "http.size", resource: [("env", .string("prod"))]),
        ])
        #expect(regexp == [pairs(Self.added), [], [], pairs(Self.added)])
    }
}
