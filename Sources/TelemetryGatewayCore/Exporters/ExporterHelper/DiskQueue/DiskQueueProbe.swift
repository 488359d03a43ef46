import Foundation

/// Recovery of the disk queue on arbitrary file contents, for the `disk-queue-files` fuzz target and
/// its replay test: whatever a crash, a power loss or a failing disk left behind, the queue opens, hands
/// out only intact records (as many as it counted), and once they are acknowledged a second open finds
/// an empty, undamaged queue. A broken promise stops the process (that is what the fuzzer looks for).
package enum DiskQueueProbe {
    /// Runs the check on `input`: byte 0 and 1 say where the data splits into three segment files, bit 0
    /// of byte 2 whether the data's last 20 bytes are an `ack` file, bit 1 whether the 24 bytes before
    /// them name the third file (`/` and NUL made `_`: a name a crash or a person could leave, such as
    /// `+0000000000000000001.seg` or `18446744073709551615.seg`); the rest is the data.
    package static func check(_ input: [UInt8]) {
        guard input.count >= 3 else { return }
        var data = Array(input.dropFirst(3))
        var ack: [UInt8]?
        if input[2] & 1 != 0, data.count >= 20 {
            ack = Array(data.suffix(20))
            data.removeLast(20)
        }
        var thirdName: String?
        if input[2] & 2 != 0, data.count >= 24 {
            let slash = UInt8(ascii: "/")
            thirdName = String(decoding: data.suffix(24).map { $0 == 0 || $0 == slash ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
            data.removeLast(24)
        }
        let first = data.count * Int(input[0]) / 255
        let second = first + (data.count - first) * Int(input[1]) / 255
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("disk-queue-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            try QueueFolder.create(folder)
            try write(Array(data[..<first]), to: SegmentLog.path(of: 7, in: folder))
            try write(Array(data[first..<second]), to: SegmentLog.path(of: 8, in: folder))
            let third = thirdName.map { folder + "/" + $0 } ?? SegmentLog.path(of: 10, in: folder)
            if second < data.count || thirdName != nil { try write(Array(data[second...]), to: third) }
            if let ack { try write(ack, to: folder + "/ack") }
            try drainAndReopen(folder)
        } catch {
            preconditionFailure("the disk queue refused to open: \(error)")
        }
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(DiskQueueIOError) {
        try SegmentFile(path: path, create: true).write(bytes, at: 0)
    }

    private static func drainAndReopen(_ folder: String) throws(DiskQueueIOError) {
        do {
            let log = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096, quarantineLimitBytes: 1 << 20)
            let counted = log.depth
            var handedOut = QueueDepth()
            while true {
                let batch = try log.readBatch(maxBytes: 1 << 16, maxItems: .max)
                if batch.isEmpty { break }
                for record in batch {
                    precondition(record.signal == .traces, "a record of another signal was handed out")
                    precondition(
                        record.framedBytes
                            == SegmentRecordFormat.headerBytes + SegmentRecordFormat.bodyPrefixBytes + record.metadataBytes + record.payload.count,
                        "a record's size does not match its payload")
                    handedOut += QueueDepth(record)
                }
            }
            precondition(handedOut == counted, "recovery counted \(counted) but \(handedOut) was handed out")
            try log.acknowledge(durable: false)
        }
        let reopened = try SegmentLog(directory: folder, signal: .traces, segmentBytes: 4096, quarantineLimitBytes: 1 << 20)
        // Files that are not the log's own stay where they were, ignored again.
        precondition(
            reopened.recovery == RecoveryReport(ignoredFiles: reopened.recovery.ignoredFiles),
            "damage found again after a clean drain: \(reopened.recovery)")
        precondition(reopened.depth == QueueDepth(), "records left after a drain: \(reopened.depth)")
    }
}
