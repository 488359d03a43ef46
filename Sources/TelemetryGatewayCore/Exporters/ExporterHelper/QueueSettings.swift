import TelemetryYAML

/// `sending_queue`, the exporter helper's queue, sized in bytes: `max_bytes` (per signal), `storage`
/// (`memory`, the default, or `disk`), and for disk `directory` (required), `fsync` (`always`,
/// `interval`, `never`), `fsync_interval`, `when_full` (`block`, `drop_newest`, `drop_oldest`),
/// `segment_bytes`. The Collector's `queue_size` (a count of requests) is refused.
struct QueueSettings: Sendable, Equatable {
    /// The most bytes waiting per signal in a memory queue.
    var memoryBytes = defaultMemoryBytes
    /// The disk queue's settings with `storage: disk`; nil for a memory queue.
    var disk: DiskQueueSettings?

    /// The default of `max_bytes` for a memory queue.
    static let defaultMemoryBytes = 64 << 20
    /// The sizes `max_bytes` may give.
    static let maxBytesRange = 4096...(1 << 50)
    /// The sizes `segment_bytes` may give.
    static let segmentBytesRange = 4096...(1 << 30)
    private static let diskKeys = ["directory", "fsync", "fsync_interval", "when_full", "segment_bytes"]

    /// Reads a `sending_queue` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> QueueSettings {
        let fields = try node.mapping(allowed: ["max_bytes", "queue_size", "storage"] + diskKeys)
        if let size = fields["queue_size"] {
            throw size.error("the Collector's queue_size counts requests; give max_bytes (the bytes waiting per signal)")
        }
        let maxBytes = try fields["max_bytes"]?.int(in: maxBytesRange)
        var settings = QueueSettings()
        guard try fields["storage"]?.choice(["memory", "disk"]) == "disk" else {
            for key in diskKeys {
                if let node = fields[key] { throw node.error("\(key) applies to storage: disk only") }
            }
            if let maxBytes { settings.memoryBytes = maxBytes }
            return settings
        }
        var disk = DiskQueueSettings(directory: try fields.required("directory").string())
        if let maxBytes { disk.maxBytes = maxBytes }
        if let fsync = fields["fsync"] {
            disk.fsync = DiskQueueSettings.FsyncPolicy(rawValue: try fsync.choice(["always", "interval", "never"])) ?? .always
        }
        if let interval = fields["fsync_interval"] { disk.fsyncInterval = try interval.duration() }
        if let whenFull = fields["when_full"] {
            disk.whenFull = DiskQueueSettings.WhenFull(rawValue: try whenFull.choice(["block", "drop_newest", "drop_oldest"])) ?? .block
        }
        if let segment = fields["segment_bytes"] { disk.segmentBytes = try segment.int(in: segmentBytesRange) }
        settings.disk = disk
        return settings
    }
}
