import Logging
import Telemetry
import TelemetryOTLPData

/// An exporter's sending queue for one signal: bounded in bytes, batching by the pipeline's batch
/// settings, exporting from its own worker, with the exporter self-metrics (`telemetry_exporter_*`,
/// labelled with the exporter's name and the signal). Refuses (retryable) when full, and for good
/// (`Refusal.tooLarge`) an item larger than the whole queue, which no wait could make fit; the refused
/// items count as this exporter's drops only when another exporter took them. Items whose request
/// metadata differ never share a request: a batch is sent as one call per distinct metadata.
public final class SendingQueue: ExporterQueue {
    /// The most bytes waiting.
    public let capacityBytes: Int
    private let queue: ExportQueue<PipelineItem>
    private let name: String
    private let overload = OverloadAdvice()

    /// Creates a queue whose worker calls `send` with each batch of payloads of one request metadata.
    public init(
        exporter name: String, signal: OTLPSignal, capacityBytes: Int, batch: BatchSettings, selfMetrics: MetricsCollector,
        logger: Logger, send: @escaping @Sendable ([OTLPPayload], RequestMetadata) throws -> Void
    ) {
        self.name = name
        self.capacityBytes = capacityBytes
        let configuration = BatchConfiguration(
            maxQueueSize: capacityBytes, maxExportBatchSize: min(batch.maxRequestBytes, capacityBytes),
            scheduleDelay: batch.timeout)
        let batchItems = batch.sendBatchMaxSize > 0 ? min(batch.sendBatchSize, batch.sendBatchMaxSize) : batch.sendBatchSize
        queue = ExportQueue(
            configuration: configuration,
            metrics: ExporterSelfMetrics(exporter: name, signal: signal.rawValue, collector: selfMetrics), logger: logger,
            weight: { $0.itemCount }, size: { RequestIntake.heldBytes($0.payload, $0.metadata) }, batchWeight: batchItems,
            groupKey: { AnyHashable($0.metadata) }
        ) { items in
            try send(items.map(\.payload), items.first?.metadata ?? .empty)
        }
    }

    public func consume(_ item: PipelineItem) throws(Refusal) {
        let (queue, count) = (self.queue, item.itemCount)
        let size = RequestIntake.heldBytes(item.payload, item.metadata)
        guard size <= capacityBytes else {
            throw Refusal.tooLarge("the request (\(size) bytes queued) is larger than the queue of exporter \(name) (\(capacityBytes) bytes)")
                .countingWhenOverruled { queue.countDrop(count, .full) }
        }
        guard let refusal = queue.offer(item) else { return }
        let message = refusal == .full ? "the queue of exporter \(name) is full; retry later" : "exporter \(name) is shutting down"
        throw overload.refusal(reason: refusal.reason, message).countingWhenOverruled { queue.countDrop(count, refusal) }
    }

    /// Waits until everything queued is sent, at most until `deadlineNanos`.
    public func flush(deadlineNanos: UInt64) -> Bool {
        queue.forceFlush(timeout: .nanoseconds(Int64(clamping: deadlineNanos.subtractingSaturated(WallClock.monotonicNanos()))))
    }

    /// Stops taking items and hands back what waits (not counted as dropped), for another queue.
    func drain() -> [PipelineItem] {
        queue.drain()
    }

    /// Flushes until `deadlineNanos`, then stops; what is left is dropped and counted.
    public func shutdown(deadlineNanos: UInt64) -> Bool {
        queue.shutdown(timeout: .nanoseconds(Int64(clamping: deadlineNanos.subtractingSaturated(WallClock.monotonicNanos()))))
    }
}

/// An exporter's queue for one signal, in memory (`SendingQueue`) or on disk (`DiskSendingQueue`).
public protocol ExporterQueue: PayloadConsumer {
    /// Waits until everything queued is sent, at most until `deadlineNanos`.
    func flush(deadlineNanos: UInt64) -> Bool
    /// Flushes until `deadlineNanos`, then stops.
    func shutdown(deadlineNanos: UInt64) -> Bool
}
