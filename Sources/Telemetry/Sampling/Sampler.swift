/// Decides which traces are recorded and exported.
///
/// ```swift
/// let sampler: Sampler = .parentBased(root: .traceIDRatio(0.25))
/// ```
/// Ratio sampling is consistent (OpenTelemetry consistent probability sampling): the decision depends
/// only on the trace id's 56 random low bits (or an explicit `ot=rv:` value), so every process decides
/// the same for a trace, and a trace kept at one ratio is kept at every higher ratio. The threshold is
/// recorded as `ot=th:…` in the span's trace state.
public struct Sampler: Sendable, CustomStringConvertible {
    indirect enum Strategy: Sendable {
        case alwaysOn
        case alwaysOff
        case ratio(Double, threshold: UInt64)
        case parentBased(
            root: Strategy, remoteSampled: Strategy, remoteNotSampled: Strategy, localSampled: Strategy,
            localNotSampled: Strategy)
        case rateLimiting(RateLimiter)
        case rules([SamplingRule], fallback: Strategy)
    }

    let strategy: Strategy

    init(_ strategy: Strategy) {
        self.strategy = strategy
    }

    /// Samples every span.
    public static let alwaysOn = Sampler(.alwaysOn)

    /// Samples no span (spans are not recorded at all).
    public static let alwaysOff = Sampler(.alwaysOff)

    /// Samples a `ratio` (0...1, clamped) of traces, consistently by trace id.
    public static func traceIDRatio(_ ratio: Double) -> Sampler {
        let clamped = ratio.isNaN ? 0 : min(1, max(0, ratio))
        guard clamped > 0 else { return .alwaysOff }
        return Sampler(.ratio(clamped, threshold: ProbabilityThreshold.rejectionThreshold(forProbability: clamped)))
    }

    /// Follows the parent's sampled flag, and uses `root` for spans without a parent.
    public static func parentBased(
        root: Sampler, remoteParentSampled: Sampler = .alwaysOn, remoteParentNotSampled: Sampler = .alwaysOff,
        localParentSampled: Sampler = .alwaysOn, localParentNotSampled: Sampler = .alwaysOff
    ) -> Sampler {
        Sampler(
            .parentBased(
                root: root.strategy, remoteSampled: remoteParentSampled.strategy,
                remoteNotSampled: remoteParentNotSampled.strategy, localSampled: localParentSampled.strategy,
                localNotSampled: localParentNotSampled.strategy))
    }

    /// Samples at most `maxTracesPerSecond` new traces per second (a token bucket that allows bursts
    /// of one second's worth); spans with a parent follow the parent's decision.
    public static func rateLimiting(maxTracesPerSecond: Double) -> Sampler {
        Sampler(.rateLimiting(RateLimiter(perSecond: maxTracesPerSecond)))
    }

    /// Picks a sampler by the first rule that matches the span's name and attributes; `fallback` when none does.
    public static func rules(_ rules: [SamplingRule], fallback: Sampler) -> Sampler {
        Sampler(.rules(rules, fallback: fallback.strategy))
    }

    /// Decides for one new span.
    public func shouldSample(_ parameters: SamplingParameters) -> SamplingResult {
        Self.decide(strategy, parent: parameters.parent, inherited: parameters.parent?.traceState ?? "", traceID: parameters.traceID) { _ in
            parameters
        }
    }

    /// Decides for a whole trace seen from outside (a gateway): there is no parent to follow, so
    /// parent-based samplers use their root sampler, and `traceState` (the trace's own, possibly with
    /// `ot=rv:`) is what ratio sampling reads and edits.
    package func shouldSampleTrace(traceID: TraceID, traceState: String, details: () -> SamplingParameters) -> SamplingResult {
        Self.decide(strategy, parent: nil, inherited: traceState, traceID: traceID) { _ in details() }
    }

    /// Whether decisions depend on nothing but the trace id and its trace state (no rate limit, no rules),
    /// so every span of a trace gets the same decision wherever and whenever it is decided.
    package var decidesByTraceAlone: Bool { Self.isDeterministic(strategy) }

    private static func isDeterministic(_ strategy: Strategy) -> Bool {
        switch strategy {
        case .alwaysOn, .alwaysOff, .ratio: true
        case .parentBased(let root, _, _, _, _): isDeterministic(root)
        case .rateLimiting, .rules: false
        }
    }

    /// Decides for one new span; `details` (name, attributes, links, given the parent) is built only if
    /// a rule needs it, which keeps starting a span cheap with every other sampler. The parent is passed
    /// to it rather than captured: a capture copied the parent's context twice for every span.
    func shouldSample(
        parent: SpanContext?, traceID: TraceID, details: (SpanContext?) -> SamplingParameters
    ) -> SamplingResult {
        Self.decide(strategy, parent: parent, inherited: parent?.traceState ?? "", traceID: traceID, details: details)
    }

    /// A short description, as OpenTelemetry samplers describe themselves.
    public var description: String { Self.describe(strategy) }

    private static func decide(
        _ strategy: Strategy, parent: SpanContext?, inherited: String, traceID: TraceID,
        details: (SpanContext?) -> SamplingParameters
    ) -> SamplingResult {
        switch strategy {
        case .alwaysOn:
            return SamplingResult(decision: .recordAndSample, traceState: inherited)
        case .alwaysOff:
            return SamplingResult(decision: .drop, traceState: inherited)
        case .ratio(_, let threshold):
            let randomness = ProbabilityThreshold.randomness(traceID: traceID, traceState: inherited)
            guard randomness >= threshold else {
                return SamplingResult(decision: .drop, traceState: inherited)
            }
            let traceState = TraceState.settingOpenTelemetryValue(
                "th", ProbabilityThreshold.encode(threshold), in: inherited)
            return SamplingResult(decision: .recordAndSample, traceState: traceState)
        case .parentBased(let root, let remoteSampled, let remoteNotSampled, let localSampled, let localNotSampled):
            let delegate: Strategy
            switch (parent?.isRemote, parent?.isSampled) {
            case (nil, _), (_, nil): delegate = root
            case (true, true): delegate = remoteSampled
            case (true, false): delegate = remoteNotSampled
            case (false, true): delegate = localSampled
            case (false, false): delegate = localNotSampled
            }
            return decide(delegate, parent: parent, inherited: inherited, traceID: traceID, details: details)
        case .rateLimiting(let limiter):
            if let parent {
                return SamplingResult(decision: parent.isSampled ? .recordAndSample : .drop, traceState: inherited)
            }
            // Not a probability sampler: any inherited threshold no longer describes this trace.
            let traceState = TraceState.removingOpenTelemetryValue("th", in: inherited)
            return SamplingResult(decision: limiter.tryAcquire() ? .recordAndSample : .drop, traceState: traceState)
        case .rules(let rules, let fallback):
            let parameters = details(parent)
            let chosen = rules.first { $0.matches(name: parameters.name, attributes: parameters.attributes) }
            return chosen.map { decide($0.sampler.strategy, parent: parent, inherited: inherited, traceID: traceID) { _ in parameters } }
                ?? decide(fallback, parent: parent, inherited: inherited, traceID: traceID) { _ in parameters }
        }
    }

    private static func describe(_ strategy: Strategy) -> String {
        switch strategy {
        case .alwaysOn: "AlwaysOnSampler"
        case .alwaysOff: "AlwaysOffSampler"
        case .ratio(let ratio, _): "TraceIdRatioBased{\(ratio)}"
        case .parentBased(let root, _, _, _, _): "ParentBased{root=\(describe(root))}"
        case .rateLimiting(let limiter): "RateLimitingSampler{\(limiter.perSecond)/s}"
        case .rules(let rules, let fallback): "RuleBasedSampler{\(rules.count) rules, fallback=\(describe(fallback))}"
        }
    }
}
