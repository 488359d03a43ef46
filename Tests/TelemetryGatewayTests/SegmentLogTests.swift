import Foundation
import Testing

@testable import TelemetryGatewayCore

/// A fresh folder for one test, removed afterwards.
final class ScratchFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("disk-queue-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The segment files, sorted.
    func segments(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".seg") }.sorted().map { folder + "/" + $0 }
    }
}

@Suite("Disk queue: segment log, framing and recovery")
struct SegmentLogTests {
    /// A framed record whose payload says which one it is.
    static func record(_ index: Int, size: Int = 200) -> [UInt8] {
        var payload = Array("record-\(index)-".utf8)
        payload.append(contentsOf: [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: max(0, size - payload.count)))
        return SegmentRecordFormat.frame(signal: .traces, itemCount: index % 7 + 1, enqueuedAtNanos: UInt64(index), payload: payload)
    }

    /// Opens `folder` again after the previous log was released. A process that another test spawns at
    /// that moment holds a copy of the lock's descriptor until its exec closes it, so a lock refusal is
    /// retried for up to 2 s; any other error is thrown at once.
    static func reopen(_ folder: String, segmentBytes: Int) throws -> SegmentLog {
        var refusals = 0
        while true {
            let opened = Result { () throws(DiskQueueIOError) in try SegmentLog(directory: folder, signal: .traces, segmentBytes: segmentBytes) }
            guard case .failure(let error) = opened, error.code == EWOULDBLOCK, refusals < 100 else { return try opened.get() }
            refusals += 1
            usleep(20_000)
        }
    }

    static func append(_ log: SegmentLog, _ indices: Range<Int>, size: Int = 200) throws {
        for index in indices { _ = try log.append(record(index, size: size), itemCount: index % 7 + 1, enqueuedAtNanos: UInt64(index), durableFolder: false) }
    }

    /// The indices of every record left, read in batches and acknowledged.
    static func drain(_ log: SegmentLog) throws -> [Int] {
        var indices: [Int] = []
        while true {
            let batch = try log.readBatch(maxBytes: 4096, maxItems: 1000)
            if batch.isEmpty { return indices }
            for record in batch {
                let text = String(decoding: record.payload.prefix(20), as: UTF8.self)
                indices.append(text.split(separator: "-").dropFirst().first.flatMap { Int($0) } ?? -1)
            }
            try log.acknowledge(durable: false)
        }
    }

    @Test("CRC-32C matches the standard check value and a long input byte for byte")
    func crc32c() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        // The slicing path against the bytewise definition on an odd length.
        let bytes = (0..<1001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        #expect(CRC32C.checksum(bytes) == ~crc)
    }

    @Test("Records come back in order across segments; after a reopen the depth is exact and only unsent records return")
    func orderAndExactDepthAfterReopen() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        do {
            let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
            try Self.append(log, 0..<100)
            #expect(try scratch.segments(folder).count > 3)
            let first = try log.readBatch(maxBytes: 2000, maxItems: 1000)
            #expect(first.count == 8)
            try log.acknowledge(durable: true)
            _ = try log.readBatch(maxBytes: 2000, maxItems: 1000)  // in flight, never acknowledged: sent again
        }
        let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
        #expect(log.recovery == RecoveryReport())
        let expected = (8..<100).map { Self.record($0) }
        #expect(log.depth == QueueDepth(
            records: 92, bytes: expected.reduce(0) { $0 + $1.count }, items: (8..<100).reduce(0) { $0 + $1 % 7 + 1 }))
        #expect(try Self.drain(log) == Array(8..<100))
        #expect(log.depth == QueueDepth())
    }

    @Test("A drained log leaves one empty segment: disk use returns to its baseline")
    func diskBaselineAfterDrain() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
        try Self.append(log, 0..<60)
        #expect(log.diskBytes > 10_000)
        _ = try Self.drain(log)
        #expect(log.diskBytes == 0)
        let files = try scratch.segments(folder)
        #expect(files.count == 1)
        #expect(try FileManager.default.attributesOfItem(atPath: files[0])[.size] as? Int == 0)
    }

    @Test("A torn tail is cut off and quarantined; startup succeeds and appends continue")
    func tornTail() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        do { try Self.append(try SegmentLog(directory: folder, signal: .traces, segmentBytes: 1 << 20), 0..<10) }
        let segment = try #require(try scratch.segments(folder).last)
        let handle = try #require(FileHandle(forUpdatingAtPath: segment))
        let size = Self.record(0).count
        try handle.truncate(atOffset: UInt64(size * 9 + 30))  // record 9 torn after 30 bytes
        try handle.close()
        let log = try Self.reopen(folder, segmentBytes: 1 << 20)
        #expect(log.recovery.tornTails == 1)
        #expect(log.recovery.damagedBytes == 30)
        #expect(log.depth.records == 9)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: folder + "/quarantine")
        #expect(quarantined.count == 1)
        try Self.append(log, 100..<102)
        #expect(try Self.drain(log) == Array(0..<9) + [100, 101])
    }

    @Test("A damaged record in the middle is skipped, counted and quarantined; every other record is delivered")
    func damagedRecordInTheMiddle() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        do { try Self.append(try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096), 0..<40) }
        let segments = try scratch.segments(folder)
        #expect(segments.count >= 3)
        // Flip one byte in the body of the third record of the first segment, and wreck the magic of
        // the second record of the second segment.
        let size = Self.record(0).count
        let first = try #require(FileHandle(forUpdatingAtPath: segments[0]))
        try first.seek(toOffset: UInt64(size * 2 + 50))
        let byte = try #require(try first.read(upToCount: 1))
        try first.seek(toOffset: UInt64(size * 2 + 50))
        first.write(Data([byte[0] ^ 0xFF]))
        try first.close()
        let second = try #require(FileHandle(forUpdatingAtPath: segments[1]))
        try second.seek(toOffset: UInt64(size))
        second.write(Data("XXXX".utf8))
        try second.close()
        let perSegment = 4096 / size
        let log = try Self.reopen(folder, segmentBytes: 4096)
        #expect(log.recovery.corruptRanges == 2)
        #expect(log.recovery.damagedBytes == 2 * size)
        #expect(log.depth.records == 38)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: folder + "/quarantine")
        #expect(quarantined.count == 2)
        let lost = [2, perSegment + 1]
        #expect(try Self.drain(log) == (0..<40).filter { !lost.contains($0) })
    }

    @Test("A damaged acknowledgement file means everything on disk is sent again (at least once), never a refusal to start")
    func damagedAck() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        do {
            let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 1 << 20)
            try Self.append(log, 0..<10)
            _ = try log.readBatch(maxBytes: 1000, maxItems: 100)
            try log.acknowledge(durable: true)
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: folder + "/ack"))
        let log = try Self.reopen(folder, segmentBytes: 1 << 20)
        #expect(log.recovery.damagedAck)
        #expect(try Self.drain(log) == Array(0..<10))
    }

    @Test("Segments a crash left behind the watermark are removed at startup")
    func leftoverSegmentsRemoved() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        do {
            let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
            try Self.append(log, 0..<60)
        }
        let before = try scratch.segments(folder)
        // As if the watermark was written but the deletion of the first two segments never happened.
        let number = UInt64(URL(fileURLWithPath: before[2]).deletingPathExtension().lastPathComponent) ?? 0
        try Data(AckFile.encode(LogPosition(segment: number, offset: 0))).write(to: URL(fileURLWithPath: folder + "/ack"))
        let log = try Self.reopen(folder, segmentBytes: 4096)
        #expect(try scratch.segments(folder) == Array(before.dropFirst(2)))
        let perSegment = 4096 / Self.record(0).count
        #expect(try Self.drain(log) == Array((2 * perSegment)..<60))
    }

    @Test("Two queues never share a folder: the second open fails with the reason")
    func folderLocked() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path + "/q"
        let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096)
        #expect(throws: DiskQueueIOError.self) { try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096) }
        _ = log
    }

    @Test("Hostile segment bytes (random, truncated, lengths pointing anywhere) never stop recovery")
    func randomGarbageRecovers() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<30 {
            let scratch = try ScratchFolder()
            let folder = scratch.path + "/q"
            do { try Self.append(try SegmentLog(directory: folder, signal: .traces, segmentBytes: 8192), 0..<30) }
            for segment in try scratch.segments(folder) {
                var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
                for _ in 0..<(round % 5 + 1) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if round % 3 == 0 { bytes.removeLast(Int.random(in: 0..<min(300, bytes.count), using: &generator)) }
                try Data(bytes).write(to: URL(fileURLWithPath: segment))
            }
            let log = try Self.reopen(folder, segmentBytes: 8192)
            let delivered = try Self.drain(log)
            #expect(delivered == delivered.sorted())
            #expect(Set(delivered).count == delivered.count)
            #expect(delivered.count + log.recovery.events >= 1)
        }
    }
}
