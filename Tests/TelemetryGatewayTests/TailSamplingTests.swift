import Foundation
import Telemetry
@testable import TelemetryGatewayCore
import TelemetryOTLPData
import Testing

/// `tail_sampling` in process on a hand-moved clock: each policy, combinations, decision timing, byte
/// budgets, late spans and consistency with the head sampler.
@Suite("Tail sampling: policies, timing, budgets, late spans")
struct TailSamplingTests {
    typealias Span = TailSamplingHarness.Span

    static let errorsSlowAndTenPercent = """
        decision_wait: 30s
        decision_wait_after_root_received: 1s
        policies:
          - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
          - {name: slow, type: latency, latency: {threshold_ms: 500}}
          - {name: ten-percent, type: probabilistic, probabilistic: {sampling_percentage: 10}}
        """

    @Test("All errors + latency > 500 ms + 10% of the rest: every error and slow trace kept whole, the rest exactly as the head sampler decides, with its th")
    func errorsSlowAndTenPercent() throws {
        let harness = try TailSamplingHarness(Self.errorsSlowAndTenPercent)
        var generator = SystemRandomNumberGenerator()
        var errors = Set<TraceID>(), slow = Set<TraceID>(), normal = Set<TraceID>()
        for index in 0..<3000 {
            let trace = TraceID.random(using: &generator)
            var child = Span(trace: trace, root: false)
            var root = Span(trace: trace)
            switch index % 10 {
            case 0:
                child.status = .error
                errors.insert(trace)
            case 1:
                root.durationMillis = 700
                slow.insert(trace)
            default:
                normal.insert(trace)
            }
            // Children first, in one request; the root in a later one, as services report.
            try harness.send([child, Span(trace: trace, root: false)])
            try harness.send([root])
        }
        #expect(try harness.kept().isEmpty, "nothing decided before the root's grace")
        harness.advance(.milliseconds(999))
        #expect(try harness.kept().isEmpty)
        harness.advance(.milliseconds(1))
        let kept = try harness.keptTraces()
        for trace in errors.union(slow) { #expect(kept[trace] == 3, "error or slow trace \(trace) kept whole") }
        let head = Sampler.traceIDRatio(0.1)
        let headKept = normal.filter { trace in
            head.shouldSampleTrace(traceID: trace, traceState: "") {
                SamplingParameters(parent: nil, traceID: trace, name: "", kind: .internal, attributes: [:])
            }.decision.isSampled
        }
        #expect(Set(kept.keys).subtracting(errors).subtracting(slow) == headKept, "the same traces as the head sampler")
        #expect(kept.filter { headKept.contains($0.key) }.allSatisfy { $0.value == 3 })
        // 2400 normal traces at 10%: 240 ± 5 standard deviations (~73).
        #expect((167...313).contains(headKept.count))
        let marks = try harness.kept().filter { headKept.contains($0.trace) && !errors.contains($0.trace) }.map(\.traceState)
        #expect(!marks.isEmpty && marks.allSatisfy { $0 == "ot=th:e6666666666668" || $0.hasPrefix("ot=th:e666") }, "\(Set(marks))")
        #expect(harness.metric("telemetry_tail_sampling_decisions_total", ["policy": "errors", "decision": "sampled"]) == 300)
        #expect(harness.metric("telemetry_tail_sampling_decisions_total", ["policy": "slow", "decision": "sampled"]) == 300)
        #expect(harness.metric("telemetry_tail_sampling_decisions_total", ["policy": "none", "decision": "not_sampled"]) == Double(2400 - headKept.count))
        #expect(harness.metric("telemetry_tail_sampling_traces_buffered") == 0)
        #expect(harness.metric("telemetry_tail_sampling_bytes_buffered") == 0)
    }

    @Test("A trace decides at its root's end plus the grace, or at decision_wait without a root; 0s waits the full window")
    func decisionTiming() throws {
        let harness = try TailSamplingHarness("""
            decision_wait: 30s
            decision_wait_after_root_received: 2s
            policies: [{name: all, type: always_sample}]
            """)
        let withRoot = TraceID.random(), withoutRoot = TraceID.random()
        try harness.send([Span(trace: withRoot, root: false), Span(trace: withoutRoot, root: false)])
        harness.advance(.seconds(5))
        try harness.send([Span(trace: withRoot)])
        harness.advance(.milliseconds(1999))
        #expect(try harness.keptTraces().isEmpty)
        harness.advance(.milliseconds(1))
        #expect(try harness.keptTraces() == [withRoot: 2])
        harness.advance(.seconds(22))
        #expect(try harness.keptTraces()[withoutRoot] == nil, "29 s after its first span")
        harness.advance(.seconds(1))
        #expect(try harness.keptTraces()[withoutRoot] == 1)

        let fullWindow = try TailSamplingHarness("""
            decision_wait: 10s
            decision_wait_after_root_received: 0s
            policies: [{name: all, type: always_sample}]
            """)
        try fullWindow.send([Span(trace: withRoot)])
        fullWindow.advance(.milliseconds(9999))
        #expect(try fullWindow.keptTraces().isEmpty)
        fullWindow.advance(.milliseconds(1))
        #expect(try fullWindow.keptTraces() == [withRoot: 1])
    }

    @Test("A 50,000-span trace passes its budget: decided early on what arrived, the rest follows the decision, other traces unaffected, memory bounded")
    func giantTrace() throws {
        let harness = try TailSamplingHarness("""
            maximum_trace_size_bytes: 262144
            maximum_buffered_bytes: 1048576
            policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]
            """)
        let giant = TraceID.random(), small = TraceID.random()
        try harness.send([Span(trace: small, root: false, status: .error)])
        var peak = 0.0
        for batch in 0..<100 {
            var spans = (0..<500).map { _ in Span(trace: giant, root: false, attributes: ["payload": .string(String(repeating: "x", count: 20))]) }
            if batch == 0 { spans[0].status = .error }
            try harness.send(spans)
            peak = max(peak, harness.metric("telemetry_tail_sampling_bytes_buffered"))
        }
        #expect(peak <= 1_048_576)
        #expect(harness.metric("telemetry_tail_sampling_early_decisions_total", ["reason": "trace_too_large"]) == 1)
        let kept = try harness.keptTraces()
        #expect(kept[giant] == 50_000, "kept (it has an error) and every later span followed")
        #expect(kept[small] == nil, "the small trace still waits for its time")
        #expect(harness.metric("telemetry_tail_sampling_late_spans_total", ["decision": "sampled"]) > 40_000)
        harness.advance(.seconds(30))
        #expect(try harness.keptTraces()[small] == 1)
    }

    @Test("A full buffer decides its oldest traces early (counted) and never holds more than its budget")
    func bufferFull() throws {
        let harness = try TailSamplingHarness("""
            maximum_buffered_bytes: 65536
            maximum_trace_size_bytes: 16384
            num_traces: 100000
            policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]
            """)
        var traces: [TraceID] = []
        for index in 0..<2000 {
            let trace = TraceID.random()
            traces.append(trace)
            try harness.send([Span(trace: trace, root: false, status: index.isMultiple(of: 2) ? .error : .unset)])
            #expect(harness.metric("telemetry_tail_sampling_bytes_buffered") <= 65536)
        }
        let early = harness.metric("telemetry_tail_sampling_early_decisions_total", ["reason": "buffer_full"])
        #expect(early > 1000)
        let buffered = Int(harness.metric("telemetry_tail_sampling_traces_buffered"))
        #expect(Int(early) + buffered == 2000)
        let kept = try harness.keptTraces()
        let evicted = traces.prefix(Int(early))
        #expect(evicted.enumerated().allSatisfy { index, trace in (kept[trace] != nil) == index.isMultiple(of: 2) }, "oldest first, decided on their spans")
        #expect(traces.suffix(buffered).allSatisfy { kept[$0] == nil })

        let counted = try TailSamplingHarness("""
            num_traces: 10
            policies: [{name: all, type: always_sample}]
            """)
        for _ in 0..<25 { try counted.send([Span(trace: .random(), root: false)]) }
        #expect(counted.metric("telemetry_tail_sampling_traces_buffered") == 10)
        #expect(counted.metric("telemetry_tail_sampling_early_decisions_total", ["reason": "buffer_full"]) == 15)
    }

    @Test("Spans after the decision follow it (kept ones forwarded with the trace's th, dropped ones dropped), hits counted; a disabled cache starts a new trace")
    func lateSpans() throws {
        let harness = try TailSamplingHarness(Self.errorsSlowAndTenPercent)
        let kept = TraceID(high: 1, low: 0xFF_FFFF_FFFF_FFFF), dropped = TraceID(high: 2, low: 0x10)
        try harness.send([Span(trace: kept), Span(trace: dropped)])
        harness.advance(.seconds(1))
        #expect(try harness.keptTraces() == [kept: 1])
        try harness.send([Span(trace: kept, root: false), Span(trace: dropped, root: false), Span(trace: dropped, root: false)])
        #expect(try harness.keptTraces() == [kept: 2], "forwarded at once")
        #expect(try harness.kept().allSatisfy { $0.traceState.hasPrefix("ot=th:") })
        #expect(harness.metric("telemetry_tail_sampling_late_spans_total", ["decision": "sampled"]) == 1)
        #expect(harness.metric("telemetry_tail_sampling_late_spans_total", ["decision": "not_sampled"]) == 2)
        #expect(harness.metric("telemetry_tail_sampling_decision_cache_lookups_total", ["result": "hit"]) == 2)
        #expect(harness.metric("telemetry_tail_sampling_decision_cache_lookups_total", ["result": "miss"]) == 2)
        #expect(harness.metric("telemetry_tail_sampling_traces_buffered") == 0)

        let forgetful = try TailSamplingHarness("""
            decision_cache: {sampled_cache_size: 0, non_sampled_cache_size: 0}
            policies: [{name: all, type: always_sample}]
            """)
        try forgetful.send([Span(trace: kept)])
        forgetful.advance(.seconds(1))
        try forgetful.send([Span(trace: kept, root: false)])
        #expect(forgetful.metric("telemetry_tail_sampling_traces_buffered") == 1, "no cache: a new trace")
    }

    @Test("Attribute, count and trace state policies, each matching and not, with invert_match")
    func spanPolicies() throws {
        func decides(_ policy: String, _ spans: (TraceID) -> [Span]) throws -> Bool {
            let harness = try TailSamplingHarness("policies: [\(policy)]")
            let trace = TraceID.random()
            try harness.send(spans(trace))
            harness.advance(.seconds(1))
            return try harness.keptTraces()[trace] != nil
        }
        let route = "{name: p, type: string_attribute, string_attribute: {key: http.route, values: [/checkout, /pay]}}"
        #expect(try decides(route) { [Span(trace: $0, attributes: ["http.route": .string("/pay")])] })
        #expect(try !decides(route) { [Span(trace: $0, attributes: ["http.route": .string("/health")])] })
        #expect(try decides(route) { [Span(trace: $0)] } == false)
        let regex = "{name: p, type: string_attribute, string_attribute: {key: service.name, values: ['^check'], enabled_regex_matching: true}}"
        #expect(try decides(regex) { [Span(trace: $0)] }, "matches the resource attribute service.name=checkout")
        let inverted = "{name: p, type: string_attribute, string_attribute: {key: http.route, values: [/health], invert_match: true}}"
        #expect(try !decides(inverted) { [Span(trace: $0, attributes: ["http.route": .string("/health")])] })
        #expect(try decides(inverted) { [Span(trace: $0, attributes: ["http.route": .string("/pay")])] })
        let numeric = "{name: p, type: numeric_attribute, numeric_attribute: {key: http.status_code, min_value: 500, max_value: 599}}"
        #expect(try decides(numeric) { [Span(trace: $0, attributes: ["http.status_code": .int(503)])] })
        #expect(try !decides(numeric) { [Span(trace: $0, attributes: ["http.status_code": .int(404)])] })
        #expect(try decides(numeric) { [Span(trace: $0, attributes: ["http.status_code": .double(500.0)])] })
        let boolean = "{name: p, type: boolean_attribute, boolean_attribute: {key: retry, value: true}}"
        #expect(try decides(boolean) { [Span(trace: $0, attributes: ["retry": .bool(true)])] })
        #expect(try !decides(boolean) { [Span(trace: $0, attributes: ["retry": .bool(false)])] })
        let count = "{name: p, type: span_count, span_count: {min_spans: 3, max_spans: 4}}"
        #expect(try !decides(count) { trace in [Span(trace: trace), Span(trace: trace, root: false)] })
        #expect(try decides(count) { trace in [Span(trace: trace)] + Array(repeating: Span(trace: trace, root: false), count: 2) })
        #expect(try !decides(count) { trace in [Span(trace: trace)] + Array(repeating: Span(trace: trace, root: false), count: 4) })
        let state = "{name: p, type: trace_state, trace_state: {key: tenant, values: [gold]}}"
        #expect(try decides(state) { [Span(trace: $0, traceState: "tenant=gold")] })
        #expect(try !decides(state) { [Span(trace: $0, traceState: "tenant=silver")] })
        let ok = "{name: p, type: status_code, status_code: {status_codes: [OK, UNSET]}}"
        #expect(try decides(ok) { [Span(trace: $0, status: .ok)] })
        #expect(try !decides(ok) { [Span(trace: $0, status: .error)] })
        let rootLatency = "{name: p, type: latency, latency: {threshold_ms: 100, upper_threshold_ms: 1000, duration_of: root_span}}"
        #expect(try decides(rootLatency) { [Span(trace: $0, durationMillis: 200)] })
        #expect(try !decides(rootLatency) { [Span(trace: $0, durationMillis: 2000)] })
        #expect(try !decides(rootLatency) { trace in [Span(trace: trace, durationMillis: 50), Span(trace: trace, root: false, durationMillis: 500)] })
        let traceLatency = "{name: p, type: latency, latency: {threshold_ms: 100}}"
        #expect(try decides(traceLatency) { trace in [Span(trace: trace, durationMillis: 50), Span(trace: trace, root: false, durationMillis: 500)] })
    }

    @Test("and needs every sub-policy, drop wins over anything that samples, an inverted match vetoes, sample_on_first_match stops early")
    func combinations() throws {
        let harness = try TailSamplingHarness("""
            policies:
              - {name: everything, type: always_sample}
              - name: errors-on-checkout
                type: and
                and:
                  and_sub_policy:
                    - {name: error, type: status_code, status_code: {status_codes: [ERROR]}}
                    - {name: route, type: string_attribute, string_attribute: {key: http.route, values: [/checkout]}}
              - name: no-health-checks
                type: drop
                drop:
                  drop_sub_policy:
                    - {name: health, type: string_attribute, string_attribute: {key: http.route, values: [/health]}}
            """)
        let health = TraceID.random(), checkout = TraceID.random(), other = TraceID.random()
        try harness.send([
            Span(trace: health, attributes: ["http.route": .string("/health")]),
            Span(trace: checkout, status: .error, attributes: ["http.route": .string("/checkout")]),
            Span(trace: other),
        ])
        harness.advance(.seconds(1))
        #expect(Set(try harness.keptTraces().keys) == [checkout, other])
        #expect(harness.metric("telemetry_tail_sampling_decisions_total", ["policy": "no-health-checks", "decision": "not_sampled"]) == 1)

        let veto = try TailSamplingHarness("""
            policies:
              - {name: everything, type: always_sample}
              - {name: not-internal, type: string_attribute, string_attribute: {key: tier, values: [internal], invert_match: true}}
            """)
        let internalTrace = TraceID.random()
        try veto.send([Span(trace: internalTrace, attributes: ["tier": .string("internal")])])
        veto.advance(.seconds(1))
        #expect(try veto.keptTraces().isEmpty)
        #expect(veto.metric("telemetry_tail_sampling_decisions_total", ["policy": "not-internal", "decision": "not_sampled"]) == 1)

        let firstMatch = try TailSamplingHarness("""
            sample_on_first_match: true
            policies:
              - {name: first, type: always_sample}
              - {name: limited, type: rate_limiting, rate_limiting: {spans_per_second: 1}}
            """)
        for _ in 0..<5 { try firstMatch.send([Span(trace: .random())]) }
        firstMatch.advance(.seconds(1))
        #expect(try firstMatch.keptTraces().count == 5)
        #expect(firstMatch.metric("telemetry_tail_sampling_decisions_total", ["policy": "first", "decision": "sampled"]) == 5)
    }

    @Test("rate_limiting keeps at most its spans per second, and again the next second; composite gives each sub-policy its share in order")
    func rates() throws {
        let limited = try TailSamplingHarness("policies: [{name: limit, type: rate_limiting, rate_limiting: {spans_per_second: 10}}]")
        for _ in 0..<8 { try limited.send([Span(trace: .random()), Span(trace: .random())]) }
        limited.advance(.seconds(1))
        #expect(try limited.kept().count == 10)
        for _ in 0..<8 { try limited.send([Span(trace: .random())]) }
        limited.advance(.seconds(1))
        #expect(try limited.kept().count == 18)

        let composite = try TailSamplingHarness("""
            policies:
              - name: budget
                type: composite
                composite:
                  max_total_spans_per_second: 100
                  policy_order: [errors, rest]
                  composite_sub_policy:
                    - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
                    - {name: rest, type: always_sample}
                  rate_allocation:
                    - {policy: errors, percent: 70}
                    - {policy: rest, percent: 30}
            """)
        var errorTraces = Set<TraceID>()
        for index in 0..<200 {
            let trace = TraceID.random()
            if index < 100 { errorTraces.insert(trace) }
            try composite.send([Span(trace: trace, status: index < 100 ? .error : .unset)])
        }
        composite.advance(.seconds(1))
        let kept = try composite.keptTraces()
        #expect(kept.count == 100, "70 error traces by their share, then 30 by the rest's share")
        #expect(kept.keys.filter { errorTraces.contains($0) }.count >= 70)
    }

    @Test("Shutdown decides every buffered trace and hands the kept ones on")
    func shutdown() throws {
        let harness = try TailSamplingHarness("policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]")
        let error = TraceID.random()
        try harness.send([Span(trace: error, root: false, status: .error), Span(trace: .random(), root: false)])
        harness.processor.shutdown()
        #expect(try harness.keptTraces() == [error: 1])
        #expect(harness.metric("telemetry_tail_sampling_early_decisions_total", ["reason": "shutdown"]) == 2)
    }

    @Test("Bad sections are refused with the key and line that is wrong")
    func configErrors() {
        let cases: [(yaml: String, path: String, words: String)] = [
            ("policies: []", "policies", "at least one"),
            ("policies: [{name: a, type: ottl_condition, ottl_condition: {}}]", "policies[0].type", "unsupported"),
            ("policies: [{name: a, type: latency}]", "policies[0]", "under \"latency\""),
            ("policies: [{name: a, type: latency, status_code: {status_codes: [OK]}}]", "policies[0].status_code", "not \"status_code\""),
            ("policies: [{name: a, type: string_attribute, string_attribute: {key: k, values: ['(('], enabled_regex_matching: true}}]",
             "policies[0].string_attribute.values[0]", "regular expression"),
            ("policies: [{name: a, type: status_code, status_code: {status_codes: [FAILED]}}]", "policies[0].status_code.status_codes[0]", "ERROR"),
            ("policies: [{name: a, type: always_sample}, {name: a, type: always_sample}]", "policies[1]", "two policies"),
            ("maximum_trace_size_bytes: 200000\nmaximum_buffered_bytes: 100000\npolicies: [{name: a, type: always_sample}]",
             "maximum_trace_size_bytes", "must not exceed"),
            ("policies: [{name: c, type: composite, composite: {max_total_spans_per_second: 10, policy_order: [x], composite_sub_policy: [{name: y, type: always_sample}]}}]",
             "policies[0].composite.policy_order", "exactly once"),
        ]
        for entry in cases {
            let error = TailSamplingHarness.configError(entry.yaml)
            #expect(error?.path == entry.path, "\(entry.yaml): \(String(describing: error))")
            #expect(error?.message.contains(entry.words) == true, "\(entry.yaml): \(String(describing: error))")
            #expect((error?.line ?? 0) >= 1)
        }
    }
}
