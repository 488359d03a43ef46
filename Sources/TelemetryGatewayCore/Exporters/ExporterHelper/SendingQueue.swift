import Logging
import Telemetry
import TelemetryOTLPData

/// An exporter's sending queue for one signal: bounded in bytes, batching by the pipeline's batch
/// settings, exporting from its own worker, with the exporter self-metrics (`telemetry_exporter_*`,
/// labelled with the exporter's name and the signal). Refuses (retryable) when full, and for good
/// (`Refusal.tooLarge`) an item larger than the whole queue, which no wait could make fit; the refused
/// items count as this exporter's drops only when another exporter took them.
public final class SendingQueue: ExporterQueue {
    /// The most bytes waiting.
    public let capacityBytes: Int
    private let queue: ExportQueue<PipelineItem>
    private let name: String
    private let overload = OverloadAdvice()

    /// Creates a queue whose worker calls `send` with each batch of payloads.
    public init(
        exporter name: String, signal: OTLPSignal, capacityBytes: Int, batch: BatchSettings, selfMetrics: MetricsCollector,
        logger: Logger, send: @escaping @Sendable ([OTLPPayload]) throws -> Void
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
            weight: { $0.itemCount }, size: { $0.payload.bytes.count + RequestIntake.itemOverhead }, batchWeight: batchItems
        ) { items in
            try send(items.map(\.payload))
        }
    }

    public func consume(_ item: PipelineItem) throws(Refusal) {
        let (queue, count) = (self.queue, item.itemCount)
        let size = item.payload.bytes.count + RequestIntake.itemOverhead
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
