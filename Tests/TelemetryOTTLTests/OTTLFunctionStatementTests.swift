import Telemetry
import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// The Collector's end-to-end statements (`pkg/ottl/e2e/e2e_test.go` @008a0cb, `Test_e2e_editors` and
/// `Test_e2e_converters`), parsed, compiled with the standard functions and run on a span that carries the
/// e2e fixture's attributes (the Collector runs them on a log record; `attributes` becomes `span.attributes`).
@Suite("OTTL functions through statements: the Collector's e2e cases")
struct OTTLFunctionStatementTests {
    /// `constructLogTransformContext`'s attributes.
    static let fixture: [OTLPKeyValue] = [
        kv("http.method", .string("get")), kv("http.path", .string("/health")), kv("http.url", .string("http://localhost/health")),
        kv("flags", .string("A|B|C")), kv("total.string", .string("123456789")),
        kv(
            "foo",
            .map([
                kv("bar", .string("pass")), kv("flags", .string("pass")), kv("slice", .array([.string("val")])),
                kv("nested", .map([kv("test", .string("pass"))])),
            ])),
    ]

    /// Runs `statement` on a fresh span with the fixture's attributes; its attributes afterwards.
    static func run(_ statement: String) throws -> [String: OTLPValue] {
        let fixture = try OTTLFunctionFixture(Self.fixture)
        let parsed = try OTTLParser.statement(statement)
        let context = try OTTLContextInference.infer(
            statements: [parsed], conditions: [], allowed: [.resource, .scope, .span, .spanevent], functions: .standard)
        let group = OTTLStatementGroup(
            context: context, conditions: [], statements: [(try OTTLCompiler(context: context, functions: .standard).statement(parsed), statement)],
            errorMode: .propagate)
        try group.run(on: fixture.request) { _, _ in }
        return dictionary(fixture.attributes.pairs)
    }

    static func dictionary(_ pairs: [OTLPKeyValue]) -> [String: OTLPValue] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    static func expect(_ statement: String, sourceLocation: SourceLocation = #_sourceLocation, _ change: (inout [String: OTLPValue]) -> Void) {
        var expected = dictionary(fixture)
        change(&expected)
        do {
            #expect(try run(statement) == expected, "\(statement)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(statement): \(error)", sourceLocation: sourceLocation)
        }
    }

    static let foo = dictionary(fixture)["foo"] ?? .empty

    @Test("Editors")
    func editors() {
        Self.expect(#"delete_key(span.attributes, "http.method")"#) { $0["http.method"] = nil }
        Self.expect(#"delete_matching_keys(span.attributes, "^http")"#) {
            $0["http.method"] = nil
            $0["http.path"] = nil
            $0["http.url"] = nil
        }
        Self.expect(#"flatten(span.attributes)"#) {
            $0["foo"] = nil
            $0["foo.bar"] = .string("pass")
            $0["foo.flags"] = .string("pass")
            $0["foo.slice.0"] = .string("val")
            $0["foo.nested.test"] = .string("pass")
        }
        Self.expect(#"flatten(span.attributes, depth=0)"#) { _ in }
        Self.expect(#"keep_keys(span.attributes, ["flags", "total.string"])"#) { attributes in
            attributes = attributes.filter { ["flags", "total.string"].contains($0.key) }
        }
        Self.expect(#"limit(span.attributes, 100, [])"#) { _ in }
        Self.expect(#"limit(span.attributes, 1, ["total.string"])"#) { attributes in attributes = attributes.filter { $0.key == "total.string" } }
        Self.expect(#"merge_maps(span.attributes, span.attributes["foo"], "insert")"#) {
            $0["bar"] = .string("pass")
            $0["slice"] = .array([.string("val")])
            $0["nested"] = .map([kv("test", .string("pass"))])
        }
        Self.expect(#"merge_maps(span.attributes, span.attributes["foo"], "update")"#) { $0["flags"] = .string("pass") }
        Self.expect(#"merge_maps(span.attributes, ParseJSON("{\"json_test\":\"pass\"}"), "insert")"#) { $0["json_test"] = .string("pass") }
        Self.expect(#"replace_all_matches(span.attributes, "*/*", "test")"#) {
            $0["http.path"] = .string("test")
            $0["http.url"] = .string("test")
        }
        Self.expect(#"replace_all_patterns(span.attributes, "key", "^http", "test")"#) {
            for key in ["method", "path", "url"] {
                $0["test.\(key)"] = $0["http.\(key)"]
                $0["http.\(key)"] = nil
            }
        }
        Self.expect(#"replace_all_patterns(span.attributes, "value", "/", "@")"#) {
            $0["http.path"] = .string("@health")
            $0["http.url"] = .string("http:@@localhost@health")
        }
        Self.expect(#"replace_match(span.attributes["http.path"], "*/*", "test")"#) { $0["http.path"] = .string("test") }
        Self.expect(#"replace_pattern(span.attributes["http.path"], "/", "@")"#) { $0["http.path"] = .string("@health") }
        Self.expect(#"replace_pattern(span.attributes["http.path"], "/", "@", SHA256)"#) {
            $0["http.path"] = .string("c3641f8544d7c02f3580b07c0f9887f0c6a27ff5ab1d4a3e29caf197cfc299aehealth")
        }
        Self.expect(#"replace_pattern(span.attributes["http.url"], "(\\w+)://(\\w+)", "$2 via $1", replacement_format="x=%s", function=ToUpperCase)"#) {
            $0["http.url"] = .string("x=LOCALHOST VIA HTTP/health")
        }
        Self.expect(#"set(span.attributes["test"], "pass")"#) { $0["test"] = .string("pass") }
        Self.expect(#"set(span.attributes["test"], nil)"#) { _ in }
        Self.expect(#"set(span.attributes["test"], span.attributes["unknown"])"#) { _ in }
        Self.expect(#"set(span.attributes["foo"]["test"], "pass")"#) {
            guard case .map(var pairs) = Self.foo else { return }
            pairs.append(kv("test", .string("pass")))
            $0["foo"] = .map(pairs)
        }
        Self.expect(#"truncate_all(span.attributes, 100)"#) { _ in }
        Self.expect(#"truncate_all(span.attributes, 1)"#) {
            $0["http.method"] = .string("g")
            $0["http.path"] = .string("/")
            $0["http.url"] = .string("h")
            $0["flags"] = .string("A")
            $0["total.string"] = .string("1")
        }
        Self.expect(#"truncate_all(span.attributes, 5, truncation_marker="..")"#) {
            $0["http.path"] = .string("/he..")
            $0["http.url"] = .string("htt..")
            $0["total.string"] = .string("123..")
        }
    }

    @Test("Converters")
    func converters() {
        Self.expect(#"set(span.attributes["test"], Concat(["A","B"], ":"))"#) { $0["test"] = .string("A:B") }
        Self.expect(#"set(span.attributes["test"], Concat([span.attributes["http.method"], span.attributes["absent"], 1, 2.5], "-"))"#) {
            $0["test"] = .string("get-<nil>-1-2.5")
        }
        Self.expect(#"set(span.attributes["test"], Int(span.attributes["total.string"]))"#) { $0["test"] = .int(123_456_789) }
        Self.expect(#"set(span.attributes["test"], "pass") where IsMatch(span.attributes["flags"], "^A\\|B")"#) { $0["test"] = .string("pass") }
        Self.expect(#"set(span.attributes["test"], "pass") where IsMatch(span.attributes["foo"], "\"slice\":\\[\"val\"\\]")"#) {
            $0["test"] = .string("pass")
        }
        for statement in [#"Double(1.0)"#, #"Double("1")"#, #"Double(true)"#, #"Double(1)"#] {
            Self.expect(#"set(span.attributes["test"], \#(statement))"#) { $0["test"] = .double(1) }
        }
        for statement in [#"Int(1.0)"#, #"Int("1")"#, #"Int(true)"#, #"Int(1)"#] {
            Self.expect(#"set(span.attributes["test"], \#(statement))"#) { $0["test"] = .int(1) }
        }
        Self.expect(#"set(span.attributes["test"], "pass") where IsMatch("aa123bb", "\\d{3}")"#) { $0["test"] = .string("pass") }
        Self.expect(#"set(span.attributes["test"], "pass") where IsString("")"#) { $0["test"] = .string("pass") }
        Self.expect(#"set(span.attributes["test"], "pass") where IsInt(span.attributes["flags"])"#) { _ in }
        Self.expect(#"set(span.attributes["test"], Len(span.attributes["foo"]))"#) { $0["test"] = .int(4) }
        Self.expect(#"set(span.attributes["test"], ParseJSON("{\"id\":1}"))"#) { $0["test"] = .map([kv("id", .double(1))]) }
        Self.expect(#"set(span.attributes["test"], ParseJSON("[\"value1\",\"value2\"]"))"#) { $0["test"] = .array([.string("value1"), .string("value2")]) }
        Self.expect(#"set(span.attributes["test"], SHA256("pass"))"#) {
            $0["test"] = .string("d74ff0ee8da3b9806b18c877dbf29bbde50b5bd8e4dad7a3a725000feb82e8f1")
        }
        Self.expect(#"set(span.attributes["test"], Split(span.attributes["flags"], "|"))"#) {
            $0["test"] = .array([.string("A"), .string("B"), .string("C")])
        }
        Self.expect(#"set(span.attributes["test"], Split(span.attributes["flags"], "|")[1])"#) { $0["test"] = .string("B") }
        Self.expect(#"set(span.attributes["test"], Substring("pass", 0, 2))"#) { $0["test"] = .string("pa") }
        Self.expect(#"set(span.attributes["test"], ToUpperCase(span.attributes["http.method"]))"#) { $0["test"] = .string("GET") }
        Self.expect(#"set(span.attributes["test"], String(span.attributes["foo"]["slice"]))"#) { $0["test"] = .string(#"["val"]"#) }
        Self.expect(#"set(span.attributes["test"], "pass") where Now() - Now() < 3600000000000"#) { $0["test"] = .string("pass") }
        Self.expect(#"set(span.attributes["test"], "pass") where UnixNano(span.start_time_unix_nano) > 0"#) { $0["test"] = .string("pass") }
        Self.expect(#"set(span.attributes["test"], "pass") where span.span_id == SpanID(0x0000000000000003)"#) { $0["test"] = .string("pass") }
        Self.expect(#"set(span.attributes["test"], "pass") where span.trace_id == TraceID("00000000000000010000000000000002")"#) {
            $0["test"] = .string("pass")
        }
    }
}
