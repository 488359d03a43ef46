import Telemetry
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

@testable import TelemetryOTTL

/// The compiler and evaluator on real requests, with a test editor `put` (the `set` of the function
/// library, kept minimal here so these tests depend only on the evaluator).
@Suite("OTTL evaluator: paths, conditions, error modes, inference")
struct OTTLEvaluatorTests {
    static let put = OTTLFunction(name: "put", kind: .editor, parameters: ["target", "value"], required: 2) { arguments, _, _ throws(OTTLCompileError) in
        guard let target = arguments[0]?.target, let value = arguments[1] else { throw OTTLCompileError("put needs a path") }
        return { item throws(OTTLError) in
            let new = try value.getter(item)
            if new != .null { try target.set(item, new) }
            return .null
        }
    }
    static let functions = OTTLFunctionTable([put])

    static func request() throws -> EditableRequest {
        let trace = TraceID(high: 7, low: 9)
        let spans = (0..<3).map { index in
            SpanData(
                name: "span-\(index)", context: SpanContext(traceID: trace, spanID: SpanID(UInt64(index + 1))), parent: nil, kind: .client,
                startTimeNanos: 10, endTimeNanos: 20, attributes: ["n": .int(index), "http.method": .string(index == 1 ? "POST" : "GET")])
        }
        let bytes = OTLPTraceEncoder(resource: Resource(serviceName: "svc")).encode(spans)
        return try EditableRequest(try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits()))
    }

    static func group(_ statements: [String], errorMode: OTTLErrorMode = .propagate) throws -> OTTLStatementGroup {
        let parsed = try statements.map { try OTTLParser.statement($0) }
        let context = try OTTLContextInference.infer(statements: parsed, conditions: [], allowed: [.resource, .scope, .span, .spanevent], functions: functions)
        let compiler = OTTLCompiler(context: context, functions: functions)
        return OTTLStatementGroup(
            context: context, conditions: [], statements: try zip(parsed, statements).map { (try compiler.statement($0), $1) }, errorMode: errorMode)
    }

    @Test("A where clause picks the spans; paths read and write attributes, names, kinds, status, ids and the resource")
    func editsWithConditions() throws {
        let request = try Self.request()
        let group = try Self.group([
            #"put(span.attributes["matched"], true) where span.attributes["http.method"] == "POST" and span.kind == SPAN_KIND_CLIENT"#,
            #"put(span.name, "renamed") where span.attributes["n"] >= 2"#,
            #"put(span.status.code, STATUS_CODE_ERROR) where span.name == "span-0""#,
            #"put(span.attributes["trace"], span.trace_id.string)"#,
            #"put(span.attributes["sum"], span.attributes["n"] * 10 + 1)"#,
            #"put(resource.attributes["env"], "prod")"#,
        ])
        #expect(group.context == .span)
        try group.run(on: request) { _, _ in }
        let spans = request.resourceSpans[0].scopeSpans[0].spans
        #expect(spans[1].attributes["matched"] == .bool(true))
        #expect(spans[0].attributes["matched"] == nil && spans[2].attributes["matched"] == nil)
        #expect(spans.map(\.name.value) == ["span-0", "span-1", "renamed"])
        #expect(spans.map(\.statusCode) == [2, 0, 0])
        #expect(spans[0].attributes["trace"] == .string("00000000000000070000000000000009"))
        #expect(spans.map { $0.attributes["sum"] } == [.int(1), .int(11), .int(21)])
        #expect(request.resourceSpans[0].resource.attributes["env"] == .string("prod"))
    }

    @Test("error_mode: propagate stops at the failing statement; ignore reports it and runs the next; silent says nothing")
    func errorModes() throws {
        let statements = [#"put(span.attributes["x"], 1 / 0)"#, #"put(span.attributes["after"], "ran")"#]
        #expect(throws: OTTLError.self) { try Self.group(statements).run(on: try Self.request()) { _, _ in } }

        let request = try Self.request()
        let reports = LockedValue<[String]>([])
        try Self.group(statements, errorMode: .ignore).run(on: request) { message, _ in reports.withLock { $0.append(message) } }
        #expect(reports.withLock { $0 } == Array(repeating: "attempted to divide by 0", count: 3))
        #expect(request.resourceSpans[0].scopeSpans[0].spans.allSatisfy { $0.attributes["after"] == .string("ran") })

        let silent = LockedValue<[String]>([])
        try Self.group(statements, errorMode: .silent).run(on: try Self.request()) { message, _ in silent.withLock { $0.append(message) } }
        #expect(silent.withLock { $0 }.isEmpty)
    }

    @Test("Comparisons follow compare.go: nil == nil, int vs float as numbers, mixed types only unequal, never an error")
    func comparisons() throws {
        let cases: [(String, Bool)] = [
            ("nil == nil", true), ("1 == 1.0", true), ("1 < 1.5", true), (#""a" < "b""#, true), (#""1" == 1"#, false), (#""1" != 1"#, true),
            ("true > false", true), (#"span.attributes["missing"] == nil"#, true), (#"span.attributes["missing"]["deeper"] == nil"#, true),
            ("0x01 < 0x02", true), (#"span.attributes["n"] != nil and not (span.name == "x")"#, true),
        ]
        let request = try Self.request()
        let compiler = OTTLCompiler(context: .span, functions: Self.functions)
        var item: OTTLItem?
        OTTLItemWalk.forEach(.span, in: request) { if item == nil { item = $0 } }
        let first = try #require(item)
        for (text, expected) in cases {
            let condition = try compiler.condition(try OTTLParser.condition(text))
            #expect(try condition(first) == expected, "\(text)")
        }
    }

    @Test("Inference: the highest-priority prefix wins; an unknown context prefix or path is a compile error naming it")
    func inferenceAndCompileErrors() throws {
        #expect(try Self.group([#"put(resource.attributes["a"], "b")"#, #"put(span.name, "n")"#]).context == .span)
        #expect(try Self.group([#"put(resource.attributes["a"], "b")"#]).context == .resource)
        #expect(throws: OTTLCompileError.self) { try Self.group([#"put(attributes["a"], "b")"#]) }
        do {
            _ = try Self.group([#"put(span.atributes["a"], "1")"#])
            Issue.record("a misspelled path compiled")
        } catch let error as OTTLCompileError {
            #expect(error.message.contains("segment \"atributes\"") && error.position?.column == 5)
        }
        #expect(throws: OTTLCompileError.self) { try Self.group([#"nothere(span.name)"#]) }
        #expect(throws: OTTLCompileError.self) { try Self.group([#"put(span.name, NOT_AN_ENUM)"#]) }
    }
}


/// Values a statement stores cannot nest without bound (a map set into itself once per item).
@Suite("OTTL evaluator: nesting of stored values")
struct OTTLNestingTests {
    @Test("set(resource.attributes[\"n\"], resource.attributes) on 100 spans stops at 64 levels with an error, not a deeper tree")
    func selfNestingStops() throws {
        let trace = TraceID(high: 1, low: 1)
        let spans = (0..<100).map { index in
            SpanData(name: "s", context: SpanContext(traceID: trace, spanID: SpanID(UInt64(index + 1))), parent: nil, kind: .internal, startTimeNanos: 1, endTimeNanos: 2)
        }
        let bytes = OTLPTraceEncoder(resource: Resource(serviceName: "svc")).encode(spans)
        let request = try EditableRequest(try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits()))
        let statement = try OTTLParser.statement(#"put(resource.attributes["n"], resource.attributes)"#)
        let compiled = try OTTLCompiler(context: .span, functions: OTTLEvaluatorTests.functions).statement(statement)
        let group = OTTLStatementGroup(context: .span, conditions: [], statements: [(compiled, "nest")], errorMode: .ignore)
        let errors = LockedValue<[String]>([])
        try group.run(on: request) { message, _ in errors.withLock { $0.append(message) } }
        var depth = 0
        var value = request.resourceSpans[0].resource.attributes["n"] ?? .empty
        while case .map(let pairs) = value, let inner = pairs.first(where: { $0.key == "n" }) {
            depth += 1
            value = inner.value
        }
        // The map under `n` nests depth + 1 levels, under resource.attributes: 64 in all, no deeper.
        #expect(depth + 1 == OTTLValue.maxNesting - 1)
        #expect(errors.withLock { $0.count } == 100 - (OTTLValue.maxNesting - 1))
        #expect(errors.withLock { $0.first } == "the value would nest deeper than 64 levels")
    }
}
