/// How a batch processor queues and groups items before exporting them.
public struct BatchConfiguration: Sendable, Hashable {
    /// The most items waiting for export; beyond it new items are dropped and counted.
    public var maxQueueSize: Int
    /// The most items per export call.
    public var maxExportBatchSize: Int
    /// How long an item may wait before a partial batch is exported.
    public var scheduleDelay: Duration
    /// How long `forceFlush` and `shutdown` wait for queued items to be exported.
    public var exportTimeout: Duration

    /// Creates a configuration with OpenTelemetry's defaults (2048, 512, 5 s, 30 s).
    ///
    /// Values are clamped to sensible ranges: sizes to at least 1, the batch to at most the queue.
    public init(
        maxQueueSize: Int = 2048, maxExportBatchSize: Int = 512, scheduleDelay: Duration = .seconds(5),
        exportTimeout: Duration = .seconds(30)
    ) {
        self.maxQueueSize = max(1, maxQueueSize)
        self.maxExportBatchSize = min(max(1, maxExportBatchSize), self.maxQueueSize)
        self.scheduleDelay = max(.milliseconds(1), scheduleDelay)
        self.exportTimeout = max(.zero, exportTimeout)
    }
}
