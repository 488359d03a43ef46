import Telemetry

/// One configured policy of `tail_sampling`: its name (for metrics) and its rule.
struct TailSamplingPolicy: Sendable {
    /// The `name` from the configuration.
    let name: String
    /// What it checks; rate-limiting rules carry their spending, so evaluation mutates.
    var rule: TailSamplingRule
}

/// The Collector's policy types.
indirect enum TailSamplingRule: Sendable {
    /// `always_sample`.
    case alwaysSample
    /// `status_code`, `string_attribute`, `numeric_attribute`, `boolean_attribute`, `trace_state`: some
    /// span matched predicate `index` (with `invert`: no span did).
    case predicate(index: Int, invert: Bool)
    /// `latency`: the trace's (or root span's) duration is at least `lower` and, when given, at most `upper`.
    case latency(lower: UInt64, upper: UInt64?, rootSpanOnly: Bool)
    /// `span_count`: between `min` and `max` (when given) spans.
    case spanCount(min: Int, max: Int?)
    /// `probabilistic`: OTEP 235 consistent sampling on the trace's randomness, as the head sampler.
    case probabilistic(Sampler)
    /// `rate_limiting`: at most `window.limit` spans a second.
    case rateLimiting(SpanRateWindow)
    /// `and`: every sub-policy samples.
    case and([TailSamplingPolicy])
    /// `drop`: every sub-policy samples, and then the trace is dropped whatever else samples it.
    case drop([TailSamplingPolicy])
    /// `composite`: the first sub-policy (in order) that samples and still has spans left this second.
    case composite(CompositeAllocation)
}

/// What one policy said about a trace.
enum PolicyOutcome: Sendable, Equatable {
    /// Keep it (with the `th` a probabilistic policy sets on the kept spans).
    case sampled(threshold: String?)
    /// No opinion to keep it.
    case notSampled
    /// An inverted match that did not match: keep it.
    case invertSampled
    /// An inverted match that matched: do not keep it (this wins over other policies that sample).
    case invertNotSampled
    /// A `drop` policy matched: drop it, whatever else says.
    case dropped

    var samples: Bool {
        switch self {
        case .sampled, .invertSampled: true
        default: false
        }
    }
}

/// Spans a policy may keep each second (`rate_limiting`, and each sub-policy of `composite`).
struct SpanRateWindow: Sendable {
    /// Spans per second.
    let limit: Int
    private var second: UInt64 = .max
    private var spent = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `spans` from this second's allowance if they fit.
    mutating func take(_ spans: Int, nowNanos: UInt64) -> Bool {
        let current = nowNanos / 1_000_000_000
        if current != second {
            second = current
            spent = 0
        }
        guard spent + spans <= limit else { return false }
        spent += spans
        return true
    }
}

/// `composite`: sub-policies in `policy_order`, each with its share of `max_total_spans_per_second`.
struct CompositeAllocation: Sendable {
    /// Sub-policies, in evaluation order, each with its own spans-per-second window.
    var subPolicies: [(policy: TailSamplingPolicy, window: SpanRateWindow)]
}

/// The decision on one trace.
struct TraceDecision: Sendable, Equatable {
    /// Keep or drop.
    let keep: Bool
    /// The policy that decided (the first that sampled, the drop or inverted policy that vetoed), or
    /// `none` when no policy sampled.
    let policy: String
    /// The `th` to write on kept spans (set when a probabilistic policy decided).
    let threshold: String?
}

extension TailSamplingPolicy {
    /// Evaluates the policies in order: a `drop` match wins, then an inverted match that matched, then
    /// the first policy that sampled; with `firstMatch` evaluation stops at the first that samples.
    static func decide(
        _ policies: inout [TailSamplingPolicy], traceID: TraceID, facts: TraceFacts, nowNanos: UInt64, firstMatch: Bool
    ) -> TraceDecision {
        var sampledBy: (name: String, threshold: String?)?
        var vetoedBy: String?
        for index in policies.indices {
            let outcome = policies[index].evaluate(traceID: traceID, facts: facts, nowNanos: nowNanos)
            switch outcome {
            case .dropped:
                return TraceDecision(keep: false, policy: policies[index].name, threshold: nil)
            case .invertNotSampled:
                vetoedBy = vetoedBy ?? policies[index].name
            case .sampled(let threshold):
                sampledBy = sampledBy ?? (policies[index].name, threshold)
            case .invertSampled:
                sampledBy = sampledBy ?? (policies[index].name, nil)
            case .notSampled:
                break
            }
            if firstMatch, sampledBy != nil, vetoedBy == nil { break }
        }
        if let vetoedBy { return TraceDecision(keep: false, policy: vetoedBy, threshold: nil) }
        if let sampledBy { return TraceDecision(keep: true, policy: sampledBy.name, threshold: sampledBy.threshold) }
        return TraceDecision(keep: false, policy: "none", threshold: nil)
    }

    /// What this policy says about the trace.
    mutating func evaluate(traceID: TraceID, facts: TraceFacts, nowNanos: UInt64) -> PolicyOutcome {
        switch rule {
        case .alwaysSample:
            return .sampled(threshold: nil)
        case .predicate(let index, let invert):
            let matched = facts.matched & (1 << index) != 0
            if invert { return matched ? .invertNotSampled : .invertSampled }
            return matched ? .sampled(threshold: nil) : .notSampled
        case .latency(let lower, let upper, let rootSpanOnly):
            let duration = rootSpanOnly ? facts.rootDuration : facts.duration
            guard let duration, duration >= lower, duration <= (upper ?? .max) else { return .notSampled }
            return .sampled(threshold: nil)
        case .spanCount(let min, let max):
            guard facts.spanCount >= min, facts.spanCount <= (max ?? .max) else { return .notSampled }
            return .sampled(threshold: nil)
        case .probabilistic(let sampler):
            let result = sampler.shouldSampleTrace(traceID: traceID, traceState: facts.traceState) {
                SamplingParameters(parent: nil, traceID: traceID, name: "", kind: .internal, attributes: [:])
            }
            guard result.decision.isSampled else { return .notSampled }
            return .sampled(threshold: TraceState.openTelemetryValue("th", in: result.traceState))
        case .rateLimiting(var window):
            let taken = window.take(facts.spanCount, nowNanos: nowNanos)
            rule = .rateLimiting(window)
            return taken ? .sampled(threshold: nil) : .notSampled
        case .and(var subPolicies):
            let outcomes = subPolicies.indices.map { subPolicies[$0].evaluate(traceID: traceID, facts: facts, nowNanos: nowNanos) }
            rule = .and(subPolicies)
            return outcomes.allSatisfy(\.samples) ? .sampled(threshold: Self.threshold(outcomes)) : .notSampled
        case .drop(var subPolicies):
            let outcomes = subPolicies.indices.map { subPolicies[$0].evaluate(traceID: traceID, facts: facts, nowNanos: nowNanos) }
            rule = .drop(subPolicies)
            return outcomes.allSatisfy(\.samples) ? .dropped : .notSampled
        case .composite(var allocation):
            defer { rule = .composite(allocation) }
            for index in allocation.subPolicies.indices {
                let outcome = allocation.subPolicies[index].policy.evaluate(traceID: traceID, facts: facts, nowNanos: nowNanos)
                guard outcome.samples, allocation.subPolicies[index].window.take(facts.spanCount, nowNanos: nowNanos) else { continue }
                if case .sampled(let threshold) = outcome { return .sampled(threshold: threshold) }
                return .sampled(threshold: nil)
            }
            return .notSampled
        }
    }

    /// The highest (most selective) `th` among sampled outcomes, as a sampler composed of them keeps.
    private static func threshold(_ outcomes: [PolicyOutcome]) -> String? {
        outcomes.reduce(nil) { highest, outcome in
            if case .sampled(let threshold) = outcome { return moreSelective(highest, threshold) }
            return highest
        }
    }

    /// The higher of two `th` values (hex, trailing zeros dropped), nil only when both are.
    static func moreSelective(_ first: String?, _ second: String?) -> String? {
        guard let first else { return second }
        guard let second else { return first }
        func padded(_ threshold: String) -> String { threshold + String(repeating: "0", count: max(0, 14 - threshold.count)) }
        return padded(second) > padded(first) ? second : first
    }
}
