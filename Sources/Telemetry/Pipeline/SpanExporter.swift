/// Something that sends finished spans to a backend.
///
/// `export` is synchronous and throws on failure (after its own retries); the batch processor calls it
/// from its worker thread, never from the application's thread.
public protocol SpanExporter: Sendable {
    /// Sends one batch of spans, all produced by `resource`.
    func export(_ spans: [SpanData], resource: Resource) throws

    /// Releases the exporter's resources; later exports may fail.
    func shutdown()
}
