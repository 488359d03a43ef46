import TelemetryOTLPData

/// `memory_limiter`: sets the gateway's in-flight memory budget and refuses data (retryable) while the
/// budget is above its soft limit, so clients back off before the hard limit is reached.
///
/// Keys as in the Collector: `limit_mib` (the hard limit of the budget) or `limit_percentage` (of the
/// container's memory limit), and `spike_limit_mib` / `spike_limit_percentage` (headroom kept below the
/// hard limit; 20% of it by default). Unlike the Collector's it counts the bytes the gateway holds
/// (bodies, decoded requests, queued payloads) rather than sampling the process heap, so it reacts
/// per request; `check_interval` is accepted for compatibility and has no effect.
public struct MemoryLimiterProcessor: GatewayProcessor {
    /// The budget receivers reserve from.
    public let budget: MemoryBudget
    /// Above this many bytes held, new data is refused.
    public let softLimitBytes: Int
    let metrics: GatewaySelfMetrics
    let name: String

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    public func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer {
        Limiter(processor: self, next: next)
    }

    private struct Limiter: PayloadConsumer {
        let processor: MemoryLimiterProcessor
        let next: any PayloadConsumer

        func consume(_ item: PipelineItem) throws(Refusal) {
            // The item's own reservation is already in the budget: refuse when the rest is above the soft limit.
            let held = processor.budget.usedBytes - (item.lease?.bytes ?? 0)
            guard held <= processor.softLimitBytes else {
                let (metrics, name, count, signal) = (processor.metrics, processor.name, item.itemCount, item.signal.rawValue)
                throw processor.budget.overload.refusal(reason: "memory_limit", "the gateway is above its memory limit; retry later")
                    .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: signal, reason: "memory_limit") }
            }
            try next.consume(item)
        }
    }
}
