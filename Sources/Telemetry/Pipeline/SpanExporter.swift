/// Something that sends finished spans to a backend.
///
/// `export` is synchronous and throws on failure (after its own retries); the batch processor calls it
/// from its worker thread, never from the application's thread.
public protocol SpanExporter: Sendable {
    /// Sends one batch of spans, all produced by `resource`.
    func export(_ spans: [SpanData], resource: Resource) throws

    /// Waits until everything this exporter accepted is delivered, at most `timeout`; exporters that
    /// deliver within `export` have nothing to wait for.
    func forceFlush(timeout: Duration) -> Bool

    /// Releases the exporter's resources; later exports may fail.
    func shutdown()
}

extension SpanExporter {
    /// Nothing is buffered: `export` delivers before it returns.
    public func forceFlush(timeout: Duration) -> Bool { true }
}
