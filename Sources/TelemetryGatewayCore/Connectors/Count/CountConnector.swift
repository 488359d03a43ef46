import TelemetryOTLPData
import TelemetryOTTL

/// The `count` connector (the Collector's `countconnector`): for each request of spans, metrics or logs
/// it sends one metrics request of counts to the pipelines it feeds — per resource group, a monotonic
/// delta `Sum` per configured metric with a data point per attribute set. Nothing is kept between
/// requests: the distinct attribute sets of a request are at most its items, each charged to the budget
/// before it is stored, and freed once the output is encoded.
struct CountConnector: GatewayConnector {
    let name: String
    let metrics: GatewaySelfMetrics
    let budget: MemoryBudget
    let settings: CountSettings
    /// The clock that stamps counts of items that carry no timestamp.
    let clock: any GatewayClock

    /// A connector built in `context` with `settings`.
    init(context: BuildContext, settings: CountSettings, clock: any GatewayClock = SystemGatewayClock()) {
        name = context.id.description
        metrics = context.metrics
        budget = context.budget
        self.settings = settings
        self.clock = clock
    }

    func consumer(from: OTLPSignal, to: OTLPSignal, outputs: [ComponentID: any PayloadConsumer]) throws(GatewayError) -> any PayloadConsumer {
        guard to == .metrics else { throw GatewayError("\(name): the count connector feeds metrics pipelines, not \(to.rawValue)") }
        let ordered = outputs.sorted { $0.key.description < $1.key.description }.map(\.value)
        return Consumer(connector: self, signal: from, output: FanoutConsumer(ordered))
    }

    /// Counts each request of `signal` and hands the counts on.
    private struct Consumer: PayloadConsumer {
        let connector: CountConnector
        let signal: OTLPSignal
        let output: FanoutConsumer

        func consume(_ item: PipelineItem) throws(Refusal) {
            guard !item.payload.stringsHoldNUL else {
                // protobuf-c would hand over a string cut at its NUL: counts by a wrong attribute value.
                throw refusal(.invalid, reason: "malformed", "a string in the request holds a NUL byte (U+0000), which \(connector.name) cannot count by", item)
            }
            let counted: (payload: OTLPPayload, lease: MemoryLease)?
            do throws(CountFailure) {
                counted = try count(item)
            } catch {
                switch error {
                case .memory:
                    throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot count the request now; retry later")
                        .countingWhenOverruled(dropCounter(item, reason: "memory_limit"))
                case .failed(let message):
                    throw refusal(.invalid, reason: "processing_error", "\(connector.name): \(message)", item)
                }
            }
            guard let (payload, lease) = counted else { return }
            // While the pipelines fed run, they may decode the counts: their decoded size is held too.
            guard lease.resize(to: payload.bytes.count + RequestIntake.itemOverhead + payload.decodedBytesEstimate) else {
                throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot count the request now; retry later")
                    .countingWhenOverruled(dropCounter(item, reason: "memory_limit"))
            }
            defer { _ = lease.resize(to: payload.bytes.count + RequestIntake.itemOverhead) }
            try output.consume(PipelineItem(payload: payload, lease: lease, metadata: item.metadata))
        }

        /// The counts of `item` encoded, with a lease holding their bytes; nil when nothing was counted.
        private func count(_ item: PipelineItem) throws(CountFailure) -> (payload: OTLPPayload, lease: MemoryLease)? {
            let lease = item.lease
            let base = lease?.bytes ?? 0
            // What decoding allocates beyond the decoded size the receiver reserved, as editing processors do.
            defer { _ = lease?.resize(to: base) }
            let request: EditableRequest
            do {
                request = try EditableRequest(item.payload) { total in lease?.resize(to: base + total) ?? true }
            } catch {
                throw .memory
            }
            guard let tallies = connector.budget.reserve(0) else { throw .memory }
            let charge = { (bytes: Int) in tallies.resize(to: tallies.bytes + bytes) }
            let walk = CountWalk(settings: connector.settings, nowNanos: connector.clock.wallNanos)
            let resources: [CountedResource]
            switch signal {
            case .traces: resources = try walk.traces(request, charge: charge)
            case .metrics: resources = try walk.metrics(request, charge: charge)
            case .logs: resources = try walk.logs(request, charge: charge)
            }
            var outputLease: MemoryLease?
            let payload: OTLPPayload?
            do throws(EditMemoryRefused) {
                // The counted resources point into the decoded request: it lives until they are encoded.
                payload = try withExtendedLifetime(request) { () throws(EditMemoryRefused) -> OTLPPayload? in
                    try CountMetricsEncoder.encode(resources) { bytes throws(EditMemoryRefused) in
                        guard let reserved = connector.budget.reserve(bytes + RequestIntake.itemOverhead) else { throw .outsideSession(bytes: bytes) }
                        outputLease = reserved
                    }
                }
            } catch {
                throw .memory
            }
            guard let payload, let outputLease else { return nil }
            return (payload, outputLease)
        }

        private func refusal(_ kind: Refusal.Kind, reason: String, _ message: String, _ item: PipelineItem) -> Refusal {
            Refusal(kind, reason: reason, message).countingWhenOverruled(dropCounter(item, reason: reason == "processing_error" ? "error" : reason))
        }

        /// Counts `item`'s items as dropped by the connector (when another exporter of its pipeline took it).
        private func dropCounter(_ item: PipelineItem, reason: String) -> @Sendable () -> Void {
            let (metrics, name, signal, count) = (connector.metrics, connector.name, signal.rawValue, item.itemCount)
            return { metrics.processorDropped(count, processor: name, signal: signal, reason: reason) }
        }
    }
}
