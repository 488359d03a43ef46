import Tracing

/// A swift-distributed-tracing `Tracer` (spans, propagation: see `TelemetryTracer+Tracing.swift`).
extension SimpleTracer: Tracing.Tracer {
    /// Nothing to flush: finished spans are kept in memory.
    public func forceFlush() {}
}
