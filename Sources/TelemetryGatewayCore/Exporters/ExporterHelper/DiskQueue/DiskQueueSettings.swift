/// `sending_queue` with `storage: disk`: where and how an exporter's queue is kept on disk.
public struct DiskQueueSettings: Sendable, Equatable {
    /// When appended records are forced to disk.
    public enum FsyncPolicy: String, Sendable, Equatable {
        /// Before the request is answered: an acknowledged request survives a power loss.
        case always
        /// At most `fsyncInterval` after the append: survives a crash of the gateway, not a power loss
        /// within the interval.
        case interval
        /// Left to the kernel: survives a crash of the gateway (the data is in the page cache), not a
        /// power loss.
        case never
    }

    /// What a full queue does with new data.
    public enum WhenFull: String, Sendable, Equatable {
        /// Pushes back: the request is refused as retryable (HTTP 429 with Retry-After, gRPC
        /// UNAVAILABLE), so the sender keeps the data; the gateway drops nothing.
        case block
        /// Takes the request without queueing it for this exporter; counted as dropped (`queue_full`).
        case dropNewest = "drop_newest"
        /// Discards the oldest records not being sent to make room; counted as dropped (`evicted_oldest`).
        case dropOldest = "drop_oldest"
    }

    /// The folder of this exporter's queues (one subfolder per exporter and signal).
    public var directory: String
    /// The most bytes of unsent records (framing included).
    public var maxBytes = 1 << 30
    /// The size at which a segment file is closed and a new one started.
    public var segmentBytes = 8 << 20
    /// When appends are forced to disk.
    public var fsync = FsyncPolicy.always
    /// The longest an append waits to be forced to disk with `fsync: interval`.
    public var fsyncInterval: Duration = .seconds(1)
    /// What a full queue does.
    public var whenFull = WhenFull.block

    /// Settings for `directory` with the defaults.
    public init(directory: String) {
        self.directory = directory
    }
}
