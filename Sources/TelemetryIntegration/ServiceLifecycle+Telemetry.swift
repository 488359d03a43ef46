import ServiceLifecycle
import Telemetry
import TelemetryConfig
import TelemetryOTLP

/// Runs a blocking shutdown on its own thread and waits for it without blocking Swift's cooperative pool.
private func shutDownOffThePool(_ shutdown: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        _ = WorkerThread {
            shutdown()
            continuation.resume()
        }
    }
}

/// Waits for the service group's graceful shutdown (or cancellation), then flushes and stops.
private func runUntilShutdown(_ shutdown: @escaping @Sendable () -> Void) async {
    try? await gracefulShutdown()
    await shutDownOffThePool(shutdown)
}

extension MetricsPipeline: Service {
    /// Runs until the `ServiceGroup` shuts down, then exports a final snapshot and stops.
    public func run() async throws {
        await runUntilShutdown { _ = self.shutdown() }
    }
}

extension OpenTelemetryTracer: Service {
    /// Runs until the `ServiceGroup` shuts down, then flushes queued spans and stops.
    public func run() async throws {
        await runUntilShutdown { _ = self.shutdown(timeout: nil) }
    }
}

extension SimpleTracer: Service {
    /// Runs until the `ServiceGroup` shuts down (finished spans stay in memory).
    public func run() async throws {
        try? await gracefulShutdown()
    }
}

extension TelemetryPipeline: Service {
    /// Runs until the `ServiceGroup` shuts down, then flushes spans and metrics and stops.
    public func run() async throws {
        await runUntilShutdown { _ = self.shutdown() }
    }
}
