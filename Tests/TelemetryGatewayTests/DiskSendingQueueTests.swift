import Foundation
import Logging
import Telemetry
import TelemetryHTTP
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

@testable import TelemetryGatewayCore

/// A backend for the disk queue's worker: records what it was sent, fails as told.
final class ScriptedBackend: Sendable {
    enum Failure: Error { case transient, permanent }

    private let state = LockedValue((sent: [[UInt8]](), metadata: [RequestMetadata](), failures: [Failure](), down: false))

    /// Fails the next sends with these failures, in order.
    func fail(_ failures: [Failure]) { state.withLock { $0.failures = failures } }

    /// While down, every send fails transiently.
    func setDown(_ down: Bool) { state.withLock { $0.down = down } }

    /// Every request sent successfully, in order.
    var sent: [[UInt8]] { state.withLock { $0.sent } }

    /// The request metadata of each successful send (one entry a send), in order.
    var sentMetadata: [RequestMetadata] { state.withLock { $0.metadata } }

    func send(_ requests: [[UInt8]], metadata: RequestMetadata = .empty) throws {
        let failure = state.withLock { state -> Failure? in
            if state.down { return .transient }
            if !state.failures.isEmpty { return state.failures.removeFirst() }
            state.sent.append(contentsOf: requests)
            state.metadata.append(metadata)
            return nil
        }
        if let failure { throw failure }
    }

    /// `send`, classified for the disk queue's retry loop: a transient failure is worth another attempt.
    func attempt(_ requests: [[UInt8]], metadata: RequestMetadata) -> RetryAttempt<Void, any Error, String> {
        do {
            try send(requests, metadata: metadata)
            return .final(.success(()))
        } catch Failure.transient {
            return .retryable(.failure(Failure.transient), reason: "transient", requestedDelay: nil)
        } catch {
            return .final(.failure(error))
        }
    }
}

@Suite("Disk queue: delivery, when_full, retries and restarts")
struct DiskSendingQueueTests {
    static func payload(_ index: Int) throws -> PipelineItem {
        var generator = SystemRandomNumberGenerator()
        let bytes = try OTLPRequests.traces(count: 1, spansPerTrace: 2, using: &generator)
        return PipelineItem(payload: try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits()))
    }

    static func queue(
        _ folder: String, backend: ScriptedBackend, collector: MetricsCollector = MetricsCollector(),
        configure: (inout DiskQueueSettings) -> Void = { _ in }
    ) throws -> DiskSendingQueue {
        var settings = DiskQueueSettings(directory: folder)
        settings.segmentBytes = 4096
        configure(&settings)
        var batch = BatchSettings()
        batch.timeout = .milliseconds(10)
        batch.sendBatchSize = 4
        return try DiskSendingQueue(
            exporter: "otlp/up", signal: .traces, settings: settings, batch: batch, selfMetrics: collector,
            logger: Logger(label: "test"), retry: .untilDelivered(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20)),
            attempt: backend.attempt)
    }

    static func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while !condition() {
            if Date() > deadline { return false }
            usleep(5_000)
        }
        return true
    }

    @Test("Everything accepted is delivered once, in order, despite transient failures; a permanent one drops its batch and is counted")
    func retriesThenDelivers() throws {
        let scratch = try ScratchFolder()
        let backend = ScriptedBackend()
        let collector = MetricsCollector()
        let labels = ["exporter": "otlp/up", "signal": "traces"]
        do {
            let queue = try Self.queue(scratch.path, backend: backend, collector: collector)
            let items = try (0..<40).map(Self.payload)
            backend.fail([.transient, .transient, .transient])
            for item in items { try queue.consume(item) }
            #expect(Self.waitUntil { backend.sent.count == 40 })
            #expect(backend.sent == items.map(\.payload.bytes))
            #expect(queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
            #expect(collector.currentValue("telemetry_exporter_sent_items_total", labels) == 80)
            #expect(collector.currentValue("telemetry_exporter_failed_exports_total", labels) == 3)
        }

        let second = try Self.queue(scratch.path, backend: backend, collector: collector)
        backend.fail([.permanent])
        try second.consume(try Self.payload(100))
        try second.consume(try Self.payload(101))
        _ = second.flush(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000)
        #expect(collector.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "export_failed"]) { $1 }) ?? 0 > 0)
        #expect(second.depth == QueueDepth())
    }

    /// A disk queue whose every attempt fails retryably; records when each attempt started.
    static func unreachable(_ folder: String, retry: RetryPolicy, collector: MetricsCollector = MetricsCollector()) throws -> (DiskSendingQueue, LockedValue<[UInt64]>) {
        let attempts = LockedValue([UInt64]())
        var batch = BatchSettings()
        batch.timeout = .milliseconds(10)
        let queue = try DiskSendingQueue(
            exporter: "otlp/up", signal: .traces, settings: DiskQueueSettings(directory: folder), batch: batch, selfMetrics: collector,
            logger: Logger(label: "test"), retry: retry
        ) { _, _ in
            attempts.withLock { $0.append(WallClock.monotonicNanos()) }
            return .retryable(.failure(ScriptedBackend.Failure.transient), reason: "503", requestedDelay: nil)
        }
        return (queue, attempts)
    }

    @Test("A batch the backend keeps refusing is retried by the retry loop: waits jittered, doubling from initial_interval, capped at max_interval")
    func retriesWithJitteredCappedBackoff() throws {
        let scratch = try ScratchFolder()
        let collector = MetricsCollector()
        let (queue, attempts) = try Self.unreachable(
            scratch.path, retry: .untilDelivered(initialBackoff: .milliseconds(40), maxBackoff: .milliseconds(80)), collector: collector)
        defer { _ = queue.shutdown(deadlineNanos: WallClock.monotonicNanos()) }
        try queue.consume(try Self.payload(0))
        #expect(Self.waitUntil { attempts.withLock { $0.count } >= 14 })
        let times = attempts.withLock { Array($0.prefix(14)) }
        let gaps = zip(times.dropFirst(), times).map { Double($0 - $1) / 1e6 }
        // Retry n waits a random value in [b/2, b], b = min(80, 40 × 2^(n-1)) ms; a gap is that wait plus
        // the attempt and the scheduling, so only its lower bound is exact.
        #expect(gaps[0] >= 20 && gaps.dropFirst().allSatisfy { $0 >= 40 }, "\(gaps)")
        // Without jitter every capped wait would be 80 ms: with it, some are clearly shorter.
        #expect(gaps.dropFirst(2).contains { $0 < 76 }, "\(gaps)")
        #expect(gaps.allSatisfy { $0 < 2_000 }, "\(gaps)")
        let labels = ["exporter": "otlp/up", "signal": "traces"]
        #expect(collector.currentValue("telemetry_exporter_retries_total", labels) ?? 0 >= 13)
        #expect(collector.currentValue("telemetry_exporter_failed_exports_total", labels) ?? 0 >= 14)
    }

    @Test("Shutdown ends the retry loop's wait at once; the batch stays on disk for the next start")
    func shutdownInterruptsTheRetryWait() throws {
        let scratch = try ScratchFolder()
        let retry = RetryPolicy.untilDelivered(initialBackoff: .seconds(60), maxBackoff: .seconds(60))
        let collector = MetricsCollector()
        do {
            let (queue, attempts) = try Self.unreachable(scratch.path, retry: retry, collector: collector)
            try queue.consume(try Self.payload(0))
            #expect(Self.waitUntil { attempts.withLock { $0.count } == 1 })
            usleep(50_000)
            let start = WallClock.monotonicNanos()
            #expect(!queue.shutdown(deadlineNanos: start))
            #expect(WallClock.monotonicNanos() - start < 5_000_000_000)
            #expect(attempts.withLock { $0.count } == 1)
            #expect(collector.currentValue("telemetry_exporter_retries_exhausted_total", ["exporter": "otlp/up", "signal": "traces", "reason": "shutdown"]) == 1)
        }
        let (reopened, _) = try Self.unreachable(scratch.path, retry: retry)
        #expect(reopened.depth.records == 1)
        _ = reopened.shutdown(deadlineNanos: WallClock.monotonicNanos())
    }

    @Test("A failure without an answer (TLS, a client that cannot be made) keeps the batch on disk and retries it, as a connection failure")
    func unansweredFailureIsRetried() throws {
        let scratch = try ScratchFolder()
        let attempts = LockedValue(0)
        let collector = MetricsCollector()
        var batch = BatchSettings()
        batch.timeout = .milliseconds(10)
        let queue = try DiskSendingQueue(
            exporter: "otlp/up", signal: .traces, settings: DiskQueueSettings(directory: scratch.path), batch: batch, selfMetrics: collector,
            logger: Logger(label: "test"), retry: .untilDelivered(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20))
        ) { _, _ in
            let attempt = attempts.withLock { $0 += 1; return $0 }
            return attempt <= 2 ? .final(.failure(HTTPClientError(kind: .tls, message: "certificate expired"))) : .final(.success(()))
        }
        try queue.consume(try Self.payload(0))
        #expect(Self.waitUntil { attempts.withLock { $0 } == 3 })
        #expect(queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 5_000_000_000))
        let labels = ["exporter": "otlp/up", "signal": "traces"]
        #expect(collector.currentValue("telemetry_exporter_sent_items_total", labels) == 2)
        #expect(collector.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "export_failed"]) { $1 }) == nil)
        #expect(collector.currentValue("telemetry_exporter_failed_exports_total", labels) == 2)
    }

    @Test("A restart (or a crash) while the backend is down loses nothing: the next process sends it all, in order")
    func survivesRestart() throws {
        let scratch = try ScratchFolder()
        let backend = ScriptedBackend()
        backend.setDown(true)
        let items = try (0..<25).map(Self.payload)
        do {
            let queue = try Self.queue(scratch.path, backend: backend)
            for item in items { try queue.consume(item) }
            #expect(queue.depth.records == 25)
            #expect(!queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 100_000_000))
        }
        backend.setDown(false)
        let collector = MetricsCollector()
        let queue = try Self.queue(scratch.path, backend: backend, collector: collector)
        let labels = ["exporter": "otlp/up", "signal": "traces"]
        #expect(collector.currentValue("telemetry_exporter_disk_queue_records", labels) == 25)
        #expect(Self.waitUntil { backend.sent.count == 25 })
        #expect(backend.sent == items.map(\.payload.bytes))
        #expect(Self.waitUntil { collector.currentValue("telemetry_exporter_disk_queue_records", labels) == 0 })
        #expect(collector.currentValue("telemetry_exporter_disk_queue_file_bytes", labels) == 0)
        _ = queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 1_000_000_000)
    }

    @Test("when_full: block pushes back (retryable), drop_newest takes and drops, drop_oldest evicts the oldest; all counted")
    func whenFull() throws {
        let record = try Self.payload(0)
        let framed = record.payload.bytes.count + SegmentRecordFormat.headerBytes + SegmentRecordFormat.bodyPrefixBytes
        let labels = ["exporter": "otlp/up", "signal": "traces"]
        for policy in [DiskQueueSettings.WhenFull.block, .dropNewest, .dropOldest] {
            let scratch = try ScratchFolder()
            let backend = ScriptedBackend()
            backend.setDown(true)
            let collector = MetricsCollector()
            let queue = try Self.queue(scratch.path, backend: backend, collector: collector) {
                $0.maxBytes = framed * 10
                $0.whenFull = policy
            }
            let items = try (0..<30).map(Self.payload)
            var refused = 0
            for item in items {
                do { try queue.consume(item) } catch {
                    #expect(error.isRetryable)
                    refused += 1
                }
            }
            #expect(queue.depth.bytes <= framed * 10)
            switch policy {
            case .block:
                #expect(refused == 20)
            case .dropNewest:
                #expect(refused == 0)
                #expect(collector.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "queue_full"]) { $1 }) == 40)
            case .dropOldest:
                #expect(refused == 0)
                #expect(collector.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "evicted_oldest"]) { $1 }) ?? 0 >= 36)
            }
            backend.setDown(false)
            #expect(queue.flush(deadlineNanos: WallClock.monotonicNanos() + 10_000_000_000))
            let sent = backend.sent
            switch policy {
            case .block, .dropNewest: #expect(sent == items.prefix(10).map(\.payload.bytes))
            case .dropOldest:
                // The batch in flight when the queue filled, then the newest that fit.
                #expect(sent.suffix(8) == items.suffix(8).map(\.payload.bytes))
                #expect(sent.count <= 10 + 4)
            }
            _ = queue.shutdown(deadlineNanos: WallClock.monotonicNanos() + 1_000_000_000)
        }
    }

    @Test("A folder another gateway holds is a clear startup error, not a shared queue")
    func folderInUse() throws {
        let scratch = try ScratchFolder()
        let backend = ScriptedBackend()
        let first = try Self.queue(scratch.path, backend: backend)
        #expect(throws: GatewayError.self) { try Self.queue(scratch.path, backend: backend) }
        _ = first.shutdown(deadlineNanos: WallClock.monotonicNanos())
    }
}
