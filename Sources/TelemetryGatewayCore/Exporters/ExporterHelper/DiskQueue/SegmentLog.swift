#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A place in the log: a segment file's number and a byte offset in it.
struct LogPosition: Comparable, Sendable, Equatable {
    var segment: UInt64
    var offset: Int

    static func < (lhs: LogPosition, rhs: LogPosition) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }
}

/// Records, bytes (framing included) and telemetry items.
struct QueueDepth: Sendable, Equatable {
    var records = 0
    var bytes = 0
    var items = 0

    static func += (lhs: inout QueueDepth, rhs: QueueDepth) {
        lhs = QueueDepth(records: lhs.records + rhs.records, bytes: lhs.bytes + rhs.bytes, items: lhs.items + rhs.items)
    }

    static func -= (lhs: inout QueueDepth, rhs: QueueDepth) {
        lhs = QueueDepth(records: lhs.records - rhs.records, bytes: lhs.bytes - rhs.bytes, items: lhs.items - rhs.items)
    }

    init(records: Int = 0, bytes: Int = 0, items: Int = 0) {
        self.records = records
        self.bytes = bytes
        self.items = items
    }

    init(_ record: SegmentRecord) {
        self.init(records: 1, bytes: record.framedBytes, items: record.itemCount)
    }
}

/// One segment file and the damaged ranges recovery found in it (skipped when reading).
struct Segment {
    let number: UInt64
    let file: SegmentFile
    var size: Int
    /// In order, not overlapping (they may touch).
    var skips: [Range<Int>] = []

    /// `offset`, or the end of the skipped ranges it is in.
    func pastSkips(_ offset: Int) -> Int {
        var offset = offset
        var next = skips.partitionIndex { $0.upperBound > offset }
        while next < skips.count, skips[next].contains(offset) {
            offset = skips[next].upperBound
            next += 1
        }
        return offset
    }
}

extension Array {
    /// The index of the first element for which `isPast` holds, in an array where it holds for a suffix
    /// (a sorted one): `count` when for none. A binary search.
    func partitionIndex(where isPast: (Element) -> Bool) -> Int {
        var (low, high) = (0, count)
        while low < high {
            let middle = low + (high - low) / 2
            if isPast(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// A queue of framed records in fixed-size segment files, with a durable acknowledgement watermark.
///
/// The folder holds `<number>.seg` files (20-digit numbers, appended in order), `ack` (the position
/// up to which everything was sent: segment, offset, CRC-32C), `LOCK` (held while open, so two
/// gateways never share a queue) and `quarantine/` (damaged bytes recovery cut out). Records are read
/// by one sender: `readBatch` hands out the next records (the in-flight window) and `acknowledge`
/// moves the watermark past them, deleting every segment it leaves behind. Not thread-safe: the owner
/// serialises calls.
final class SegmentLog: @unchecked Sendable {
    // @unchecked: every call is made under the owning DiskSendingQueue's lock.
    let directory: String
    let segmentBytes: Int
    let signal: OTLPSignalCode
    /// What recovery found when the log was opened.
    let recovery: RecoveryReport
    private let lock: SegmentFile
    /// The `ack` file, written at open (atomically) so that later updates never need a new block.
    private let ackFile: SegmentFile
    private var segments: [Segment]
    private var readPosition: LogPosition
    private var ackPosition: LogPosition
    /// Everything not yet acknowledged (minus records dropped to make room).
    private(set) var depth: QueueDepth
    /// The records handed out by `readBatch` and not yet acknowledged.
    private(set) var inFlight = QueueDepth()
    /// Where the records in flight end.
    private var inFlightEnd: LogPosition
    /// When the oldest unacknowledged record was queued (ns since the epoch), nil when empty.
    private(set) var oldestEnqueuedAtNanos: UInt64?
    /// Whether the next append starts a new segment (the last one failed an fsync).
    private var sealed = false

    /// Opens (and recovers) the log in `directory`, creating it when missing.
    ///
    /// Recovery never refuses to start on damaged data: a torn or damaged tail of the last segment is
    /// cut off, a damaged record elsewhere is skipped up to the next intact record; both are copied to
    /// `quarantine/` and counted. Only an I/O error (or a folder another process holds) throws.
    init(directory: String, signal: OTLPSignalCode, segmentBytes: Int, quarantineLimitBytes: Int = 64 << 20) throws(DiskQueueIOError) {
        self.directory = directory
        self.signal = signal
        self.segmentBytes = max(4096, segmentBytes)
        try QueueFolder.create(directory)
        lock = try SegmentFile(path: directory + "/LOCK", create: true)
        try lock.lockExclusively()
        let recovered = try SegmentRecovery(
            directory: directory, signal: signal, quarantineLimitBytes: quarantineLimitBytes
        ).run()
        segments = recovered.segments
        ackPosition = recovered.start
        readPosition = recovered.start
        inFlightEnd = recovered.start
        depth = recovered.depth
        recovery = recovered.report
        if segments.isEmpty {
            segments = [try Self.createSegment(recovered.start.segment, in: directory, durable: true)]
        }
        try QueueFolder.replace(directory + "/ack", with: AckFile.encode(recovered.start), durable: true)
        ackFile = try SegmentFile(path: directory + "/ack", create: false)
        oldestEnqueuedAtNanos = depth.records > 0 ? try peekEnqueuedAt(at: readPosition) : nil
    }

    /// The path of segment `number`.
    static func path(of number: UInt64, in directory: String) -> String {
        let digits = String(number)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    /// The records not yet handed out.
    var unread: QueueDepth {
        var unread = depth
        unread -= inFlight
        return unread
    }

    /// Bytes of segment files on disk.
    var diskBytes: Int { segments.reduce(0) { $0 + $1.size } }

    /// Appends a framed record; returns the file written (for the caller to force to disk) and
    /// whether a new segment was started.
    func append(_ framed: [UInt8], itemCount: Int, enqueuedAtNanos: UInt64, durableFolder: Bool) throws(DiskQueueIOError) -> SegmentFile {
        guard var current = segments.last else { throw DiskQueueIOError("append", directory, errno: 0) }
        if sealed || (current.size > 0 && current.size + framed.count > segmentBytes) {
            guard let number = SegmentName.next(after: current.number) else {
                throw DiskQueueIOError("start a segment after", Self.path(of: current.number, in: directory), errno: EOVERFLOW)
            }
            current = try Self.createSegment(number, in: directory, durable: durableFolder)
            segments.append(current)
            sealed = false
        }
        do {
            try current.file.write(framed, at: current.size)
        } catch {
            // Leave no partial record behind (the next append writes at the same offset anyway).
            try? current.file.truncate(to: current.size)
            throw error
        }
        segments[segments.count - 1].size += framed.count
        if depth.records == 0 { oldestEnqueuedAtNanos = enqueuedAtNanos }
        depth += QueueDepth(records: 1, bytes: framed.count, items: itemCount)
        return current.file
    }

    /// Hands out the next records (at most `maxBytes` of framing and `maxItems` items, at least one
    /// record) and marks them in flight. Damage found now (the disk changed under us) is skipped to
    /// the segment's end and counted in `runtimeDamage`.
    func readBatch(maxBytes: Int, maxItems: Int) throws(DiskQueueIOError) -> [SegmentRecord] {
        var batch: [SegmentRecord] = []
        var taken = QueueDepth()
        var reachedEnd = false
        while taken.records == 0 || (taken.bytes < maxBytes && taken.items < maxItems) {
            guard let (record, next) = try nextRecord(from: readPosition) else {
                reachedEnd = true
                break
            }
            if taken.records > 0, taken.bytes + record.framedBytes > maxBytes { break }
            batch.append(record)
            taken += QueueDepth(record)
            readPosition = next
        }
        inFlight += taken
        inFlightEnd = readPosition
        // At the end everything unacknowledged is in flight; records lost to runtime damage are gone.
        if reachedEnd { depth = inFlight }
        return batch
    }

    /// Damage met while reading and not yet reported (records lost to it leave the depth).
    private var runtimeDamage = 0

    /// The damage met while reading since the last call.
    func takeRuntimeDamage() -> Int {
        defer { runtimeDamage = 0 }
        return runtimeDamage
    }

    /// Moves the watermark past everything handed out (and dropped), persists it (forced to disk when
    /// `durable`), and deletes the segments left behind; a drained log starts a fresh segment, so the
    /// disk use returns to its baseline.
    func acknowledge(durable: Bool) throws(DiskQueueIOError) {
        depth -= inFlight
        inFlight = QueueDepth()
        if depth.records <= 0 {
            depth = QueueDepth()
            // A fresh segment lets the drained one go; without room for it the old one stays until next time.
            if let last = segments.last, last.size > 0, let number = SegmentName.next(after: last.number),
                let fresh = try? Self.createSegment(number, in: directory, durable: durable)
            {
                segments.append(fresh)
            }
            let last = segments[segments.count - 1]
            readPosition = LogPosition(segment: last.number, offset: last.size)
        }
        ackPosition = readPosition
        try writeAck(durable: durable)
        while let first = segments.first, first.number < ackPosition.segment {
            try QueueFolder.remove(Self.path(of: first.number, in: directory))
            segments.removeFirst()
        }
        oldestEnqueuedAtNanos = depth.records > 0 ? try peekEnqueuedAt(at: readPosition) : nil
    }

    /// Discards the oldest records not in flight until `needed` bytes fit under `maxBytes`; returns
    /// what was discarded (the watermark passes them at the next acknowledgement).
    func dropOldest(toFit needed: Int, maxBytes: Int) throws(DiskQueueIOError) -> QueueDepth {
        var dropped = QueueDepth()
        while depth.bytes + needed > maxBytes, let (record, next) = try nextRecord(from: readPosition) {
            readPosition = next
            depth -= QueueDepth(record)
            dropped += QueueDepth(record)
        }
        if inFlight.records == 0 {
            oldestEnqueuedAtNanos = depth.records > 0 ? try peekEnqueuedAt(at: readPosition) : nil
        }
        return dropped
    }

    /// Makes room on a full disk: discards the oldest records not in flight until a whole segment holds
    /// none that are still wanted, and deletes such segments now (with nothing in flight by moving the
    /// watermark; otherwise those between the batch in flight and the read position). Returns what was
    /// discarded; nothing when every record left is in flight or in the segment being written.
    func releaseOldestSegment(durable: Bool) throws(DiskQueueIOError) -> QueueDepth {
        let kept = inFlight.records > 0 ? inFlightEnd.segment : nil
        func releasable() -> Bool {
            segments.contains { segment in segment.number < readPosition.segment && kept.map { segment.number > $0 } ?? true }
        }
        var dropped = QueueDepth()
        while !releasable(), let (record, next) = try nextRecord(from: readPosition) {
            readPosition = next
            depth -= QueueDepth(record)
            dropped += QueueDepth(record)
            // Past the end of a segment that is not the last one: the read position is the next segment's start.
            let index = segments.partitionIndex { $0.number >= readPosition.segment }
            if index + 1 < segments.count, segments[index].number == readPosition.segment, readPosition.offset >= segments[index].size {
                readPosition = LogPosition(segment: segments[index + 1].number, offset: 0)
            }
        }
        guard releasable() else { return dropped }
        if let kept {
            for segment in segments where segment.number > kept && segment.number < readPosition.segment {
                try QueueFolder.remove(Self.path(of: segment.number, in: directory))
            }
            segments.removeAll { $0.number > kept && $0.number < readPosition.segment }
        } else {
            try acknowledge(durable: durable)
        }
        return dropped
    }

    /// Closes the segment being written to appends (an fsync of it failed, so none of its records
    /// may count as durable again): the next append starts a new segment. Its records stay queued.
    func sealLastSegment() {
        sealed = true
    }

    /// Forces the folder's entries to disk.
    func syncFolder() throws(DiskQueueIOError) {
        try QueueFolder.syncFolder(of: directory + "/ack")
    }

    /// Persists the watermark by overwriting the `ack` file's 20 bytes in place, which needs no free
    /// block (so a full disk can still be drained). A torn overwrite fails the CRC at recovery, and
    /// everything on disk is then sent again.
    private func writeAck(durable: Bool) throws(DiskQueueIOError) {
        try ackFile.write(AckFile.encode(ackPosition), at: 0)
        if durable { try ackFile.sync() }
    }

    /// The intact record at `position` (or the first one after it in later segments) and the position
    /// after it; nil at the end of the log.
    private func nextRecord(from position: LogPosition) throws(DiskQueueIOError) -> (SegmentRecord, LogPosition)? {
        var position = position
        // Binary searches: a record costs the same in a log of many segments, or with many damaged stretches.
        var index = segments.partitionIndex { $0.number >= position.segment }
        while index < segments.count {
            let segment = segments[index]
            if segment.number > position.segment { position = LogPosition(segment: segment.number, offset: 0) }
            position.offset = segment.pastSkips(position.offset)
            if position.offset < segment.size {
                if let record = try segment.record(at: position.offset, signal: signal) {
                    return (record, LogPosition(segment: segment.number, offset: position.offset + record.framedBytes))
                }
                // Damaged after recovery checked it: give up the rest of this segment (the skips stay in order).
                runtimeDamage += 1
                segments[index].skips.removeAll { $0.lowerBound >= position.offset }
                segments[index].skips.append(position.offset..<segment.size)
                position.offset = segment.size
            }
            index += 1
        }
        return nil
    }

    private func peekEnqueuedAt(at position: LogPosition) throws(DiskQueueIOError) -> UInt64? {
        try nextRecord(from: position)?.0.enqueuedAtNanos
    }

    private static func createSegment(_ number: UInt64, in directory: String, durable: Bool) throws(DiskQueueIOError) -> Segment {
        let path = path(of: number, in: directory)
        let file = try SegmentFile(path: path, create: true)
        try file.truncate(to: 0)
        if durable { try QueueFolder.syncFolder(of: path) }
        return Segment(number: number, file: file, size: 0)
    }
}

/// The `ack` file: segment (8, LE), offset (8, LE), CRC-32C of those 16 bytes (4, LE).
enum AckFile {
    static func encode(_ position: LogPosition) -> [UInt8] {
        var bytes: [UInt8] = []
        SegmentRecordFormat.appendLittleEndian(position.segment, to: &bytes)
        SegmentRecordFormat.appendLittleEndian(UInt64(position.offset), to: &bytes)
        SegmentRecordFormat.appendLittleEndian(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    /// The position in `bytes`, or nil when they are damaged.
    static func decode(_ bytes: [UInt8]) -> LogPosition? {
        guard bytes.count == 20 else { return nil }
        let stored = SegmentRecordFormat.readLittleEndian(UInt32.self, bytes[...], at: 16)
        guard CRC32C.checksum(Array(bytes[0..<16])) == stored else { return nil }
        let offset = SegmentRecordFormat.readLittleEndian(UInt64.self, bytes[...], at: 8)
        let segment = SegmentRecordFormat.readLittleEndian(UInt64.self, bytes[...], at: 0)
        guard offset <= UInt64(Int.max), segment <= SegmentName.maxNumber else { return nil }
        return LogPosition(segment: segment, offset: Int(offset))
    }
}

/// Segment file names: the number in 20 ASCII digits and `.seg`, as `SegmentLog.path(of:in:)` writes them.
///
/// Names are parsed strictly: anything else in the folder (`+0000000000000000001.seg`, a number past
/// `maxNumber`) is not a segment of this log; recovery leaves it in place, unread, and reports it. The
/// numbers stop at `maxNumber` (2^63 − 1, beyond any real log: a segment a nanosecond for 292 years),
/// so the next number is never computed by arithmetic that could trap.
enum SegmentName {
    /// The largest segment number the log writes.
    static let maxNumber = UInt64(Int64.max)
    private static let digits = 20
    private static let suffix = Array(".seg".utf8)

    /// The number of a segment file name exactly as the log writes it, nil for any other name.
    static func number(_ name: String) -> UInt64? {
        let bytes = Array(name.utf8)
        guard bytes.count == digits + suffix.count, bytes.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        var number: UInt64 = 0
        for byte in bytes.prefix(digits) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            // At most 20 digits: stop before a value past maxNumber could overflow.
            guard number <= maxNumber / 10 else { return nil }
            number = number * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return number <= maxNumber ? number : nil
    }

    /// The number after `number`, nil when the log's numbers are used up.
    static func next(after number: UInt64) -> UInt64? {
        number < maxNumber ? number + 1 : nil
    }
}
