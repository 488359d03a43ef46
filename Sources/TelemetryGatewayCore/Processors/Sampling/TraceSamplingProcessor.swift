import Telemetry
import TelemetryOTLPData

/// Head sampling in the gateway, decided per trace, not per span: `probabilistic_sampler`
/// (`sampling_percentage`, OTEP 235 consistent thresholds) and `sampler` (any of the library's samplers:
/// ratio, rate limiting, rules).
///
/// Every span of a trace gets the trace's decision: ratio decisions depend only on the trace's
/// randomness (the trace id's low 56 bits, or an incoming `ot=rv:`), so every gateway agrees; rate
/// limiting spends one token per trace and rules look at the trace's root span (or its first span in
/// the request), and those decisions are remembered for the most recent `decisionCacheSize` traces, so
/// spans arriving later follow them. Kept spans carry the threshold (`ot=th:`) so downstream counts
/// stay estimable.
public struct TraceSamplingProcessor: GatewayProcessor {
    /// The sampler deciding each new trace.
    public let sampler: Sampler
    let metrics: GatewaySelfMetrics
    let name: String
    private let decisions: TraceDecisionCache?

    /// Creates a processor; decisions of non-deterministic samplers are remembered for `decisionCacheSize` traces.
    public init(sampler: Sampler, name: String, metrics: GatewaySelfMetrics, decisionCacheSize: Int = 100_000) {
        self.sampler = sampler
        self.name = name
        self.metrics = metrics
        decisions = sampler.decidesByTraceAlone ? nil : TraceDecisionCache(capacity: decisionCacheSize)
    }

    public var signals: Set<OTLPSignal> { [.traces] }

    public func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer {
        Consumer(processor: self, next: next)
    }

    /// The decision for each trace of `view`, and the trace state change for its kept spans.
    func decide(_ view: TracesView) -> [TraceID: (keep: Bool, threshold: String?)] {
        var byTrace: [TraceID: (keep: Bool, threshold: String?)] = [:]
        var firstSpans: [TraceID: SpanView] = [:]
        for resource in view.resourceSpans {
            for scope in resource.scopeSpans {
                for span in scope.spans {
                    guard let traceID = span.traceID else { continue }
                    if span.isRoot || firstSpans[traceID] == nil { firstSpans[traceID] = span }
                }
            }
        }
        for (traceID, span) in firstSpans {
            if let remembered = decisions?.decision(for: traceID) {
                byTrace[traceID] = remembered
                continue
            }
            let result = sampler.shouldSampleTrace(traceID: traceID, traceState: span.traceState) {
                var attributes: [String: AttributeValue] = [:]
                for attribute in span.attributes { attributes[attribute.key] = attribute.value.attributeValue }
                return SamplingParameters(parent: nil, traceID: traceID, name: span.name, kind: span.kind, attributes: attributes)
            }
            let decision = (keep: result.decision.isSampled, threshold: TraceState.openTelemetryValue("th", in: result.traceState))
            decisions?.remember(decision, for: traceID)
            byTrace[traceID] = decision
        }
        return byTrace
    }

    private struct Consumer: PayloadConsumer {
        let processor: TraceSamplingProcessor
        let next: any PayloadConsumer

        func consume(_ item: PipelineItem) throws(Refusal) {
            let view: TracesView
            do throws(OTLPDecodeError) {
                view = try TracesView(item.payload)
            } catch {
                let (metrics, name, count) = (processor.metrics, processor.name, item.itemCount)
                throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot decode the request now; retry later")
                    .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: "traces", reason: "memory_limit") }
            }
            let decisions = processor.decide(view)
            let (kept, count) = view.filtered { span in
                guard let traceID = span.traceID, let decision = decisions[traceID], decision.keep else { return .drop }
                let traceState = decision.threshold.map { TraceState.settingOpenTelemetryValue("th", $0, in: span.traceState) }
                    ?? TraceState.removingOpenTelemetryValue("th", in: span.traceState)
                return traceState == span.traceState ? .keep : .keepWithTraceState(traceState)
            }
            processor.metrics.processorDropped(
                item.itemCount - count, processor: processor.name, signal: "traces", reason: "sampled_out")
            guard let kept else { return }
            try next.consume(PipelineItem(payload: kept, lease: item.lease, metadata: item.metadata))
        }
    }
}

/// The most recent decisions of a non-deterministic sampler, by trace id, in a fixed-size ring.
final class TraceDecisionCache: Sendable {
    private let decisions: LockedValue<RingMap<TraceID, TraceDecisionCache.Decision>>

    struct Decision: Sendable {
        let keep: Bool
        let threshold: String?
    }

    init(capacity: Int) {
        decisions = LockedValue(RingMap(capacity: max(1, capacity)))
    }

    func decision(for traceID: TraceID) -> (keep: Bool, threshold: String?)? {
        decisions.withLock { $0[traceID] }.map { ($0.keep, $0.threshold) }
    }

    func remember(_ decision: (keep: Bool, threshold: String?), for traceID: TraceID) {
        decisions.withLock { $0.insert(Decision(keep: decision.keep, threshold: decision.threshold), for: traceID) }
    }
}
