#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// An exporter's sending queue for one signal kept on disk (`sending_queue: {storage: disk}`): what the
/// gateway accepted survives a crash, a kill or a restart, and is delivered at least once.
///
/// `consume` returns (and the receiver answers 200) only once the request is appended to the segment
/// log, and with `fsync: always` forced to disk (appends of concurrent requests share one fsync). A
/// worker reads batches back, sends them, and moves the durable watermark past them only after the
/// backend's success; a retryable failure is retried by the `RetryLoop` under an `untilDelivered`
/// policy (jittered, capped backoff) for as long as it takes (the queue is bounded in bytes, and
/// `when_full` says what happens then), a permanent one drops the batch and counts it. Order is kept, apart from a batch sent again after a crash (the in-flight window).
public final class DiskSendingQueue: ExporterQueue {
    /// The settings.
    public var settings: DiskQueueSettings { core.settings }
    private let core: DiskQueueCore
    private let worker: WorkerThread

    /// Opens (recovering) the queue in `settings.directory`/`<exporter>`/`<signal>` and starts its worker.
    ///
    /// - Parameters:
    ///   - retry: the waits between attempts of one batch, always run as `RetryPolicy.untilDelivered`
    ///     (a bounded policy keeps only its backoffs); the loop ends when the queue stops, leaving the
    ///     batch on disk.
    ///   - interrupt: cuts an `attempt` in progress short (called when the queue stops).
    ///   - attempt: sends one batch of serialised requests, all queued with the same request metadata,
    ///     once: delivered, refused for good (the batch is dropped), or worth another attempt.
    /// - Throws: `GatewayError` when the folder cannot be used (permissions, another gateway holds it).
    package convenience init(
        exporter name: String, signal: OTLPSignal, settings: DiskQueueSettings, batch: BatchSettings,
        selfMetrics: MetricsCollector, logger: Logger, retry: RetryPolicy, interrupt: @escaping @Sendable () -> Void = {},
        attempt: @escaping @Sendable ([[UInt8]], RequestMetadata) -> RetryAttempt<Void, any Error, String>
    ) throws(GatewayError) {
        try self.init(
            exporter: name, signal: signal, settings: settings, batch: batch, selfMetrics: selfMetrics, logger: logger,
            retry: retry, interrupt: interrupt, attempt: attempt, syncFile: { file throws(DiskQueueIOError) in try file.sync() })
    }

    /// Opens the queue forcing segment files to disk with `syncFile` (tests inject failures there).
    init(
        exporter name: String, signal: OTLPSignal, settings: DiskQueueSettings, batch: BatchSettings,
        selfMetrics: MetricsCollector, logger: Logger, retry: RetryPolicy, interrupt: @escaping @Sendable () -> Void = {},
        attempt: @escaping @Sendable ([[UInt8]], RequestMetadata) -> RetryAttempt<Void, any Error, String>,
        syncFile: @escaping @Sendable (SegmentFile) throws(DiskQueueIOError) -> Void
    ) throws(GatewayError) {
        let core = try DiskQueueCore(
            exporter: name, signal: signal, settings: settings, batch: batch, selfMetrics: selfMetrics, logger: logger,
            retry: retry, interrupt: interrupt, attempt: attempt, syncFile: syncFile)
        self.core = core
        worker = WorkerThread { core.run() }
    }

    deinit {
        core.stop()
    }

    /// The folder name for an exporter name (`otlp/upstream` → `otlp_upstream`).
    static func folderName(_ exporter: String) -> String {
        String(exporter.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
    }

    /// What recovery found when the queue was opened.
    var recovery: RecoveryReport { core.recovery }

    /// The unsent records (those in flight included).
    var depth: QueueDepth { core.depth }

    public func consume(_ item: PipelineItem) throws(Refusal) {
        try core.consume(item)
    }

    /// Waits until everything queued is sent, at most until `deadlineNanos`.
    public func flush(deadlineNanos: UInt64) -> Bool {
        core.flush(deadlineNanos: deadlineNanos)
    }

    /// Sends what it can until `deadlineNanos`, then stops the worker. Nothing is dropped: what is left
    /// (the batch in flight included) stays on disk and is sent after the next start.
    public func shutdown(deadlineNanos: UInt64) -> Bool {
        let drained = core.flush(deadlineNanos: deadlineNanos)
        core.stop()
        worker.join()
        core.syncAll()
        return drained
    }
}

/// The state and the worker's loop of a `DiskSendingQueue`.
private final class DiskQueueCore: Sendable {
    let settings: DiskQueueSettings
    let recovery: RecoveryReport
    private let name: String
    private let signal: OTLPSignal
    private let batch: BatchSettings
    private let metrics: DiskQueueMetrics
    private let log: RateLimitedLogger
    private let state: ConditionLock<State>
    private let durability = ConditionLock(Durability())
    private let cancellation = CancellationSignal()
    private let overload = OverloadAdvice()
    private let attempt: @Sendable ([[UInt8]], RequestMetadata) -> RetryAttempt<Void, any Error, String>
    private let syncFile: @Sendable (SegmentFile) throws(DiskQueueIOError) -> Void
    private let interrupt: @Sendable () -> Void
    private let retry: RetryPolicy

    /// Which appends (numbered in order) are on the disk, and which never can be.
    struct Durability: Sendable {
        /// Every append up to this one was forced to disk.
        var synced: UInt64 = 0
        /// Every append up to this one was written before a failed fsync: never durable.
        var lost: UInt64 = 0
    }

    struct State: Sendable {
        var log: SegmentLog
        var appended: UInt64 = 0
        var unsynced: [SegmentFile] = []
        var nextIntervalSyncNanos: UInt64 = 0
        /// When the worker first saw unread data it has not sent yet (monotonic), for the batch timeout.
        var unreadSinceNanos: UInt64?
        var flushRequests = 0
        var stopping = false
        var exited = false
    }

    init(
        exporter name: String, signal: OTLPSignal, settings: DiskQueueSettings, batch: BatchSettings,
        selfMetrics: MetricsCollector, logger: Logger, retry: RetryPolicy, interrupt: @escaping @Sendable () -> Void,
        attempt: @escaping @Sendable ([[UInt8]], RequestMetadata) -> RetryAttempt<Void, any Error, String>,
        syncFile: @escaping @Sendable (SegmentFile) throws(DiskQueueIOError) -> Void
    ) throws(GatewayError) {
        self.interrupt = interrupt
        self.syncFile = syncFile
        self.name = name
        self.signal = signal
        self.settings = settings
        self.batch = batch
        self.attempt = attempt
        // Never a bounded policy: a batch given up on would be acknowledged with the next one.
        self.retry = retry.retriesUntilDelivered ? retry : .untilDelivered(initialBackoff: retry.initialBackoff, maxBackoff: retry.maxBackoff)
        log = RateLimitedLogger(logger: logger)
        metrics = DiskQueueMetrics(
            exporter: ExporterSelfMetrics(exporter: name, signal: signal.rawValue, collector: selfMetrics), collector: selfMetrics)
        let folder = settings.directory + "/" + DiskSendingQueue.folderName(name) + "/" + signal.rawValue
        let segmentLog: SegmentLog
        do {
            segmentLog = try SegmentLog(directory: folder, signal: OTLPSignalCode(signal), segmentBytes: settings.segmentBytes)
        } catch {
            throw GatewayError("exporter \(name): cannot open its disk queue: \(error)")
        }
        recovery = segmentLog.recovery
        state = ConditionLock(State(log: segmentLog))
        metrics.exporter.queueCapacity.set(Double(settings.maxBytes))
        metrics.record(segmentLog.recovery)
        metrics.update(depth: segmentLog.depth, oldestEnqueuedAtNanos: segmentLog.oldestEnqueuedAtNanos, fileBytes: segmentLog.diskBytes)
        if segmentLog.recovery.events > 0 {
            logger.warning(
                "exporter \(name) (\(signal.rawValue)): the disk queue in \(folder) was damaged: \(segmentLog.recovery.tornTails) torn tail(s), \(segmentLog.recovery.corruptRanges) damaged stretch(es), \(segmentLog.recovery.damagedBytes) bytes cut out and kept in \(folder)/quarantine\(segmentLog.recovery.damagedAck ? "; the acknowledgement file was damaged, so everything on disk is sent again" : "")")
        }
        if !segmentLog.recovery.ignoredFiles.isEmpty {
            logger.warning(
                "exporter \(name) (\(signal.rawValue)): files in \(folder) that are not segments of the disk queue (a segment is 20 digits up to \(SegmentName.maxNumber) and .seg) were left unread: \(segmentLog.recovery.ignoredFiles.joined(separator: ", "))")
        }
        if segmentLog.depth.records > 0 {
            logger.info("exporter \(name) (\(signal.rawValue)): \(segmentLog.depth.records) requests (\(segmentLog.depth.items) items) recovered from \(folder)")
        }
    }

    var depth: QueueDepth { state.withLock { $0.log.depth } }

    /// Takes `item` as the settings say. With `when_full: block` every refusal is must-keep: the queue
    /// promises that what it does not take stays with the client, so no fan-out may answer 200 for it.
    func consume(_ item: PipelineItem) throws(Refusal) {
        do throws(Refusal) {
            try take(item)
        } catch {
            throw settings.whenFull == .block ? error.mustKeep() : error
        }
    }

    private func take(_ item: PipelineItem) throws(Refusal) {
        // Read back refuses a longer body as damage: such a record would be taken and never delivered.
        let metadataBlock = SegmentRecordFormat.metadataBlock(item.metadata)
        guard item.payload.bytes.count + metadataBlock.count <= SegmentRecordFormat.maxPayloadBytes else {
            let count = item.itemCount
            throw Refusal(
                .invalid, reason: "too_large",
                "the request (\(item.payload.bytes.count) bytes, \(metadataBlock.count) of metadata) is larger than exporter \(name)'s disk queue can read back (\(SegmentRecordFormat.maxPayloadBytes) bytes)"
            ).countingWhenOverruled { [metrics] in metrics.exporter.drop(count, reason: "too_large") }
        }
        let framed = SegmentRecordFormat.frame(
            signal: OTLPSignalCode(signal), itemCount: item.itemCount, enqueuedAtNanos: WallClock.nowNanos(),
            payload: item.payload.bytes, metadataBlock: metadataBlock)
        guard framed.count <= settings.maxBytes else {
            // No wait and no eviction could make it fit: refused for good, not 429 forever.
            throw Refusal.tooLarge("the request (\(framed.count) bytes framed) is larger than the disk queue of exporter \(name) (max_bytes \(settings.maxBytes))")
                .countingWhenOverruled { [metrics] in metrics.exporter.drop(item.itemCount, reason: "queue_full") }
        }
        switch append(framed, itemCount: item.itemCount) {
        case .appended(let sequence, _):
            try forceToDisk(upTo: sequence)
        case .droppedNewest(let reason):
            metrics.exporter.drop(item.itemCount, reason: reason)
        case .full(let reason):
            let what = reason == "disk_full" ? "disk under the disk queue" : "disk queue"
            throw overload.refusal(reason: reason, "the \(what) of exporter \(name) is full; retry later")
                .countingWhenOverruled { [metrics] in metrics.exporter.drop(item.itemCount, reason: reason) }
        case .stopped:
            throw overload.refusal(reason: "shutdown", "exporter \(name) is shutting down")
                .countingWhenOverruled { [metrics] in metrics.exporter.drop(item.itemCount, reason: "shutdown") }
        case .failed(let error):
            metrics.error("write")
            log.log(.error, key: "write", "exporter \(name): cannot append to its disk queue: \(error)")
            throw overload.refusal(reason: "disk_error", "the disk queue of exporter \(name) cannot be written; retry later")
                .countingWhenOverruled { [metrics] in metrics.exporter.drop(item.itemCount, reason: "disk_error") }
        }
    }

    private enum AppendOutcome {
        case appended(UInt64, wake: Bool)
        /// Dropped by `when_full: drop_newest` (reason `queue_full` or `disk_full`).
        case droppedNewest(reason: String)
        /// Refused by `when_full: block` (reason `queue_full` or `disk_full`).
        case full(reason: String)
        case stopped
        case failed(DiskQueueIOError)
    }

    private func append(_ framed: [UInt8], itemCount: Int) -> AppendOutcome {
        let (settings, batchBytes, batchItems) = (self.settings, self.batch.maxRequestBytes, batchItemLimit)
        let (outcome, evicted) = state.withLock { state -> (AppendOutcome, QueueDepth) in
            guard !state.stopping else { return (.stopped, QueueDepth()) }
            var evicted = QueueDepth()
            if state.log.depth.bytes + framed.count > settings.maxBytes {
                switch settings.whenFull {
                case .block: return (.full(reason: "queue_full"), evicted)
                case .dropNewest: return (.droppedNewest(reason: "queue_full"), evicted)
                case .dropOldest:
                    do throws(DiskQueueIOError) { evicted = try state.log.dropOldest(toFit: framed.count, maxBytes: settings.maxBytes) } catch {
                        return (.failed(error), evicted)
                    }
                    guard state.log.depth.bytes + framed.count <= settings.maxBytes else { return (.full(reason: "queue_full"), evicted) }
                }
            }
            let unreadBefore = state.log.unread
            var written = Self.write(framed, itemCount: itemCount, to: &state, settings: settings)
            if case .failure(let error) = written, error.isNoSpace {
                // The disk under the queue is full before max_bytes: the same policy applies.
                switch settings.whenFull {
                case .block: return (.full(reason: "disk_full"), evicted)
                case .dropNewest: return (.droppedNewest(reason: "disk_full"), evicted)
                case .dropOldest:
                    do throws(DiskQueueIOError) { evicted += try state.log.releaseOldestSegment(durable: settings.fsync == .always) } catch {
                        return (.failed(error), evicted)
                    }
                    written = Self.write(framed, itemCount: itemCount, to: &state, settings: settings)
                    if case .failure(let error) = written, error.isNoSpace { return (.droppedNewest(reason: "disk_full"), evicted) }
                }
            }
            if case .failure(let error) = written { return (.failed(error), evicted) }
            let unread = state.log.unread
            let batchFilled = (unreadBefore.bytes < batchBytes && unread.bytes >= batchBytes)
                || (unreadBefore.items < batchItems && unread.items >= batchItems)
            return (.appended(state.appended, wake: unreadBefore.records == 0 || batchFilled), evicted)
        }
        if case .appended(_, wake: true) = outcome { state.withLockAndBroadcast { _ in } }
        if evicted.records > 0 { metrics.exporter.drop(evicted.items, reason: "evicted_oldest") }
        if case .appended = outcome { metrics.exporter.enqueued.inc(by: Double(itemCount)) }
        refreshGauges()
        return outcome
    }

    /// Appends `framed` to the log and remembers its file for the next fsync.
    private static func write(
        _ framed: [UInt8], itemCount: Int, to state: inout State, settings: DiskQueueSettings
    ) -> Result<Void, DiskQueueIOError> {
        Result { () throws(DiskQueueIOError) in
            let file = try state.log.append(
                framed, itemCount: itemCount, enqueuedAtNanos: WallClock.nowNanos(), durableFolder: settings.fsync == .always)
            state.appended += 1
            if !state.unsynced.contains(where: { $0 === file }) { state.unsynced.append(file) }
        }
    }

    /// Forces appends up to `sequence` to disk as the fsync policy says; several callers share one fsync.
    private func forceToDisk(upTo sequence: UInt64) throws(Refusal) {
        switch settings.fsync {
        case .never: return
        case .interval:
            let due = state.withLock { $0.nextIntervalSyncNanos <= WallClock.monotonicNanos() }
            guard due else { return }
        case .always: break
        }
        do {
            try syncAppends(upTo: sequence)
        } catch {
            metrics.error("fsync")
            log.log(.error, key: "fsync", "exporter \(name): cannot force its disk queue to disk: \(error)")
            throw Refusal.retryLater(reason: "disk_error", "the disk queue of exporter \(name) cannot be forced to disk; retry later")
        }
    }

    /// Forces the files of appends up to `sequence` to disk. A failed fsync is final for what it
    /// covered: Linux may drop the dirty pages and report success on the next fsync, so a retry proves
    /// nothing. Every append written so far is then lost to durability (its request is refused; its
    /// record stays queued and may still be sent, so the client's retry can duplicate it), the segment
    /// is sealed and appends go on in a new one.
    private func syncAppends(upTo sequence: UInt64) throws(DiskQueueIOError) {
        let interval = settings.fsyncInterval.nanoseconds
        try durability.withLock { durability -> Result<Void, DiskQueueIOError> in
            if sequence <= durability.lost {
                return .failure(DiskQueueIOError("fsync (failed before)", state.withLock { $0.log.directory }, errno: EIO))
            }
            guard durability.synced < sequence else { return .success(()) }
            let (target, files) = state.withLock { state -> (UInt64, [SegmentFile]) in
                defer {
                    state.unsynced.removeAll()
                    state.nextIntervalSyncNanos = WallClock.monotonicNanos().addingSaturated(interval)
                }
                return (state.appended, state.unsynced)
            }
            let start = WallClock.monotonicNanos()
            for file in files {
                do throws(DiskQueueIOError) { try syncFile(file) } catch {
                    durability.lost = state.withLock { state in
                        state.log.sealLastSegment()
                        // Files of later appends are synced by their own callers; the failed one never again.
                        state.unsynced.append(contentsOf: files.filter { other in other !== file && !state.unsynced.contains { $0 === other } })
                        state.unsynced.removeAll { $0 === file }
                        return state.appended
                    }
                    durability.synced = max(durability.synced, durability.lost)
                    return .failure(error)
                }
            }
            metrics.fsync(seconds: Double(WallClock.monotonicNanos().subtractingSaturated(start)) / 1e9)
            durability.synced = target
            return .success(())
        }.get()
    }

    /// The most items in one request.
    private var batchItemLimit: Int {
        batch.sendBatchMaxSize > 0 ? min(batch.sendBatchSize, batch.sendBatchMaxSize) : batch.sendBatchSize
    }

    func flush(deadlineNanos: UInt64) -> Bool {
        state.withLockAndBroadcast { $0.flushRequests += 1 }
        return state.wait(until: { $0.log.depth.records == 0 || $0.exited }, deadlineNanos: deadlineNanos) { state, _ in
            state.flushRequests -= 1
            return state.log.depth.records == 0
        }
    }

    /// Stops taking data and interrupts the worker's waits.
    func stop() {
        state.withLockAndBroadcast { $0.stopping = true }
        cancellation.cancel()
        interrupt()
    }

    /// Forces every append to disk (at a clean stop).
    func syncAll() {
        if settings.fsync != .never { try? syncAppends(upTo: state.withLock { $0.appended }) }
    }

    /// The worker: reads batches, sends them, acknowledges; retries a retryable failure (`RetryLoop`)
    /// until it succeeds or the queue stops.
    func run() {
        while let batch = nextBatch() {
            deliver(batch)
            refreshGauges()
        }
        state.withLockAndBroadcast { $0.exited = true }
    }

    private func nextBatch() -> [SegmentRecord]? {
        let (timeout, batchBytes, batchItems) = (batch.timeout.nanoseconds, batch.maxRequestBytes, batchItemLimit)
        while true {
            let now = WallClock.monotonicNanos()
            let result = state.wait(
                until: { state in
                    let unread = state.log.unread
                    return state.stopping || unread.bytes >= batchBytes || unread.items >= batchItems
                        || (unread.records > 0 && (state.flushRequests > 0 || (state.unreadSinceNanos ?? .max) <= now.subtractingSaturated(timeout)))
                },
                deadlineNanos: now.addingSaturated(min(timeout, 1_000_000_000))
            ) { state, ready -> Result<[SegmentRecord], DiskQueueIOError>? in
                if state.stopping { return nil }
                let unread = state.log.unread
                if unread.records > 0, state.unreadSinceNanos == nil { state.unreadSinceNanos = now }
                guard ready, unread.records > 0 else { return .success([]) }
                state.unreadSinceNanos = nil
                return Result { () throws(DiskQueueIOError) in try state.log.readBatch(maxBytes: batchBytes, maxItems: batchItems) }
            }
            guard let result else { return nil }
            if settings.fsync == .interval, state.withLock({ $0.nextIntervalSyncNanos <= WallClock.monotonicNanos() }) {
                try? syncAppends(upTo: state.withLock { $0.appended })
            }
            refreshGauges()
            switch result {
            case .success(let records) where !records.isEmpty: return records
            case .success: continue
            case .failure(let error):
                metrics.error("read")
                log.log(.error, key: "read", "exporter \(name): cannot read its disk queue: \(error)")
                guard cancellation.sleep(for: retry.maxBackoff) else { return nil }
            }
        }
    }

    /// Sends `records` through the retry loop: acknowledged once delivered, dropped (and counted) when
    /// the backend refused them for good, left on disk when the queue stops first. A failure without an
    /// answer (connection, TLS, a client that cannot be made) is never final here: the records wait on
    /// disk for the backend, however long that takes.
    ///
    /// Records of different request metadata never share a request: the batch is sent as one request per
    /// distinct metadata (in the order each first appears), each retried on its own, and acknowledged once
    /// every part was delivered or refused for good (a part sent before a stop is sent again after it).
    private func deliver(_ records: [SegmentRecord]) {
        var parts: [(metadata: RequestMetadata, records: [SegmentRecord])] = []
        var positions: [RequestMetadata: Int] = [:]
        for record in records {
            if let position = positions[record.metadata] {
                parts[position].records.append(record)
            } else {
                positions[record.metadata] = parts.count
                parts.append((record.metadata, [record]))
            }
        }
        for part in parts {
            guard deliver(part.records, metadata: part.metadata) else { return }
        }
        acknowledge()
    }

    /// Sends `records` of one metadata through the retry loop; false when the queue stopped first.
    private func deliver(_ records: [SegmentRecord], metadata: RequestMetadata) -> Bool {
        let items = records.reduce(0) { $0 + $1.itemCount }
        let payloads = records.map(\.payload)
        var refusedForGood = false
        do {
            try RetryLoop(policy: retry, cancellation: cancellation).run {
                () -> RetryAttempt<Void, any Error, String> in
                // Every failed attempt counts as a failed export (with one loop there is no inner round).
                switch attempt(payloads, metadata) {
                case .final(.success): return .final(.success(()))
                case .final(.failure(let error as HTTPClientError)):
                    metrics.exporter.failedExports.inc()
                    return .retryable(.failure(error), reason: "\(error)", requestedDelay: nil)
                case .final(.failure(let error)):
                    metrics.exporter.failedExports.inc()
                    refusedForGood = true
                    return .final(.failure(error))
                case let outcome:
                    metrics.exporter.failedExports.inc()
                    return outcome
                }
            } onRetry: { _, reason, wait in
                metrics.exporter.retry()
                log.log(.warning, key: "retry", "exporter \(name): sending \(items) \(signal.rawValue) items failed (\(reason)); kept on disk, next attempt in \(wait)")
            } onGiveUp: { reason in
                metrics.exporter.retriesExhausted(reason: reason.rawValue)
            }
            metrics.exporter.sent.inc(by: Double(items))
            return true
        } catch {
            guard refusedForGood else { return false }
            metrics.exporter.drop(items, reason: "export_failed")
            log.log(.error, key: "export_failed", "exporter \(name): the backend refused \(items) \(signal.rawValue) items for good: \(error)")
            return true
        }
    }

    private func acknowledge() {
        let durable = settings.fsync == .always
        let (outcome, damage) = state.withLockAndBroadcast { state in
            (Result { () throws(DiskQueueIOError) in try state.log.acknowledge(durable: durable) }, state.log.takeRuntimeDamage())
        }
        if case .failure(let error) = outcome {
            metrics.error("ack")
            log.log(.error, key: "ack", "exporter \(name): cannot record progress in its disk queue: \(error)")
        }
        if damage > 0 { metrics.runtimeDamage(damage) }
    }

    private func refreshGauges() {
        let (depth, oldest, fileBytes) = state.withLock { ($0.log.depth, $0.log.oldestEnqueuedAtNanos, $0.log.diskBytes) }
        metrics.update(depth: depth, oldestEnqueuedAtNanos: oldest, fileBytes: fileBytes)
    }
}

extension OTLPSignalCode {
    init(_ signal: OTLPSignal) {
        switch signal {
        case .traces: self = .traces
        case .metrics: self = .metrics
        case .logs: self = .logs
        }
    }
}
