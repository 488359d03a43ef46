import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryGatewayCore

/// The disk under the queue fills up long before `max_bytes`: a real tmpfs of 64 KiB.
@Suite("Disk queue: a full disk")
struct DiskFullTests {
    @Test(
        "A full disk follows when_full: block refuses (retryable), drop_newest and drop_oldest take and count; nothing crashes and the disk is reclaimed",
        .enabled(if: TmpfsMount.isPermitted, "needs permission to mount a tmpfs"),
        arguments: [DiskQueueSettings.WhenFull.block, .dropNewest, .dropOldest])
    func fullDisk(policy: DiskQueueSettings.WhenFull) throws {
        let disk = try #require(TmpfsMount(bytes: 64 * 1024))
        let backend = ScriptedBackend()
        backend.setDown(true)
        let collector = MetricsCollector()
        let labels = ["exporter": "otlp/up", "signal": "traces"]
        let queue = try DiskSendingQueueTests.queue(disk.path, backend: backend, collector: collector) {
            $0.whenFull = policy
            $0.maxBytes = 64 << 20
        }
        let items = try (0..<600).map(DiskSendingQueueTests.payload)
        var refusals: [Refusal] = []
        for item in items {
            do {
                try queue.consume(item)
            } catch {
                refusals.append(error)
            }
        }
        let queued = queue.depth.records
        #expect(queued > 10 && queued < 600, "the tmpfs holds some of the records, not all")
        let dropped = { (reason: String) in
            collector.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": reason]) { $1 }) ?? 0
        }
        switch policy {
        case .block:
            #expect(refusals.count == 600 - queued)
            #expect(refusals.allSatisfy { $0.isRetryable && $0.reason == "disk_full" })
        case .dropNewest:
            #expect(refusals.isEmpty)
            #expect(dropped("disk_full") == Double(2 * (600 - queued)))
        case .dropOldest:
            #expect(refusals.isEmpty)
            #expect(dropped("evicted_oldest") > 0)
            // Room is made by discarding the oldest records; only a record arriving while every record
            // left is in the batch in flight (a busy machine reads large batches) is dropped itself.
            #expect(dropped("disk_full") < dropped("evicted_oldest"), "room was made for new records")
        }
        backend.setDown(false)
        #expect(queue.flush(deadlineNanos: WallClock.monotonicNanos() + 20_000_000_000))
        // Which items were sent, in order (indices: a failure message stays readable).
        let indexOf = Dictionary(items.enumerated().map { ($1.payload.bytes, $0) }) { first, _ in first }
        let sent = backend.sent.map { indexOf[$0] ?? -1 }
        switch policy {
        case .block, .dropNewest:
            #expect(sent == Array(0..<queued), "the records that fit, in order, once")
        case .dropOldest:
            // The batch in flight while the disk filled, then the newest records that fit: in order,
            // once, ending with the last one sent.
            #expect(sent == sent.sorted() && Set(sent).count == sent.count && sent.last == 599, "\(sent)")
            #expect(sent.filter { $0 >= 600 - queued }.count >= queued / 2, "mostly the newest records")
        }
        // The disk is reclaimed: the queue takes as much again.
        backend.setDown(true)
        var acceptedAgain = 0
        for item in items.prefix(queued) {
            if (try? queue.consume(item)) != nil { acceptedAgain += 1 }
        }
        #expect(acceptedAgain == queued)
        #expect(collector.currentValue("telemetry_exporter_disk_queue_errors_total", labels.merging(["operation": "write"]) { $1 }) == nil)
        _ = queue.shutdown(deadlineNanos: WallClock.monotonicNanos())
    }
}
