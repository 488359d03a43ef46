import Logging

/// A bounded queue drained by its own worker thread, which exports items in batches.
///
/// `enqueue` never blocks on I/O: it takes a lock, appends, and wakes the worker only when a batch is
/// full. When the queue is full the new item is dropped and counted. The worker exports when a batch
/// fills, when `scheduleDelay` passes, or on `forceFlush`; a failed export drops its batch (the
/// exporter has already retried) and is counted and logged at a bounded rate.
///
/// The worker holds only the queue's state, never the queue itself: a queue released without
/// `shutdown()` stops taking items, and its worker exports what was already queued and ends.
package final class ExportQueue<Item: Sendable>: Sendable {
    private let core: ExportQueueCore<Item>
    private let worker: WorkerThread

    /// Starts the worker.
    ///
    /// - Parameters:
    ///   - weight: how many telemetry items (spans, data points) one queued item stands for, for counting.
    ///   - size: how much of the queue's capacity and of a batch one item takes (1 by default, so
    ///     `maxQueueSize` and `maxExportBatchSize` count items; the gateway counts bytes).
    ///   - batchWeight: a batch is also full at this total weight (no limit by default).
    ///   - groupKey: when set, a batch is exported as one call per distinct key of its items (in the order
    ///     each key first appears), each counted on its own: items of different keys never share a call.
    ///   - export: sends one batch; throws when it finally failed.
    package init(
        configuration: BatchConfiguration, metrics: ExporterSelfMetrics, logger: Logger,
        weight: @escaping @Sendable (Item) -> Int = { _ in 1 }, size: @escaping @Sendable (Item) -> Int = { _ in 1 },
        batchWeight: Int = .max, groupKey: (@Sendable (Item) -> AnyHashable)? = nil,
        export: @escaping @Sendable ([Item]) throws -> Void
    ) {
        let core = ExportQueueCore(
            configuration: configuration, metrics: metrics, logger: logger, weight: weight, size: size,
            batchWeight: max(1, batchWeight), groupKey: groupKey, export: export)
        self.core = core
        worker = WorkerThread { core.run() }
    }

    deinit {
        core.abandon()
    }

    /// Queues `item`; returns false (the item is dropped and counted) when the queue is full or stopped.
    @discardableResult
    package func enqueue(_ item: Item) -> Bool {
        guard let refusal = core.offer(item) else { return true }
        core.countDrop(core.weight(item), refusal)
        return false
    }

    /// Queues `item`, or says why not without counting a drop: for a caller that passes the refusal on
    /// (the gateway answers 429, and counts a drop only when another exporter took the data).
    package func offer(_ item: Item) -> ExportQueueRefusal? {
        core.offer(item)
    }

    /// Counts `weight` items as dropped for `refusal` (after `offer` refused them and they were lost
    /// for this queue).
    package func countDrop(_ weight: Int, _ refusal: ExportQueueRefusal) {
        core.countDrop(weight, refusal)
    }

    /// Waits until everything queued before the call is exported, or `timeout` passes; returns whether it was.
    @discardableResult
    package func forceFlush(timeout: Duration? = nil) -> Bool {
        core.forceFlush(timeout: timeout)
    }

    /// Stops taking items and hands back every item not yet taken for export, without counting them
    /// as dropped (their new owner counts them); the worker finishes its batch in flight, then ends.
    package func drain() -> [Item] {
        core.drain()
    }

    /// Flushes (bounded by `timeout`), then stops the worker; later items are dropped and counted.
    ///
    /// - Returns: whether everything was exported in time. Items still queued then are counted as dropped.
    @discardableResult
    package func shutdown(timeout: Duration? = nil) -> Bool {
        let (flushed, exited) = core.shutdown(timeout: timeout)
        if exited { worker.join() }
        return flushed
    }
}

/// Why an `ExportQueue` did not take an item.
package enum ExportQueueRefusal: Sendable, Equatable {
    /// The queue is at its capacity.
    case full
    /// The queue is shut down.
    case stopped

    /// The `reason` label of the drop.
    package var reason: String { self == .full ? "queue_full" : "shutdown" }
}

/// The state an `ExportQueue`'s worker runs on.
private final class ExportQueueCore<Item: Sendable>: Sendable {
    private struct State: Sendable {
        var queue: BoundedQueue<Item>
        /// Items ever accepted, and items ever taken and finished (exported or failed): a flush waits
        /// for `processed` to reach the `accepted` it saw.
        var accepted = 0
        var processed = 0
        var pendingFlushes = 0
        var stopping = false
        var exited = false
        /// Items of the batch being exported, and whether shutdown gave up on it (then it was counted as
        /// dropped, and its late outcome is not counted again).
        var inFlight = 0
        var inFlightAbandoned = false
    }

    private let configuration: BatchConfiguration
    private let metrics: ExporterSelfMetrics
    private let log: RateLimitedLogger
    private let export: @Sendable ([Item]) throws -> Void
    let weight: @Sendable (Item) -> Int
    private let size: @Sendable (Item) -> Int
    private let batchWeight: Int
    private let groupKey: (@Sendable (Item) -> AnyHashable)?
    private let state: ConditionLock<State>

    init(
        configuration: BatchConfiguration, metrics: ExporterSelfMetrics, logger: Logger,
        weight: @escaping @Sendable (Item) -> Int, size: @escaping @Sendable (Item) -> Int, batchWeight: Int,
        groupKey: (@Sendable (Item) -> AnyHashable)?, export: @escaping @Sendable ([Item]) throws -> Void
    ) {
        self.batchWeight = batchWeight
        self.groupKey = groupKey
        self.configuration = configuration
        self.metrics = metrics
        self.log = RateLimitedLogger(logger: logger)
        self.export = export
        self.weight = weight
        self.size = size
        state = ConditionLock(State(queue: BoundedQueue(capacity: configuration.maxQueueSize)))
        metrics.queueCapacity.set(Double(configuration.maxQueueSize))
    }

    func offer(_ item: Item) -> ExportQueueRefusal? {
        let batchSize = configuration.maxExportBatchSize
        let batchWeight = self.batchWeight
        let itemSize = size(item)
        let count = weight(item)
        let (refusal, wake, waiting) = state.withLock { state -> (ExportQueueRefusal?, Bool, (Int, Int)) in
            let (sizeBefore, weightBefore) = (state.queue.totalSize, state.queue.totalWeight)
            guard !state.stopping else { return (.stopped, false, (sizeBefore, weightBefore)) }
            let wasFull = sizeBefore >= batchSize || weightBefore >= batchWeight
            guard state.queue.append(item, size: itemSize, weight: count) else { return (.full, false, (sizeBefore, weightBefore)) }
            state.accepted += 1
            let isFull = state.queue.totalSize >= batchSize || state.queue.totalWeight >= batchWeight
            return (nil, !wasFull && isFull, (state.queue.totalSize, state.queue.totalWeight))
        }
        if let refusal {
            log.log(
                .warning, key: refusal.reason,
                "\(metrics.signal) refused by the queue of \(metrics.exporter): "
                    + (refusal == .stopped ? "the pipeline is shut down" : "queue full (\(configuration.maxQueueSize))"))
            return refusal
        }
        metrics.enqueued.inc(by: Double(count))
        metrics.queueSize.set(Double(waiting.0))
        metrics.queuedItems.set(Double(waiting.1))
        if wake { state.withLockAndBroadcast { _ in } }
        return nil
    }

    func countDrop(_ weight: Int, _ refusal: ExportQueueRefusal) {
        metrics.drop(weight, reason: refusal.reason)
    }

    func forceFlush(timeout: Duration?) -> Bool {
        let deadline = (timeout ?? configuration.exportTimeout).deadlineFromNow
        let target = state.withLockAndBroadcast { state -> Int in
            state.pendingFlushes += 1
            return state.accepted
        }
        return state.wait(until: { $0.processed >= target || $0.exited }, deadlineNanos: deadline) { state, _ in
            state.pendingFlushes -= 1
            return state.processed >= target
        }
    }

    /// Flushes, drops what is left, stops the worker; returns whether everything was exported and
    /// whether the worker has ended.
    func shutdown(timeout: Duration?) -> (flushed: Bool, exited: Bool) {
        let deadline = (timeout ?? configuration.exportTimeout).deadlineFromNow
        let flushed = forceFlush(timeout: timeout)
        let leftover = state.withLockAndBroadcast { state -> [Item] in
            state.stopping = true
            return state.queue.removeAll()
        }
        let dropped = leftover.reduce(0) { $0 + weight($1) }
        if dropped > 0 { metrics.drop(dropped, reason: "shutdown") }
        metrics.queueSize.set(0)
        metrics.queuedItems.set(0)
        let (exited, abandoned) = state.wait(until: { $0.exited }, deadlineNanos: deadline) { state, exited -> (Bool, Int) in
            guard !exited, state.inFlight > 0 else { return (exited, 0) }
            state.inFlightAbandoned = true
            return (false, state.inFlight)
        }
        if abandoned > 0 { metrics.drop(abandoned, reason: "shutdown") }
        return (flushed && dropped == 0 && abandoned == 0, exited)
    }

    func drain() -> [Item] {
        let items = state.withLockAndBroadcast { state -> [Item] in
            state.stopping = true
            let items = state.queue.removeAll()
            state.processed += items.count
            return items
        }
        metrics.queueSize.set(0)
        metrics.queuedItems.set(0)
        return items
    }

    /// Stops taking items without waiting: the worker exports what is queued, then ends.
    func abandon() {
        state.withLockAndBroadcast { $0.stopping = true }
    }

    /// The worker's loop: exports batches until stopped and the queue is empty.
    func run() {
        let delay = configuration.scheduleDelay.nanoseconds
        let batchSize = configuration.maxExportBatchSize
        let batchWeight = self.batchWeight
        var nextScheduled = WallClock.monotonicNanos().addingSaturated(delay)
        while true {
            let (batch, stop) = state.wait(
                until: { state in
                    state.queue.totalSize >= batchSize || state.queue.totalWeight >= batchWeight || state.stopping
                        || (state.pendingFlushes > 0 && !state.queue.isEmpty)
                },
                deadlineNanos: nextScheduled
            ) { state, _ -> ([Item], Bool) in
                let batch = state.queue.take(upToSize: batchSize, weight: batchWeight)
                state.inFlight = batch.reduce(0) { $0 + weight($1) }
                return (batch, state.stopping)
            }
            if !batch.isEmpty {
                exportBatch(batch)
                state.withLockAndBroadcast { state in
                    state.processed += batch.count
                    state.inFlight = 0
                }
            }
            if !batch.isEmpty || WallClock.monotonicNanos() >= nextScheduled {
                nextScheduled = WallClock.monotonicNanos().addingSaturated(delay)
            }
            if stop && batch.isEmpty {
                state.withLockAndBroadcast { $0.exited = true }
                return
            }
        }
    }

    private func exportBatch(_ batch: [Item]) {
        let (size, waiting) = state.withLock { ($0.queue.totalSize, $0.queue.totalWeight) }
        metrics.queueSize.set(Double(size))
        metrics.queuedItems.set(Double(waiting))
        for group in groups(of: batch) {
            // Shutdown may have given up on this batch while it was out, and counted it as dropped.
            guard exportGroup(group) else { return }
        }
    }

    /// `batch` split by `groupKey` (one group without it), in the order each key first appears.
    private func groups(of batch: [Item]) -> [[Item]] {
        guard let groupKey, batch.count > 1 else { return [batch] }
        var positions: [AnyHashable: Int] = [:]
        var groups: [[Item]] = []
        for item in batch {
            let key = groupKey(item)
            if let position = positions[key] {
                groups[position].append(item)
            } else {
                positions[key] = groups.count
                groups.append([item])
            }
        }
        return groups
    }

    /// Exports and counts one group; false when shutdown gave up on the batch meanwhile (not counted).
    private func exportGroup(_ batch: [Item]) -> Bool {
        let count = batch.reduce(0) { $0 + weight($1) }
        let outcome = Result { try export(batch) }
        guard !state.withLock({ $0.inFlightAbandoned }) else { return false }
        do {
            try outcome.get()
            metrics.sent.inc(by: Double(count))
        } catch {
            metrics.failedExports.inc()
            metrics.drop(count, reason: "export_failed")
            log.log(
                .error, key: "export_failed",
                "export of \(count) \(metrics.signal) items to \(metrics.exporter) failed: \(error)")
        }
        return true
    }
}
