import Logging

/// Logs at most one line per key per interval, saying how many were suppressed in between.
package final class RateLimitedLogger: Sendable {
    private struct Entry: Sendable {
        var lastNanos: UInt64
        var suppressed: Int
    }

    /// The underlying logger.
    package let logger: Logger
    private let intervalNanos: UInt64
    private let entries = LockedValue([String: Entry]())

    /// Creates a logger that lets one line per key through every `interval`.
    package init(logger: Logger, interval: Duration = .seconds(10)) {
        self.logger = logger
        intervalNanos = interval.nanoseconds
    }

    /// Logs `message` at `level` unless a line with the same `key` was logged less than the interval ago.
    package func log(
        _ level: Logger.Level, key: String, _ message: @autoclosure () -> String, metadata: Logger.Metadata = [:]
    ) {
        let now = WallClock.monotonicNanos()
        let suppressed: Int? = entries.withLock { entries in
            if let entry = entries[key], now &- entry.lastNanos < intervalNanos {
                entries[key]?.suppressed += 1
                return nil
            }
            let suppressed = entries[key]?.suppressed ?? 0
            entries[key] = Entry(lastNanos: now, suppressed: 0)
            return suppressed
        }
        guard let suppressed else { return }
        var metadata = metadata
        if suppressed > 0 { metadata["suppressed"] = "\(suppressed)" }
        logger.log(level: level, "\(message())", metadata: metadata)
    }
}
