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
    }

    func run() throws(DiskQueueIOError) -> Result {
        var report = RecoveryReport()
        let names = try QueueFolder.entries(directory)
        for name in names where name.hasSuffix(".tmp") { try QueueFolder.remove(directory + "/" + name) }
        let numbers = names.compactMap { name -> UInt64? in
            guard name.hasSuffix(".seg"), name.count == 24 else { return nil }
            return UInt64(name.dropLast(4))
        }.sorted()
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
            depth += try check(&segment, from: from, isLast: index == numbers.count - 1, report: &report)
            segments.append(segment)
        }
        if segments.isEmpty { start = LogPosition(segment: max(start.segment, (numbers.last ?? 0) + 1), offset: 0) }
        return Result(segments: segments, start: start, depth: depth, report: report)
    }

    /// Checks the records of `segment` from `offset`; cuts a damaged tail of the last segment and
    /// marks damaged stretches elsewhere as skipped. Returns the depth of the intact records.
    private func check(_ segment: inout Segment, from offset: Int, isLast: Bool, report: inout RecoveryReport) throws(DiskQueueIOError) -> QueueDepth {
        var depth = QueueDepth()
        var position = offset
        while position < segment.size {
            if let record = try record(in: segment, at: position) {
                depth += QueueDepth(record)
                position += record.framedBytes
                continue
            }
            let resume = try nextIntactRecord(in: segment, after: position)
            try quarantine(segment, position..<(resume ?? segment.size), report: &report)
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
        let header = try segment.file.read(SegmentRecordFormat.headerBytes, at: offset)
        guard let length = SegmentRecordFormat.bodyLength(header: header[...]) else { return nil }
        let framed = try segment.file.read(SegmentRecordFormat.headerBytes + length, at: offset)
        guard let record = SegmentRecordFormat.decode(framed[...]), record.signal == signal else { return nil }
        return record
    }

    /// The offset of the first intact record of the queue's signal after `offset` (found by its magic), nil if none.
    private func nextIntactRecord(in segment: Segment, after offset: Int) throws(DiskQueueIOError) -> Int? {
        let rest = try segment.file.read(segment.size - offset, at: offset)
        let magic = SegmentRecordFormat.magic
        var index = 1
        while index + SegmentRecordFormat.headerBytes <= rest.count {
            if rest[index] == magic[0], rest[index + 1] == magic[1], rest[index + 2] == magic[2], rest[index + 3] == magic[3],
                let length = SegmentRecordFormat.bodyLength(header: rest[index...]),
                index + SegmentRecordFormat.headerBytes + length <= rest.count,
                SegmentRecordFormat.decode(rest[index..<(index + SegmentRecordFormat.headerBytes + length)])?.signal == signal
            {
                return offset + index
            }
            index += 1
        }
        return nil
    }

    /// Copies the damaged `range` of `segment` to `quarantine/<segment>-<offset>.bad`, while the
    /// quarantine holds less than its limit.
    private func quarantine(_ segment: Segment, _ range: Range<Int>, report: inout RecoveryReport) throws(DiskQueueIOError) {
        report.damagedBytes += range.count
        let folder = directory + "/quarantine"
        try QueueFolder.create(folder)
        var used = 0
        for name in try QueueFolder.entries(folder) {
            used += (try? SegmentFile(path: folder + "/" + name, create: false).size()) ?? 0
        }
        guard used + range.count <= quarantineLimitBytes else { return }
        let name = "\(segment.number)-\(range.lowerBound).bad"
        try QueueFolder.replace(folder + "/" + name, with: try segment.file.read(range.count, at: range.lowerBound), durable: false)
        report.quarantineFiles.append(name)
    }
}
