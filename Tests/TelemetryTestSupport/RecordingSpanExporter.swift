import Foundation
import Telemetry

/// A span exporter that keeps every batch in memory, can be made to fail or to block, for pipeline tests.
public final class RecordingSpanExporter: SpanExporter, @unchecked Sendable {
    // @unchecked: all state is behind `lock`.
    private let lock = NSCondition()
    private var batches: [[SpanData]] = []
    private var failuresLeft = 0
    private var blocked = false
    private var shutDown = false

    /// Creates an exporter.
    public init() {}

    /// Every batch exported so far.
    public var exportedBatches: [[SpanData]] { lock.withLock { batches } }

    /// Every span exported so far.
    public var exportedSpans: [SpanData] { exportedBatches.flatMap { $0 } }

    /// Whether `shutdown()` was called.
    public var isShutDown: Bool { lock.withLock { shutDown } }

    /// Makes the next `count` exports throw.
    public func failNext(_ count: Int) { lock.withLock { failuresLeft = count } }

    /// Makes exports wait until `unblock()`.
    public func block() { lock.withLock { blocked = true } }

    /// Lets waiting exports continue.
    public func unblock() {
        lock.withLock {
            blocked = false
            lock.broadcast()
        }
    }

    /// Records the batch, or throws when told to fail.
    public func export(_ spans: [SpanData], resource: Resource) throws {
        lock.lock()
        defer { lock.unlock() }
        while blocked { lock.wait() }
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw TestPeerError("scripted export failure")
        }
        batches.append(spans)
    }

    /// Records the shutdown.
    public func shutdown() { lock.withLock { shutDown = true } }
}
