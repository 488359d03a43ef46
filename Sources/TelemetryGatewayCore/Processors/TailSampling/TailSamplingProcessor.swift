import Telemetry
import TelemetryOTLPData

/// `tail_sampling`: buffers each trace until it is complete enough to decide (its root span ended plus
/// `decision_wait_after_root_received`, or `decision_wait` after its first span, whichever comes
/// first), then keeps or drops it whole by the configured policies. Bounded in bytes and traces (the
/// oldest trace is decided early when full, a trace past `maximum_trace_size_bytes` at once); spans
/// that arrive after their trace's decision follow it through the decision caches.
public final class TailSamplingProcessor: GatewayProcessor {
    let policies: [TailSamplingPolicy]
    let predicates: [SpanPredicate]
    let limits: TailSamplingLimits
    let name: String
    let gatewayMetrics: GatewaySelfMetrics
    let clock: any GatewayClock
    /// The gateway's memory budget: buffered requests and the requests handed on are reserved in it.
    let budget: MemoryBudget
    /// Whether consumers run their own decision thread (tests drive `decideDue` by hand instead).
    let runsWorker: Bool
    private let consumers = LockedValue<[TailSamplingConsumer]>([])

    init(
        settings: TailSamplingSettings, name: String, metrics: GatewaySelfMetrics, budget: MemoryBudget,
        clock: any GatewayClock = SystemGatewayClock(), runsWorker: Bool = true
    ) {
        self.budget = budget
        policies = settings.policies
        predicates = settings.predicates
        limits = settings.limits
        self.name = name
        gatewayMetrics = metrics
        self.clock = clock
        self.runsWorker = runsWorker
    }

    public var signals: Set<OTLPSignal> { [.traces] }

    public func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer {
        let consumer = TailSamplingConsumer(processor: self, next: next)
        consumers.withLock { $0.append(consumer) }
        if runsWorker { consumer.startWorker() }
        return consumer
    }

    /// Decides every buffered trace and hands the kept ones on (before the exporters flush).
    public func shutdown() {
        consumers.withLock { $0 }.forEach { $0.stop() }
    }
}

/// One pipeline's tail sampler: the buffer, its decision thread and the next consumer.
final class TailSamplingConsumer: PayloadConsumer {
    /// The most spans and bytes in one request handed on.
    static let maxBatchSpans = 8192
    static let maxBatchBytes = 4 << 20

    let next: any PayloadConsumer
    private let processor: TailSamplingProcessor
    private let buffer: LockedValue<TailSamplingBuffer>
    private let metrics: TailSamplingMetrics
    private let stopped = CancellationSignal()
    private let worker = LockedValue<WorkerThread?>(nil)

    init(processor: TailSamplingProcessor, next: any PayloadConsumer) {
        self.processor = processor
        self.next = next
        buffer = LockedValue(TailSamplingBuffer(policies: processor.policies, limits: processor.limits))
        metrics = TailSamplingMetrics(
            processor: processor.name, limitBytes: processor.limits.maxBufferedBytes, collector: processor.gatewayMetrics.collector)
    }

    func consume(_ item: PipelineItem) throws(Refusal) {
        // The fragments point into the decoded request and keep it alive while their traces wait: its
        // bytes, its decoded size and the split's bookkeeping are reserved before it is decoded, for as
        // long as one of its fragments lives (a lease of its own: the request's may be shared by another
        // pipeline's queue).
        let payload = item.payload
        let needed = payload.bytes.count.saturatingSum(payload.decodedBytesEstimate, payload.itemCount.saturatingProduct(TracesView.splitBytesPerSpan))
        guard let lease = processor.budget.reserve(needed) else {
            throw processor.budget.overload.refusal(reason: "memory_limit", "the gateway is at its memory limit; retry later")
        }
        let view: TracesView
        do throws(OTLPDecodeError) {
            view = try TracesView(payload)
        } catch {
            throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot decode the request now; retry later")
        }
        let facts = TraceFacts.gather(view, predicates: processor.predicates)
        let fragments = view.splitByTrace(holding: lease)
        let now = processor.clock.monotonicNanos
        var decided: [DecidedTrace] = []
        var late: [(fragment: TraceFragment, threshold: String?)] = []
        var lateDropped = 0
        let routes = buffer.withLock { buffer in
            defer { metrics.buffered(traces: buffer.bufferedTraces, bytes: buffer.bufferedBytes) }
            return fragments.map { buffer.add($0, facts: facts[$0.traceID] ?? TraceFacts(), nowNanos: now, decided: &decided) }
        }
        for (fragment, route) in zip(fragments, routes) {
            metrics.route(route, spans: fragment.spanCount)
            switch route {
            case .buffered: break
            case .lateKept(let threshold): late.append((fragment, threshold))
            case .lateDropped: lateDropped += fragment.spanCount
            }
        }
        let withoutTrace = item.itemCount - fragments.reduce(0) { $0 + $1.spanCount }
        processor.gatewayMetrics.processorDropped(withoutTrace, processor: processor.name, signal: "traces", reason: "invalid_trace_id")
        processor.gatewayMetrics.processorDropped(lateDropped, processor: processor.name, signal: "traces", reason: "sampled_out")
        handOn(decided, late: late)
    }

    /// Decides the traces whose time has come and hands the kept ones on.
    func decideDue() {
        let decided = buffer.withLock { buffer in
            defer { metrics.buffered(traces: buffer.bufferedTraces, bytes: buffer.bufferedBytes) }
            return buffer.takeDue(nowNanos: processor.clock.monotonicNanos)
        }
        handOn(decided, late: [])
    }

    func startWorker() {
        let thread = WorkerThread { [self] in
            while !stopped.isCancelled {
                decideDue()
                let now = processor.clock.monotonicNanos
                let next = buffer.withLock { $0.nextDeadline } ?? now.addingSaturated(100_000_000)
                let wait = min(max(next.subtractingSaturated(now), 2_000_000), 100_000_000)
                _ = stopped.sleep(for: .nanoseconds(Int64(wait)))
            }
        }
        worker.withLock { $0 = thread }
    }

    /// Stops the decision thread, decides everything buffered and hands the kept traces on.
    func stop() {
        stopped.cancel()
        worker.withLock { $0 }?.join()
        let decided = buffer.withLock { buffer in
            defer { metrics.buffered(traces: buffer.bufferedTraces, bytes: buffer.bufferedBytes) }
            return buffer.takeAll(nowNanos: processor.clock.monotonicNanos)
        }
        handOn(decided, late: [])
    }

    /// Counts the decisions, drops the spans of dropped traces and hands kept ones on in requests of at
    /// most `maxBatchSpans` spans and `maxBatchBytes` bytes of spans, the traces of one `th` threshold
    /// together (each resource and scope they share written once a request). Each request is reserved in
    /// the memory budget before it is encoded; one that cannot be is dropped and counted
    /// (`memory_limit`), as is a refusal downstream (the refusing exporter counts it): the client was
    /// answered long ago.
    private func handOn(_ decided: [DecidedTrace], late: [(fragment: TraceFragment, threshold: String?)]) {
        var groups: [(threshold: String?, fragments: [TraceFragment])] = []
        func add(_ fragments: [TraceFragment], threshold: String?) {
            if let index = groups.firstIndex(where: { $0.threshold == threshold }) {
                groups[index].fragments.append(contentsOf: fragments)
            } else {
                groups.append((threshold, fragments))
            }
        }
        for (fragment, threshold) in late { add([fragment], threshold: threshold) }
        for trace in decided {
            metrics.decided(trace)
            if trace.decision.keep {
                add(trace.fragments, threshold: trace.decision.threshold)
            } else {
                processor.gatewayMetrics.processorDropped(trace.spanCount, processor: processor.name, signal: "traces", reason: "sampled_out")
            }
        }
        for group in groups {
            var batch: [TraceFragment] = []
            var spans = 0
            var bytes = 0
            for fragment in group.fragments {
                if !batch.isEmpty, spans + fragment.spanCount > Self.maxBatchSpans || bytes + fragment.spanBytes > Self.maxBatchBytes {
                    send(batch, threshold: group.threshold)
                    (batch, spans, bytes) = ([], 0, 0)
                }
                batch.append(fragment)
                spans += fragment.spanCount
                bytes += fragment.spanBytes
            }
            if !batch.isEmpty { send(batch, threshold: group.threshold) }
        }
    }

    /// Encodes `batch` (with `th` set to `threshold` on every span, the higher of it and a span's own) into
    /// a request reserved in the memory budget, and hands it on.
    private func send(_ batch: [TraceFragment], threshold: String?) {
        var lease: MemoryLease?
        let mark: ((String) -> String)? = threshold.map { threshold in
            { state in
                let own = TraceState.openTelemetryValue("th", in: state)
                let chosen = TailSamplingPolicy.moreSelective(own, threshold) ?? threshold
                return TraceState.settingOpenTelemetryValue("th", chosen, in: state)
            }
        }
        let payload = OTLPPayload.joined(
            batch, traceState: mark,
            charging: { size in
                lease = processor.budget.reserve(size + RequestIntake.itemOverhead)
                return lease != nil
            })
        guard let payload else {
            let spans = batch.reduce(0) { $0 + $1.spanCount }
            processor.gatewayMetrics.processorDropped(spans, processor: processor.name, signal: "traces", reason: "memory_limit")
            return
        }
        do throws(Refusal) {
            try next.consume(PipelineItem(payload: payload, lease: lease))
        } catch {
            error.overruled()
        }
    }
}
