import Foundation
import Logging
import Telemetry
import TelemetryConfig
import TelemetryHTTP
import TelemetryGatewayTesting
import TelemetryTestSupport
import Testing

@testable import TelemetryGatewayCore
@testable import TelemetryOTLPData

/// The disk queue keeps its promise against what it cannot read back, against file names and a failed
/// fsync, and the fan-out keeps it for the client (issue 28, items 9 to 11 and the disk items read).
@Suite("Disk queue: what it accepts it can deliver")
struct DiskQueuePromiseTests {
    /// A payload of `count` zero bytes (never decoded by the disk queue).
    static func opaquePayload(_ count: Int) -> PipelineItem {
        PipelineItem(payload: OTLPPayload(signal: .traces, bytes: [UInt8](repeating: 0, count: count), itemCount: 1, decodedBytesEstimate: 0))
    }

    static func refusal(_ body: () throws(Refusal) -> Void) -> Refusal? {
        do throws(Refusal) {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("A record larger than the read-back limit is refused at enqueue (not retryable), never taken and lost")
    func oversizedRecordIsRefused() throws {
        let scratch = try ScratchFolder()
        let queue = try DiskSendingQueueTests.queue(scratch.path, backend: ScriptedBackend())
        defer { _ = queue.shutdown(deadlineNanos: WallClock.monotonicNanos()) }
        // The body is the 13-byte prefix and the payload: one byte over the limit.
        let oversized = Self.opaquePayload(SegmentRecordFormat.maxBodyBytes - SegmentRecordFormat.bodyPrefixBytes + 1)
        let refusal = try #require(Self.refusal { () throws(Refusal) in try queue.consume(oversized) })
        #expect(!refusal.isRetryable && refusal.reason == "too_large", "\(refusal)")
        #expect(queue.depth == QueueDepth(), "nothing was written")
    }

    static func receiverYAML(_ protocols: String) -> String {
        """
        receivers:
          otlp:
            protocols:
        \(protocols)
        exporters:
          otlphttp:
            endpoint: http://127.0.0.1:1
            sending_queue: {storage: disk, directory: /nonexistent/queue}
          debug:
        service:
          pipelines:
            traces: {receivers: [otlp], exporters: [otlphttp, debug]}
            logs: {receivers: [otlp], exporters: [debug]}
        """
    }

    static func configError(_ yaml: String) -> ConfigError? {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "g.yaml", environment: [:])
            return nil
        } catch {
            return error
        }
    }

    @Test("A receiver feeding a disk queue with requests larger than its read-back limit is a located config error")
    func configRefusesRequestsTheQueueCannotReadBack() throws {
        let http = try #require(Self.configError(Self.receiverYAML("      http: {endpoint: 127.0.0.1:0, max_request_body_size: 1073741824}")))
        #expect(http.file == "g.yaml" && http.line == 4 && http.path.hasSuffix("max_request_body_size"), "\(http)")
        #expect(http.message.contains("otlphttp") && http.message.contains("read back"), "\(http)")
        let grpc = try #require(Self.configError(Self.receiverYAML("      grpc: {endpoint: 127.0.0.1:0, max_recv_msg_size_mib: 1024}")))
        #expect(grpc.line == 4 && grpc.path.hasSuffix("max_recv_msg_size_mib"), "\(grpc)")
        // Within the limit, and a large limit on a receiver feeding no disk queue, are fine.
        #expect(Self.configError(Self.receiverYAML("      http: {endpoint: 127.0.0.1:0, max_request_body_size: 268000000}")) == nil)
        #expect(Self.configError(Self.receiverYAML("      grpc: {endpoint: 127.0.0.1:0, max_recv_msg_size_mib: 255}")) == nil)
    }

    @Test(
        "A segment file name the log never writes is ignored and reported; nothing traps and no record is sent twice",
        arguments: ["18446744073709551615.seg", "+0000000000000000001.seg", "0000000000000000001x.seg", "09223372036854775808.seg"])
    func hostileSegmentName(name: String) throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        try QueueFolder.create(folder)
        // The hostile file holds an intact record, as a real segment would.
        try Data(SegmentLogTests.record(99)).write(to: URL(fileURLWithPath: folder + "/" + name))
        do {
            let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
            #expect(log.recovery.ignoredFiles == [name])
            try SegmentLogTests.append(log, 0..<5)
            #expect(try SegmentLogTests.drain(log) == Array(0..<5))
        }
        let reopened = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
        #expect(reopened.depth == QueueDepth(), "nothing is sent again")
        #expect(FileManager.default.fileExists(atPath: folder + "/" + name), "left for the operator")
    }

    @Test("The log's numbers end below UInt64.max: the last possible segment refuses appends instead of trapping")
    func segmentNumbersExhausted() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        try QueueFolder.create(folder)
        try Data(SegmentLogTests.record(1)).write(to: URL(fileURLWithPath: SegmentLog.path(of: SegmentName.maxNumber, in: folder)))
        let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
        #expect(log.recovery.ignoredFiles.isEmpty)
        #expect(throws: DiskQueueIOError.self) { try SegmentLogTests.append(log, 2..<100) }
        #expect(try SegmentLogTests.drain(log).first == 1, "what is there is still delivered")
    }

    /// A segment where every 12 bytes a header claims a body reaching to the segment's end, and its CRC fails.
    static func craftedSegment(bytes: Int) -> [UInt8] {
        var segment: [UInt8] = [0]
        while segment.count + SegmentRecordFormat.headerBytes <= bytes {
            let length = bytes - segment.count - SegmentRecordFormat.headerBytes
            segment += SegmentRecordFormat.magic
            SegmentRecordFormat.appendLittleEndian(UInt32(length), to: &segment)
            SegmentRecordFormat.appendLittleEndian(UInt32(0xDEAD_BEEF), to: &segment)
        }
        segment += [UInt8](repeating: 0, count: bytes - segment.count)
        return segment
    }

    @Test(
        "Recovery of a crafted segment (a false header every 12 bytes, each reaching to the end) is linear in its size",
        .timeLimit(.minutes(1)))
    func craftedSegmentRecoversInLinearTime() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        try QueueFolder.create(folder)
        let size = 4 << 20
        try Data(Self.craftedSegment(bytes: size)).write(to: URL(fileURLWithPath: SegmentLog.path(of: 1, in: folder)))
        try Data(SegmentLogTests.record(5)).write(to: URL(fileURLWithPath: SegmentLog.path(of: 2, in: folder)))
        let recovery = SegmentRecovery(directory: folder, signal: .traces, quarantineLimitBytes: 1 << 20)
        let result = try recovery.run()
        #expect(result.depth.records == 1, "the next segment's record survives")
        #expect(result.report.damagedBytes == size)
        #expect(result.checkedBytes <= 4 * size, "bytes checksummed or compared: \(result.checkedBytes)")
    }

    @Test(
        "A segment with a damaged byte after every record recovers and drains in time linear in its size",
        .timeLimit(.minutes(1)))
    func manyDamagedStretchesStayLinear() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        try QueueFolder.create(folder)
        let count = 100_000
        var segment: [UInt8] = []
        for index in 0..<count { segment += SegmentLogTests.record(index, size: 20) + [0xFF] }
        try Data(segment).write(to: URL(fileURLWithPath: SegmentLog.path(of: 1, in: folder)))
        // Each damaged byte used to cost a read of the rest of the segment and a quarantine file, and
        // each record read a scan of every damaged stretch before it.
        let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
        #expect(log.recovery.corruptRanges == count - 1 && log.recovery.tornTails == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/quarantine").count == Quarantine.maxFiles)
        #expect(log.depth.records == count)
        var drained = 0
        while true {
            let batch = try log.readBatch(maxBytes: 1 << 20, maxItems: .max)
            if batch.isEmpty { break }
            drained += batch.count
            try log.acknowledge(durable: false)
        }
        #expect(drained == count)
    }

    @Test("After a failed fsync the segment is sealed: its records are never reported durable, new ones go to a new segment")
    func failedFsyncSealsTheSegment() throws {
        let scratch = try ScratchFolder()
        let failures = LockedValue(1)
        let synced = LockedValue([String]())
        var settings = DiskQueueSettings(directory: scratch.path)
        settings.segmentBytes = 1 << 20
        var batch = BatchSettings()
        batch.timeout = .seconds(60)
        let backend = ScriptedBackend()
        backend.setDown(true)
        let queue = try DiskSendingQueue(
            exporter: "otlp/up", signal: .traces, settings: settings, batch: batch, selfMetrics: MetricsCollector(),
            logger: Logger(label: "test"), retry: .untilDelivered(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20)),
            attempt: backend.attempt,
            syncFile: { file throws(DiskQueueIOError) in
                // The first fsync fails with EIO; later ones "succeed", as Linux may for pages it lost.
                let fail = failures.withLock { count in
                    defer { count -= 1 }
                    return count > 0
                }
                if fail { throw DiskQueueIOError("fsync", file.path, errno: EIO) }
                synced.withLock { $0.append(file.path) }
            })
        defer { _ = queue.shutdown(deadlineNanos: WallClock.monotonicNanos()) }
        let (a, b) = (try DiskSendingQueueTests.payload(0), try DiskSendingQueueTests.payload(1))
        let first = try #require(Self.refusal { () throws(Refusal) in try queue.consume(a) })
        #expect(first.isRetryable && first.reason == "disk_error")
        let folder = scratch.path + "/otlp_up/traces"
        let failedSegment = try #require(try ScratchFolder.segmentNames(folder).last)
        #expect(Self.refusal { () throws(Refusal) in try queue.consume(b) } == nil)
        #expect(!synced.withLock { $0 }.contains(folder + "/" + failedSegment), "the failed segment never counts as durable: \(synced.withLock { $0 })")
        #expect(try ScratchFolder.segmentNames(folder).last != failedSegment, "the next record went to a new segment")
    }

    @Test("A full disk queue with when_full: block is answered 429 even when another exporter of the pipeline took the request")
    func blockingDiskQueueIsNotOverruled() throws {
        let scratch = try ScratchFolder()
        let yaml = """
            receivers: {otlp: {protocols: {http: {endpoint: 127.0.0.1:0}}}}
            exporters:
              otlphttp:
                endpoint: http://127.0.0.1:1
                retry_on_failure: {initial_interval: 1s, max_interval: 1s}
                sending_queue: {storage: disk, directory: \(scratch.path), max_bytes: 8192, when_full: block}
              debug:
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [otlphttp, debug]}
              telemetry: {metrics: {level: none}}
            """
        let gateway = try InProcessGateway(yaml: yaml)
        defer { gateway.shutdown(timeout: .milliseconds(200)) }
        var generator = SystemRandomNumberGenerator()
        var statuses: [Int] = []
        for _ in 0..<20 {
            let body = try OTLPRequests.traces(count: 1, spansPerTrace: 10, using: &generator)
            statuses.append(try OTLPRequests.post(body, to: "\(gateway.url)/v1/traces").status)
        }
        let accepted = statuses.filter { $0 == 200 }.count
        #expect(accepted > 0 && statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(statuses)")
        #expect(accepted < 20, "the full disk queue pushed back: \(statuses)")
        let labels = ["exporter": "otlphttp", "signal": "traces"]
        #expect(gateway.selfMetric("telemetry_exporter_dropped_items_total", labels.merging(["reason": "queue_full"]) { $1 }) ?? 0 == 0)
        #expect(gateway.selfMetric("telemetry_exporter_disk_queue_records", labels) == Double(accepted), "every 200 is on disk")
    }

    @Test("Fan-out: a must-keep refusal is answered although another consumer took the item; an ordinary one is overruled")
    func fanoutAnswersMustKeepRefusals() throws {
        struct Refusing: PayloadConsumer {
            let refusal: Refusal
            func consume(_ item: PipelineItem) throws(Refusal) { throw refusal }
        }
        struct Taking: PayloadConsumer {
            let taken = LockedValue(0)
            func consume(_ item: PipelineItem) throws(Refusal) { taken.withLock { $0 += 1 } }
        }
        let counted = LockedValue(0)
        let ordinary = Refusal.retryLater(reason: "queue_full", "full").countingWhenOverruled { counted.withLock { $0 += 1 } }
        let taking = Taking()
        #expect(Self.refusal { () throws(Refusal) in try FanoutConsumer([Refusing(refusal: ordinary), taking]).consume(Self.opaquePayload(1)) } == nil)
        #expect(counted.withLock { $0 } == 1, "an overruled refusal is counted as that consumer's drop")
        let kept = Refusal.retryLater(reason: "queue_full", "disk queue full").mustKeep()
        let answered = try #require(Self.refusal { () throws(Refusal) in
            try FanoutConsumer([taking, Refusing(refusal: ordinary), Refusing(refusal: kept)]).consume(Self.opaquePayload(1))
        })
        #expect(answered.isMustKeep && answered.message == "disk queue full")
        #expect(counted.withLock { $0 } == 1, "the client keeps the data: nothing is a drop")
        // Nested fan-outs (a receiver feeding pipelines) keep the answer.
        let nested = FanoutConsumer([taking, FanoutConsumer([taking, Refusing(refusal: kept)])])
        #expect(Self.refusal { () throws(Refusal) in try nested.consume(Self.opaquePayload(1)) }?.isMustKeep == true)
    }
}

extension ScratchFolder {
    /// The names of the segment files in `folder`, sorted.
    static func segmentNames(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".seg") }.sorted()
    }
}
