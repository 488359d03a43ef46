import Testing

@testable import Telemetry

@Suite("Samplers")
struct SamplerTests {
    private func parameters(_ traceID: TraceID, parent: SpanContext? = nil, name: String = "op") -> SamplingParameters {
        SamplingParameters(parent: parent, traceID: traceID, name: name)
    }

    private func randomTraceIDs(_ count: Int, seed: UInt64) -> [TraceID] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in TraceID.random(using: &generator) }
    }

    @Test("Ratio sampling keeps the requested share of 100,000 traces within statistical bounds", arguments: [0.01, 0.1, 0.25, 0.5, 0.9])
    func ratioStatistics(ratio: Double) {
        let sampler = Sampler.traceIDRatio(ratio)
        let count = 100_000
        let kept = randomTraceIDs(count, seed: 7).filter { sampler.shouldSample(parameters($0)).decision.isSampled }.count
        // Five standard deviations of a binomial: a false failure is far less likely than one in a million.
        let tolerance = 5 * (Double(count) * ratio * (1 - ratio)).squareRoot()
        #expect(abs(Double(kept) - Double(count) * ratio) <= tolerance, "kept \(kept) of \(count) at \(ratio)")
    }

    @Test("A trace sampled at a lower ratio is sampled at every higher ratio")
    func monotonicAcrossRatios() {
        let ratios = [0.05, 0.1, 0.25, 0.5, 0.75, 1.0].map { Sampler.traceIDRatio($0) }
        for id in randomTraceIDs(20_000, seed: 11) {
            let decisions = ratios.map { $0.shouldSample(parameters(id)).decision.isSampled }
            if let first = decisions.firstIndex(of: true) {
                #expect(decisions[first...].allSatisfy { $0 }, "\(id): \(decisions)")
            }
        }
    }

    @Test("Two tracers (two processes) decide the same for the same trace id, using only its low 56 bits")
    func consistentAcrossTracers() {
        let first = SimpleTracer(sampler: .traceIDRatio(0.3))
        let second = SimpleTracer(sampler: .traceIDRatio(0.3))
        for id in randomTraceIDs(5_000, seed: 3) {
            let remote = SpanContext(traceID: id, spanID: SpanID(1), traceFlags: 0, isRemote: true)
            let a = first.startSpan("x", parent: .context(remote))
            let b = second.startSpan("x", parent: .context(remote))
            #expect(a.context.isSampled == b.context.isSampled)
            #expect(a.isRecording == a.context.isSampled)
            let highBitsChanged = TraceID(high: ~id.high, low: id.low | (0xFF << 56))
            #expect(
                Sampler.traceIDRatio(0.3).shouldSample(parameters(highBitsChanged)).decision
                    == Sampler.traceIDRatio(0.3).shouldSample(parameters(id)).decision)
        }
    }

    @Test("Sampled spans record the threshold as ot=th in tracestate, keeping other vendors' entries")
    func thresholdInTraceState() throws {
        #expect(ProbabilityThreshold.encode(ProbabilityThreshold.rejectionThreshold(forProbability: 0.25)) == "c")
        #expect(ProbabilityThreshold.encode(ProbabilityThreshold.rejectionThreshold(forProbability: 0.5)) == "8")
        #expect(ProbabilityThreshold.encode(ProbabilityThreshold.rejectionThreshold(forProbability: 1)) == "0")
        #expect(ProbabilityThreshold.encode(ProbabilityThreshold.rejectionThreshold(forProbability: 0.1)) == "e6666666666666")
        #expect(ProbabilityThreshold.decode("c") == ProbabilityThreshold.rejectionThreshold(forProbability: 0.25))
        let sampler = Sampler.traceIDRatio(0.25)
        let kept = try #require(randomTraceIDs(100, seed: 5).first { sampler.shouldSample(parameters($0)).decision.isSampled })
        let parent = SpanContext(traceID: kept, spanID: SpanID(9), traceFlags: 1, traceState: "vendor=x,ot=rv:zz;p:1")
        let result = sampler.shouldSample(parameters(kept, parent: parent))
        #expect(result.traceState.hasPrefix("ot=th:c;"))
        #expect(result.traceState.contains("vendor=x"))
        #expect(TraceState.openTelemetryValue("th", in: result.traceState) == "c")
        #expect(TraceState.openTelemetryValue("p", in: result.traceState) == "1")
    }

    @Test("An explicit ot=rv value replaces the trace id's randomness")
    func explicitRandomness() {
        let id = TraceID(high: 0, low: 0)  // low bits zero: would be rejected by any ratio below 1
        let parent = SpanContext(traceID: id, spanID: SpanID(1), traceFlags: 1, traceState: "ot=rv:ffffffffffffff")
        #expect(Sampler.traceIDRatio(0.01).shouldSample(parameters(id, parent: parent)).decision == .recordAndSample)
        #expect(Sampler.traceIDRatio(0.01).shouldSample(parameters(id)).decision == .drop)
    }

    @Test("ParentBased uses each of its four delegates for the matching parent, and root without one")
    func parentBasedDelegates() {
        let sampler = Sampler.parentBased(
            root: .alwaysOff, remoteParentSampled: .alwaysOff, remoteParentNotSampled: .alwaysOn,
            localParentSampled: .alwaysOff, localParentNotSampled: .alwaysOn)
        let id = TraceID(high: 1, low: 1)
        func decision(remote: Bool, sampled: Bool) -> SamplingDecision {
            let parent = SpanContext(traceID: id, spanID: SpanID(2), traceFlags: sampled ? 1 : 0, isRemote: remote)
            return sampler.shouldSample(parameters(id, parent: parent)).decision
        }
        #expect(sampler.shouldSample(parameters(id)).decision == .drop)
        #expect(decision(remote: true, sampled: true) == .drop)
        #expect(decision(remote: true, sampled: false) == .recordAndSample)
        #expect(decision(remote: false, sampled: true) == .drop)
        #expect(decision(remote: false, sampled: false) == .recordAndSample)
        let defaults = Sampler.parentBased(root: .alwaysOn)
        let unsampledParent = SpanContext(traceID: id, spanID: SpanID(2), traceFlags: 0, isRemote: true)
        #expect(defaults.shouldSample(parameters(id, parent: unsampledParent)).decision == .drop)
        #expect(defaults.description == "ParentBased{root=AlwaysOnSampler}")
    }

    @Test("Children of a sampled-out root are dropped too, so whole traces are kept or dropped")
    func wholeTraces() {
        let tracer = SimpleTracer(sampler: .parentBased(root: .traceIDRatio(0.5)))
        for _ in 0..<200 {
            traceContext(tracer, "root") { root in
                traceContext(tracer, "child") { child in
                    #expect(child.context.isSampled == root.context.isSampled)
                    #expect(child.isRecording == root.isRecording)
                }
            }
        }
        let kept = tracer.getSpans()
        let roots = Set(kept.filter { $0.name == "root" }.map(\.traceID))
        let children = Set(kept.filter { $0.name == "child" }.map(\.traceID))
        #expect(roots == children)
        #expect(roots.count > 50 && roots.count < 150)
    }

    @Test("Unsampled spans ignore changes and are never kept")
    func unsampledSpansAreCheap() {
        let tracer = SimpleTracer(sampler: .alwaysOff)
        let span = tracer.startSpan("dropped")
        span.setAttribute("a", 1)
        span.addEvent("e")
        span.setStatus(.error, "x")
        #expect(!span.isRecording && !span.context.isSampled)
        #expect(span.attributes.isEmpty && span.events.isEmpty && span.status.code == .unset)
        #expect(span.traceID.isValid && span.spanID.isValid)
        tracer.endSpan(span)
        #expect(span.isEnded && span.data() == nil)
        // No clock is read for them: their times are 0.
        #expect(span.startTimeNanos == 0 && span.endTimeNanos == 0 && span.duration == 0)
        #expect(tracer.getSpans().isEmpty)
    }

    @Test("The rate limiter admits at most its rate of new traces, and follows parents")
    func rateLimiting() {
        let clock = TestClock()
        let limiter = RateLimiter(perSecond: 10, clock: clock.now)
        #expect((0..<50).filter { _ in limiter.tryAcquire() }.count == 10)
        clock.advance(seconds: 1)
        #expect((0..<50).filter { _ in limiter.tryAcquire() }.count == 10)
        let sampler = Sampler.rateLimiting(maxTracesPerSecond: 0)
        let id = TraceID(high: 1, low: 1)
        #expect((0..<5).filter { _ in sampler.shouldSample(parameters(id)).decision.isSampled }.isEmpty, "a rate of 0 keeps nothing")
        let sampledParent = SpanContext(traceID: id, spanID: SpanID(2), traceFlags: 1, traceState: "ot=th:8")
        let child = sampler.shouldSample(parameters(id, parent: sampledParent))
        #expect(child.decision == .recordAndSample)
    }

    @Test("Rules pick a sampler by span name and attributes, first match wins, fallback otherwise")
    func rules() {
        let sampler = Sampler.rules(
            [
                SamplingRule(name: .exact("health"), sampler: .alwaysOff),
                SamplingRule(name: .prefix("db."), attributes: ["db.system": "postgresql"], sampler: .alwaysOn),
                SamplingRule(name: .prefix("db."), sampler: .alwaysOff),
            ], fallback: .alwaysOn)
        let id = TraceID(high: 1, low: 1)
        func decide(_ name: String, _ attributes: [String: AttributeValue] = [:]) -> Bool {
            sampler.shouldSample(SamplingParameters(parent: nil, traceID: id, name: name, attributes: attributes))
                .decision.isSampled
        }
        #expect(!decide("health"))
        #expect(decide("db.query", ["db.system": "postgresql"]))
        #expect(!decide("db.query", ["db.system": "mysql"]))
        #expect(decide("checkout"))
    }

    @Test("tracestate parsing skips malformed members and keeps at most 32")
    func traceStateParsing() {
        let members = (0..<40).map { "k\($0)=v\($0)" }.joined(separator: ",")
        #expect(TraceState.members(members).count == 32)
        #expect(TraceState.members("good=1,BAD=2,=x,no-equals,ok@sys=3").map(\.key) == ["good", "ok@sys"])
        #expect(TraceState.removingOpenTelemetryValue("th", in: "ot=th:8,a=b") == "a=b")
    }
}
