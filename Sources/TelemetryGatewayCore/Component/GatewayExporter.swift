import TelemetryOTLPData

/// A destination, built once per configured `exporters:` entry. It makes one consumer per signal it is
/// used for, each with its own sending queue (and connection), so a slow signal never stalls another.
public protocol GatewayExporter: Sendable {
    /// The signals it can be used with.
    var signals: Set<OTLPSignal> { get }
    /// The consumer of `signal`, made on first use with `batch` (later calls return the same one).
    func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer
    /// Flushes and stops every consumer before `deadlineNanos` (monotonic); returns whether everything
    /// queued went out. What is left is dropped and counted.
    func shutdown(deadlineNanos: UInt64) -> Bool
    /// Interrupts retry waits and stops for good (called at the shutdown deadline).
    func abort()
}
