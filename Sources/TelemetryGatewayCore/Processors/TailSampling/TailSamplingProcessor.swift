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
    /// Whether consumers run their own decision thread (tests drive `decideDue` by hand instead).
    let runsWorker: Bool
    private let consumers = LockedValue<[TailSamplingConsumer]>([])

    init(
        settings: TailSamplingConfig.Settings, name: String, metrics: GatewaySelfMetrics,
        clock: any GatewayClock = SystemGatewayClock(), runsWorker: Bool = true
    ) {
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
        let view: TracesView
        do throws(OTLPDecodeError) {
            view = try TracesView(item.payload)
        } catch {
            throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot decode the request now; retry later")
        }
        let facts = TraceFacts.gather(view, predicates: processor.predicates)
        let fragments = view.splitByTrace()
        let now = processor.clock.monotonicNanos
        var decided: [DecidedTrace] = []
        var late: [OTLPPayload] = []
        var lateDropped = 0
        let routes = buffer.withLock { buffer in
            defer { metrics.buffered(traces: buffer.bufferedTraces, bytes: buffer.bufferedBytes) }
            return fragments.map { buffer.add($0, facts: facts[$0.traceID] ?? TraceFacts(), nowNanos: now, decided: &decided) }
        }
        for (fragment, route) in zip(fragments, routes) {
            metrics.route(route, spans: fragment.payload.itemCount)
            switch route {
            case .buffered: break
            case .lateKept(let threshold): late.append(Self.marking(fragment.payload, threshold: threshold))
            case .lateDropped: lateDropped += fragment.payload.itemCount
            }
        }
        let withoutTrace = item.itemCount - fragments.reduce(0) { $0 + $1.payload.itemCount }
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
    /// most `maxBatchSpans` spans and `maxBatchBytes` bytes. A refusal downstream is counted by the
    /// refusing exporter as its drop: the client was answered long ago.
    private func handOn(_ decided: [DecidedTrace], late: [OTLPPayload]) {
        var kept = late
        for trace in decided {
            metrics.decided(trace)
            if trace.decision.keep {
                kept.append(Self.marking(OTLPPayload.joined(trace.fragments), threshold: trace.decision.threshold))
            } else {
                processor.gatewayMetrics.processorDropped(trace.spanCount, processor: processor.name, signal: "traces", reason: "sampled_out")
            }
        }
        var batch: [OTLPPayload] = []
        var spans = 0
        var bytes = 0
        func send() {
            guard !batch.isEmpty else { return }
            do throws(Refusal) {
                try next.consume(PipelineItem(payload: OTLPPayload.joined(batch)))
            } catch {
                error.overruled()
            }
            (batch, spans, bytes) = ([], 0, 0)
        }
        for payload in kept {
            if spans + payload.itemCount > Self.maxBatchSpans || bytes + payload.bytes.count > Self.maxBatchBytes { send() }
            batch.append(payload)
            spans += payload.itemCount
            bytes += payload.bytes.count
        }
        send()
    }

    /// `payload` with `th` set to `threshold` on every span (the higher of it and a span's own), so
    /// downstream counts stay estimable; unchanged without a threshold.
    static func marking(_ payload: OTLPPayload, threshold: String?) -> OTLPPayload {
        guard let threshold, let view = try? TracesView(payload) else { return payload }
        let marked = view.filtered { span in
            let own = TraceState.openTelemetryValue("th", in: span.traceState)
            let chosen = TailSamplingPolicy.moreSelective(own, threshold) ?? threshold
            let state = TraceState.settingOpenTelemetryValue("th", chosen, in: span.traceState)
            return state == span.traceState ? .keep : .keepWithTraceState(state)
        }
        return marked.payload ?? payload
    }
}
