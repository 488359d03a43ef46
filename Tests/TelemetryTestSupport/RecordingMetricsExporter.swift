import Foundation
import Telemetry

/// A metrics exporter that keeps every snapshot with its arrival time, and can be made to block.
public final class RecordingMetricsExporter: MetricsExporter, @unchecked Sendable {
    // @unchecked: all state is behind `lock`.
    private let lock = NSCondition()
    private var received: [(time: Date, snapshot: MetricsSnapshot)] = []
    private var blocked = false
    private var shutDown = false

    /// Creates an exporter.
    public init() {}

    /// Every snapshot exported so far, with when it arrived.
    public var snapshots: [(time: Date, snapshot: MetricsSnapshot)] { lock.withLock { received } }

    /// Whether `shutdown()` was called.
    public var isShutDown: Bool { lock.withLock { shutDown } }

    /// Makes exports wait until `unblock()`.
    public func block() { lock.withLock { blocked = true } }

    /// Lets waiting exports continue.
    public func unblock() {
        lock.withLock {
            blocked = false
            lock.broadcast()
        }
    }

    /// Records the snapshot (after waiting while blocked).
    public func export(_ snapshot: MetricsSnapshot) throws {
        lock.lock()
        defer { lock.unlock() }
        while blocked { lock.wait() }
        received.append((Date(), snapshot))
    }

    /// Records the shutdown and releases any blocked export.
    public func shutdown() {
        lock.withLock {
            shutDown = true
            blocked = false
            lock.broadcast()
        }
    }
}
