import Telemetry

/// The self-metrics of a `tail_sampling` processor, labelled `processor`:
/// `telemetry_tail_sampling_traces_buffered`, `telemetry_tail_sampling_bytes_buffered`,
/// `telemetry_tail_sampling_buffer_limit_bytes`, `telemetry_tail_sampling_decisions_total{policy, decision}`
/// (traces, by the policy that decided: the first that sampled, the `drop` or inverted policy that
/// vetoed, or `none`), `telemetry_tail_sampling_decision_wait_seconds` (first span to decision),
/// `telemetry_tail_sampling_early_decisions_total{reason}` (`buffer_full`, `trace_too_large`,
/// `shutdown`), `telemetry_tail_sampling_late_spans_total{decision}` (spans that arrived after their
/// trace was decided, and followed the decision) and
/// `telemetry_tail_sampling_decision_cache_lookups_total{result}` (`hit`: a late span found its decision;
/// `miss`: a trace not seen before, or forgotten). Spans dropped are counted by the gateway as
/// `telemetry_gateway_processor_dropped_items_total{reason="sampled_out"}`.
struct TailSamplingMetrics: Sendable {
    let processor: String
    private let tracesBuffered: TelemetryGauge.Series?
    private let bytesBuffered: TelemetryGauge.Series?
    private let decisions: TelemetryCounter
    private let decisionWait: TelemetryHistogram.Series?
    private let early: TelemetryCounter
    private let lateSpans: TelemetryCounter
    private let cacheLookups: TelemetryCounter

    init(processor: String, limitBytes: Int, collector: MetricsCollector) {
        self.processor = processor
        let labels = ["processor": processor]
        func gauge(_ name: String, _ help: String) -> TelemetryGauge.Series? {
            try? collector.selfMetricGauge(name, help: help, labels: ["processor"]).labels(labels)
        }
        tracesBuffered = gauge("telemetry_tail_sampling_traces_buffered", "Traces waiting for their tail sampling decision")
        bytesBuffered = gauge("telemetry_tail_sampling_bytes_buffered", "Bytes held by traces waiting for their decision")
        gauge("telemetry_tail_sampling_buffer_limit_bytes", "The tail sampling buffer's byte budget")?.set(Double(limitBytes))
        decisions = collector.selfMetricCounter(
            "telemetry_tail_sampling_decisions_total", help: "Traces decided, by deciding policy and decision (sampled, not_sampled)",
            labels: ["processor", "policy", "decision"])
        decisionWait = try? collector.selfMetricHistogram(
            "telemetry_tail_sampling_decision_wait_seconds", help: "Time from a trace's first span to its decision",
            labels: ["processor"], buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60]
        ).labels(labels)
        early = collector.selfMetricCounter(
            "telemetry_tail_sampling_early_decisions_total",
            help: "Traces decided before their time (buffer_full: oldest evicted to make room; trace_too_large; shutdown)",
            labels: ["processor", "reason"])
        lateSpans = collector.selfMetricCounter(
            "telemetry_tail_sampling_late_spans_total", help: "Spans that arrived after their trace's decision, by that decision",
            labels: ["processor", "decision"])
        cacheLookups = collector.selfMetricCounter(
            "telemetry_tail_sampling_decision_cache_lookups_total",
            help: "Decision cache lookups for traces not buffered (hit: late span of a decided trace; miss: new trace)",
            labels: ["processor", "result"])
    }

    func buffered(traces: Int, bytes: Int) {
        tracesBuffered?.set(Double(traces))
        bytesBuffered?.set(Double(bytes))
    }

    func decided(_ trace: DecidedTrace) {
        decisions.inc(["processor": processor, "policy": trace.decision.policy, "decision": trace.decision.keep ? "sampled" : "not_sampled"])
        decisionWait?.observe(Double(trace.waitedNanos) / 1e9)
        if let reason = trace.early { early.inc(["processor": processor, "reason": reason.rawValue]) }
    }

    func route(_ route: FragmentRoute, spans: Int) {
        switch route {
        case .buffered(let newTrace):
            if newTrace { cacheLookups.inc(["processor": processor, "result": "miss"]) }
        case .lateKept:
            cacheLookups.inc(["processor": processor, "result": "hit"])
            lateSpans.inc(by: Double(spans), ["processor": processor, "decision": "sampled"])
        case .lateDropped:
            cacheLookups.inc(["processor": processor, "result": "hit"])
            lateSpans.inc(by: Double(spans), ["processor": processor, "decision": "not_sampled"])
        }
    }
}
