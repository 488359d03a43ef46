import Telemetry
import TelemetryOTLPData

/// `spanmetrics`: a traces → metrics connector that counts calls and aggregates span durations per
/// service, span name, kind, status code and configured dimensions (the Collector's
/// `connector/spanmetricsconnector`). Every `metrics_flush_interval` a thread of its own hands one
/// OTLP metrics request to the metrics pipelines it feeds; `shutdown()` flushes once more.
///
/// Memory: the aggregation (resources, series, exemplars) is held in the memory budget and charged
/// before it grows, at most half the budget; a request whose new series cannot be charged is refused
/// (429 / UNAVAILABLE) with nothing of it counted. Each flushed request gets a lease of its own. A downstream refusal at a flush
/// keeps the state (cumulative: the next flush carries the totals) or is counted as the loss it is (delta).
public final class SpanMetricsConnector: GatewayConnector {
    let settings: SpanMetricsSettings
    let name: String
    private let gatewayMetrics: GatewaySelfMetrics
    private let metrics: SpanMetricsSelfMetrics
    private let budget: MemoryBudget
    private let clock: any GatewayClock
    private let runsWorker: Bool
    private let aggregation: LockedValue<Aggregation>
    private let output = LockedValue<(any PayloadConsumer)?>(nil)
    private let stopped = CancellationSignal()
    private let worker = LockedValue<WorkerThread?>(nil)

    private struct Aggregation: @unchecked Sendable {
        // @unchecked: only touched under the connector's lock.
        var state: SpanMetricsState
        var lease: MemoryLease?
    }

    init(
        settings: SpanMetricsSettings, name: String, metrics: GatewaySelfMetrics, budget: MemoryBudget,
        clock: any GatewayClock = SystemGatewayClock(), runsWorker: Bool = true
    ) {
        self.settings = settings
        self.name = name
        gatewayMetrics = metrics
        self.metrics = SpanMetricsSelfMetrics(connector: name, collector: metrics.collector)
        self.budget = budget
        self.clock = clock
        self.runsWorker = runsWorker
        aggregation = LockedValue(Aggregation(state: SpanMetricsState(settings: settings), lease: nil))
    }

    public func consumer(
        from: OTLPSignal, to: OTLPSignal, outputs: [ComponentID: any PayloadConsumer]
    ) throws(GatewayError) -> any PayloadConsumer {
        guard from == .traces, to == .metrics else {
            throw GatewayError("connector \(name) takes traces and feeds metrics, not \(from.rawValue) → \(to.rawValue)")
        }
        let heads = outputs.sorted { $0.key < $1.key }.map(\.value)
        let start = output.withLock { current in
            defer { current = heads.count == 1 ? heads[0] : FanoutConsumer(heads) }
            return current == nil
        }
        if start, runsWorker { startWorker() }
        return SpanMetricsConsumer(connector: self)
    }

    /// Stops the flush thread and flushes what is held.
    public func shutdown() {
        stopped.cancel()
        worker.withLock { $0 }?.join()
        flush()
    }

    /// Adds the spans of `item` to the aggregation, or refuses the request whole.
    func aggregate(_ item: PipelineItem) throws(Refusal) {
        // The plan holds each distinct series' key and attributes (at most three copies of the request's
        // text) and one entry per span until it is applied.
        let planBytes = item.payload.bytes.count.saturatingProduct(3).saturatingSum(item.itemCount.saturatingProduct(512))
        guard let planLease = budget.reserve(planBytes) else { throw refusal() }
        let view: TracesView
        do throws(OTLPDecodeError) {
            view = try TracesView(item.payload)
        } catch {
            throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot decode the request now; retry later")
        }
        let plan = SpanMetricsPlan(view, settings: settings)
        let wall = clock.wallNanos
        let monotonic = clock.monotonicNanos
        let applied = aggregation.withLock { aggregation -> (SpanMetricsState.Outcome, series: Int, bytes: Int)? in
            let target = aggregation.state.heldBytes.saturatingSum(aggregation.state.growthBound(plan))
            if aggregation.lease == nil { aggregation.lease = budget.reserve(0) }
            // The state may take at most half the budget, so that a flood of series never starves other pipelines.
            guard target <= budget.limitBytes / 2, let lease = aggregation.lease, lease.resize(to: target) else { return nil }
            let outcome = aggregation.state.apply(plan, wallNanos: wall, monotonicNanos: monotonic)
            lease.resize(to: aggregation.state.heldBytes)
            return (outcome, aggregation.state.series.count, aggregation.state.heldBytes)
        }
        withExtendedLifetime(planLease) {}
        guard let applied else { throw refusal() }
        metrics.spans(counted: applied.0.counted, overflowed: applied.0.overflowed, withoutService: plan.withoutService)
        metrics.held(series: applied.series, bytes: applied.bytes)
    }

    /// Hands the aggregation on as one metrics request (nothing when no span was seen since the
    /// previous flush, delta, or ever, cumulative). What encoding and handing on take was charged with
    /// the state (`SpanMetricsCost`): the state's lease lends the request its own lease's bytes.
    func flush() {
        let wall = clock.wallNanos
        let monotonic = clock.monotonicNanos
        let (resources, lease) = aggregation.withLock { aggregation in
            (aggregation.state.flush(wallNanos: wall, monotonicNanos: monotonic), aggregation.lease)
        }
        defer { settle() }
        guard !resources.isEmpty, let output = output.withLock({ $0 }) else { return }
        let payload = ComputedMetricsEncoder.payload(resources)
        let needed = payload.bytes.count.saturatingSum(payload.decodedBytesEstimate, RequestIntake.itemOverhead)
        if let lease { lease.resize(to: max(0, lease.bytes - needed)) }
        guard let requestLease = budget.reserve(needed) else {
            flushFailed(points: payload.itemCount, reason: "memory_limit")
            return
        }
        do throws(Refusal) {
            try output.consume(PipelineItem(payload: payload, lease: requestLease))
            metrics.flush("sent")
        } catch {
            // Delta points are lost: the refusing exporters count them as their drops.
            if settings.temporality == .delta { error.overruled() }
            metrics.flush(settings.temporality == .delta ? "lost" : "refused")
        }
    }

    /// Sets the state's lease to what it holds after a flush (it may stay below when the budget is full:
    /// new series are then refused until it fits again).
    private func settle() {
        let (series, bytes) = aggregation.withLock { aggregation in
            aggregation.lease?.resize(to: aggregation.state.heldBytes)
            return (aggregation.state.series.count, aggregation.state.heldBytes)
        }
        metrics.held(series: series, bytes: bytes)
    }

    /// Counts a flush that could not be reserved: a delta one is lost (its points dropped by the connector).
    private func flushFailed(points: Int, reason: String) {
        if settings.temporality == .delta {
            metrics.flush("lost")
            gatewayMetrics.processorDropped(points, processor: name, signal: "metrics", reason: reason)
        } else {
            metrics.flush("refused")
        }
    }

    private func refusal() -> Refusal {
        budget.overload.refusal(reason: "memory_limit", "the gateway is at its memory limit; retry later")
    }

    private func startWorker() {
        let interval = settings.flushInterval
        let thread = WorkerThread { [self] in
            while stopped.sleep(for: interval) { flush() }
        }
        worker.withLock { $0 = thread }
    }
}

/// The consumer of the traces pipelines that export to a `spanmetrics` connector.
struct SpanMetricsConsumer: PayloadConsumer {
    let connector: SpanMetricsConnector

    func consume(_ item: PipelineItem) throws(Refusal) {
        try connector.aggregate(item)
    }
}
