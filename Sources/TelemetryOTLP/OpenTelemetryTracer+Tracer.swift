import Telemetry
import Tracing

/// A swift-distributed-tracing `Tracer` (spans, propagation: see Telemetry's `TelemetryTracer+Tracing.swift`).
extension OpenTelemetryTracer: Tracing.Tracer {
    /// Blocks until queued spans are exported or the export timeout passes.
    public func forceFlush() {
        _ = forceFlush(timeout: nil)
    }
}
