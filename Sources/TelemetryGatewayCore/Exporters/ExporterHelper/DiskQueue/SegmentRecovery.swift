/// What recovery found in a queue's folder.
struct RecoveryReport: Sendable, Equatable {
    /// Damaged or torn tails of the last segment, cut off.
    var tornTails = 0
    /// Damaged stretches elsewhere, skipped up to the next intact record.
    var corruptRanges = 0
    /// Bytes cut out (torn tails and damaged stretches).
    var damagedBytes = 0
    /// Whether the `ack` file was damaged (then everything on disk is sent again).
    var damagedAck = false
    /// Files of the quarantine written.
    var quarantineFiles: [String] = []
    /// `.seg` files whose names the log never writes (left in place, not read).
    var ignoredFiles: [String] = []

    /// Damage events in all (for the `corruption` counter).
    var events: Int { tornTails + corruptRanges + (damagedAck ? 1 : 0) }
}

/// Reads a queue folder after a start or a crash: finds the watermark, removes segments wholly behind
/// it (a deletion a crash interrupted), checks every record after it, and cuts damage out. It never
/// refuses to start on damaged data.
struct SegmentRecovery {
    let directory: String
    let signal: OTLPSignalCode
    let quarantineLimitBytes: Int

    struct Result {
        var segments: [Segment]
        var start: LogPosition
        var depth: QueueDepth
        var report: RecoveryReport
        /// Bytes checksummed while looking for intact records after damage.
        var checkedBytes = 0
    }

    func run() throws(DiskQueueIOError) -> Result {
        var report = RecoveryReport()
        let names = try QueueFolder.entries(directory)
        for name in names where name.hasSuffix(".tmp") { try QueueFolder.remove(directory + "/" + name) }
        var numbers: [UInt64] = []
        for name in names.sorted() where name.hasSuffix(".seg") {
            if let number = SegmentName.number(name) { numbers.append(number) } else { report.ignoredFiles.append(name) }
        }
        numbers.sort()
        var start = LogPosition(segment: numbers.first ?? 0, offset: 0)
        if names.contains("ack") {
            let bytes = try SegmentFile(path: directory + "/ack", create: false).read(64, at: 0)
            if let position = AckFile.decode(bytes) {
                start = max(start, position)
            } else {
                report.damagedAck = true
            }
        }
        var segments: [Segment] = []
        var depth = QueueDepth()
        var scan = DamageScan(quarantine: Quarantine(folder: directory + "/quarantine", limitBytes: quarantineLimitBytes))
        for (index, number) in numbers.enumerated() {
            let path = SegmentLog.path(of: number, in: directory)
            guard number >= start.segment else {
                try QueueFolder.remove(path)
                continue
            }
            let file = try SegmentFile(path: path, create: false)
            var segment = Segment(number: number, file: file, size: try file.size())
            let from = number == start.segment ? min(start.offset, segment.size) : 0
            if number == start.segment { start.offset = from }
            depth += try check(&segment, from: from, isLast: index == numbers.count - 1, scan: &scan, report: &report)
            segments.append(segment)
        }
        if segments.isEmpty {
            // Every number left is below start.segment (at most SegmentName.maxNumber), so a next one exists.
            start = LogPosition(segment: max(start.segment, numbers.last.flatMap { SegmentName.next(after: $0) } ?? 1), offset: 0)
        }
        return Result(segments: segments, start: start, depth: depth, report: report, checkedBytes: scan.checkedBytes)
    }

    /// Checks the records of `segment` from `offset`; cuts a damaged tail of the last segment and
    /// marks damaged stretches elsewhere as skipped. Returns the depth of the intact records.
    private func check(
        _ segment: inout Segment, from offset: Int, isLast: Bool, scan: inout DamageScan, report: inout RecoveryReport
    ) throws(DiskQueueIOError) -> QueueDepth {
        var depth = QueueDepth()
        var position = offset
        // Candidates after damage are checksummed up to twice the segment's size in all: a genuine record
        // costs its own length once, so only a crafted run of false headers reaching far ahead (each
        // costing up to the segment's size: quadratic) exhausts it; the rest is then damage.
        var budget = segment.size.multipliedReportingOverflow(by: 2).overflow ? Int.max : segment.size * 2
        while position < segment.size {
            if let record = try record(in: segment, at: position) {
                depth += QueueDepth(record)
                position += record.framedBytes
                continue
            }
            let resume = try scan.nextIntactRecord(in: segment, after: position, signal: signal, budget: &budget)
            try scan.quarantine.keep(segment, position..<(resume ?? segment.size), report: &report)
            if let resume {
                report.corruptRanges += 1
                segment.skips.append(position..<resume)
                position = resume
            } else if isLast {
                report.tornTails += 1
                try segment.file.truncate(to: position)
                segment.size = position
            } else {
                report.corruptRanges += 1
                segment.skips.append(position..<segment.size)
                position = segment.size
            }
        }
        return depth
    }

    private func record(in segment: Segment, at offset: Int) throws(DiskQueueIOError) -> SegmentRecord? {
        try segment.record(at: offset, signal: signal)
    }
}

extension Segment {
    /// The intact record of `signal` at `offset`, nil when there is none.
    func record(at offset: Int, signal: OTLPSignalCode) throws(DiskQueueIOError) -> SegmentRecord? {
        let header = try file.read(SegmentRecordFormat.headerBytes, at: offset)
        // A length past the file's end is damage: never allocate for it.
        guard let length = SegmentRecordFormat.bodyLength(header: header[...]), length <= size - offset - SegmentRecordFormat.headerBytes
        else { return nil }
        let framed = try file.read(SegmentRecordFormat.headerBytes + length, at: offset)
        guard let record = SegmentRecordFormat.decode(framed[...]), record.signal == signal else { return nil }
        return record
    }
}

/// The search for the next intact record after damage, linear in the segment's size: the bytes after
/// the damage are read in growing windows (never the rest of the segment at once), and candidates are
/// checksummed within a budget.
struct DamageScan {
    var quarantine: Quarantine
    /// Bytes of candidates checksummed, for tests.
    private(set) var checkedBytes = 0
    /// The first window is small, so that damage followed closely by a record costs little; each next
    /// one doubles, so the bytes read are at most twice those scanned.
    private static let firstWindow = 256
    private static let maxWindow = 1 << 20

    /// The offset of the first intact record of `signal` after `offset` (found by its magic), nil if
    /// none, or when checking the candidates would exceed `budget` bytes.
    mutating func nextIntactRecord(
        in segment: Segment, after offset: Int, signal: OTLPSignalCode, budget: inout Int
    ) throws(DiskQueueIOError) -> Int? {
        let (magic, headerBytes) = (SegmentRecordFormat.magic, SegmentRecordFormat.headerBytes)
        var start = offset + 1
        var window = Self.firstWindow
        while start + headerBytes <= segment.size {
            // Windows overlap by a header less one byte, so every header lies whole in one of them.
            let chunk = try segment.file.read(min(window + headerBytes - 1, segment.size - start), at: start)
            var index = 0
            while index < window, index + headerBytes <= chunk.count {
                if chunk[index] == magic[0], chunk[index + 1] == magic[1], chunk[index + 2] == magic[2], chunk[index + 3] == magic[3],
                    let length = SegmentRecordFormat.bodyLength(header: chunk[index...]),
                    length <= segment.size - (start + index) - headerBytes
                {
                    guard budget >= headerBytes + length else { return nil }
                    budget -= headerBytes + length
                    checkedBytes += headerBytes + length
                    if try segment.record(at: start + index, signal: signal) != nil { return start + index }
                }
                index += 1
            }
            start += window
            window = min(window * 2, Self.maxWindow)
        }
        return nil
    }
}

/// The `quarantine/` folder: damaged bytes recovery cut out, up to a limit in all.
struct Quarantine {
    let folder: String
    let limitBytes: Int
    /// The most files it holds: a segment damaged every few bytes must not become millions of files.
    static let maxFiles = 1024
    /// Bytes and files in the folder, read once at the first damage.
    private var used: (bytes: Int, files: Int)?

    init(folder: String, limitBytes: Int) {
        self.folder = folder
        self.limitBytes = limitBytes
    }

    /// Copies the damaged `range` of `segment` to `<segment>-<offset>.bad`, while the quarantine holds
    /// less than its limits; counts the bytes in `report` either way.
    mutating func keep(_ segment: Segment, _ range: Range<Int>, report: inout RecoveryReport) throws(DiskQueueIOError) {
        report.damagedBytes += range.count
        let current: (bytes: Int, files: Int)
        if let used {
            current = used
        } else {
            try QueueFolder.create(folder)
            let names = try QueueFolder.entries(folder)
            current = (names.reduce(0) { $0 + ((try? SegmentFile(path: folder + "/" + $1, create: false).size()) ?? 0) }, names.count)
        }
        used = current
        guard range.count <= limitBytes - current.bytes, current.files < Self.maxFiles else { return }
        let name = "\(segment.number)-\(range.lowerBound).bad"
        try QueueFolder.replace(folder + "/" + name, with: try segment.file.read(range.count, at: range.lowerBound), durable: false)
        used = (current.bytes + range.count, current.files + 1)
        report.quarantineFiles.append(name)
    }
}
