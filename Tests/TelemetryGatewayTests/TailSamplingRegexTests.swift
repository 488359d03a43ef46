import Telemetry
@testable import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// `string_attribute` with `enabled_regex_matching`: RE2 syntax and Go's `MatchString` semantics, as the
/// Collector, in time linear in the attribute however the expression is written.
@Suite("Tail sampling: regular expressions in RE2 syntax, in linear time")
struct TailSamplingRegexTests {
    /// Whether a trace whose one span has the string attribute `k` = `value` is kept by a
    /// `string_attribute` policy matching `patterns`.
    static func keeps(_ patterns: [String], _ value: String) throws -> Bool {
        let quoted = patterns.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        let harness = try TailSamplingHarness(
            "policies: [{name: p, type: string_attribute, string_attribute: {key: k, values: [\(quoted)], enabled_regex_matching: true}}]")
        let trace = TraceID.random()
        try harness.send([TailSamplingHarness.Span(trace: trace, attributes: ["k": .string(value)])])
        harness.advance(.seconds(1))
        return try harness.keptTraces()[trace] != nil
    }

    // The three inputs below are sized so that Swift's backtracking `Regex` (the engine before RE2) takes
    // more than the minute allowed, measured on the 2-core build machine (-O): `.*health.*` took 2.4 s on
    // 8 KiB and grows with the square of the length (10 s on the 16 KiB of the report; ~150 s on 64 KiB);
    // `(a+)+$` took 18.5 s on 18 a's and grows 2.6× per a (~130 s on 20); `(a|aa)*b` took 1.5 s on 28 a's
    // and grows 1.8× per a (~150 s on 36). RE2 answers each in microseconds.

    @Test("`.*health.*` on a 64 KiB attribute is decided at once (the reported request: 10 s of CPU on 16 KiB)", .timeLimit(.minutes(1)))
    func greedyHealthPattern() throws {
        let filler = String(repeating: "x", count: 64 << 10)
        #expect(try !Self.keeps([".*health.*"], filler))
        #expect(try Self.keeps([".*health.*"], filler + "health"))
    }

    @Test("Nested quantifiers `(a+)+$` cannot backtrack exponentially", .timeLimit(.minutes(1)))
    func nestedQuantifiers() throws {
        #expect(try !Self.keeps(["(a+)+$"], String(repeating: "a", count: 20) + "b"))
        #expect(try Self.keeps(["(a+)+$"], String(repeating: "a", count: 20)))
    }

    @Test("Overlapping alternatives `(a|aa)*b` cannot backtrack exponentially", .timeLimit(.minutes(1)))
    func overlappingAlternatives() throws {
        #expect(try !Self.keeps(["(a|aa)*b"], String(repeating: "a", count: 36)))
        #expect(try Self.keeps(["(a|aa)*b"], String(repeating: "a", count: 36) + "b"))
    }

    @Test("Through the HTTP receiver: the reported request's shape (one span with a 64 KiB attribute, a few hundred gzip bytes) is answered 200 at once", .timeLimit(.minutes(1)))
    func reportedRequestOverHTTP() throws {
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              tail_sampling:
                policies: [{name: health, type: string_attribute, string_attribute: {key: http.target, values: ['.*health.*'], enabled_regex_matching: true}}]
            exporters:
              memory:
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [tail_sampling], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
        defer { _ = gateway.shutdown() }
        let span = SpanData(
            name: "GET", context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .server, startTimeNanos: 1,
            endTimeNanos: 2, attributes: ["http.target": .string(String(repeating: "x", count: 64 << 10))])
        let body = Gzip.compress(OTLPTraceEncoder(resource: Resource(serviceName: "s")).encode([span]))
        #expect(body.count < 512, "\(body.count) bytes on the wire")
        let response = try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces", headers: [("Content-Encoding", "gzip")])
        #expect(response.status == 200)
    }

    @Test("Backreferences, lookaround, atomic groups and possessive quantifiers (not RE2) are config errors with file:line:column and RE2's message")
    func backtrackingOnlySyntax() {
        let cases: [(pattern: String, message: String)] = [
            (#"(a)\1"#, #"invalid escape sequence: \1"#),
            ("foo(?=bar)", "invalid perl operator: (?="),
            ("foo(?!bar)", "invalid perl operator: (?!"),
            ("(?<=foo)bar", "invalid perl operator: (?<"),
            ("(?>a+)b", "invalid perl operator: (?>"),
            ("a*+", "bad repetition operator: *+"),
            ("((", "missing ): (("),
        ]
        for entry in cases {
            let yaml = """
                policies:
                  - name: p
                    type: string_attribute
                    string_attribute: {key: k, values: [ok, '\(entry.pattern)'], enabled_regex_matching: true}
                """
            let error = TailSamplingHarness.configError(yaml)
            #expect(error?.path == "policies[0].string_attribute.values[1]", "\(entry.pattern): \(String(describing: error))")
            #expect(error?.message.contains(entry.message) == true, "\(entry.pattern): \(String(describing: error))")
            #expect(error?.description.hasPrefix("tail_sampling.yaml:4:") == true, "\(entry.pattern): \(String(describing: error))")
        }
    }

    @Test("The Collector's examples match as there (source: processor/tailsamplingprocessor/internal/sampling/string_tag_filter_test.go and README.md of open-telemetry/opentelemetry-collector-contrib)")
    func collectorExamples() throws {
        let cases: [(patterns: [String], value: String, kept: Bool)] = [
            // string_tag_filter_test.go
            (["v[0-9]+.HealthCheck$"], "grpc.health.v1.HealthCheck", true),
            (["v[a-z]+.HealthCheck$"], "grpc.health.v1.HealthCheck", false),
            (["^http", "v[0-9]+.HealthCheck$", "metrics$"], "grpc.health.v1.HealthCheck", true),
            (["^http", "v[a-z]+.HealthCheck$", "metrics$"], "grpc.health.v1.HealthCheck", false),
            (["value"], "value", true),
            (["first_value", "value", "last_value"], "value", true),
            // README.md: test-policy-7, drop-policy-1, and rules 2 and 3 of "A Practical Example"
            (["value1", "val*"], "value2", true),
            (["value1", "val*"], "other", false),
            ([#"\/health"#, #"\/metrics"#], "/health", true),
            ([#"\/health"#, #"\/metrics"#], "/api/metrics/cpu", true),
            ([#"\/health"#, #"\/metrics"#], "/ready", false),
            (["/live", "/ready"], "/ready", true),
            (["/v1/name/.+"], "/v1/name/42", true),
            (["/v1/name/.+"], "/v1/name/", false),
            // Go's syntax that RE2 shares: flags, named groups, classes, \Q…\E
            (["(?i)HEALTH"], "/healthz", true),
            (["^(?P<verb>GET|HEAD) /"], "GET /index", true),
            ([#"^\d{3}$"#], "503", true),
            ([#"^\d{3}$"#], "5030", false),
            (["[[:upper:]]{2}"], "aBCd", true),
            ([#"\Q.*\E"#], "a.*b", true),
            ([#"\Q.*\E"#], "ab", false),
        ]
        for entry in cases {
            #expect(try Self.keeps(entry.patterns, entry.value) == entry.kept, "\(entry.patterns) on \(entry.value)")
        }
    }

    @Test("At most 64 regular expressions per processor: their RE2 memory is bounded")
    func patternLimit() {
        let values = (0...64).map { "'p\($0)'" }.joined(separator: ", ")
        let error = TailSamplingHarness.configError(
            "policies: [{name: p, type: string_attribute, string_attribute: {key: k, values: [\(values)], enabled_regex_matching: true}}]")
        #expect(error?.path == "policies[0].string_attribute.values[64]", "\(String(describing: error))")
        #expect(error?.message.contains("at most 64") == true, "\(String(describing: error))")
    }
}
