/// Something that sends log records to a backend.
///
/// `export` is synchronous and throws on failure (after its own retries); the batch processor calls it
/// from its worker thread, never from the logging thread.
public protocol LogRecordExporter: Sendable {
    /// Sends one batch of records, all produced by `resource`.
    func export(_ records: [LogRecordData], resource: Resource) throws

    /// Waits until everything this exporter accepted is delivered, at most `timeout`.
    func forceFlush(timeout: Duration) -> Bool

    /// Releases the exporter's resources; later exports may fail.
    func shutdown()
}

extension LogRecordExporter {
    /// Nothing is buffered: `export` delivers before it returns.
    public func forceFlush(timeout: Duration) -> Bool { true }
}

/// Where `TelemetryLogHandler` hands the records it makes.
public protocol LogRecordProcessor: Sendable {
    /// Takes a record; must not block on I/O. Returns false when the record was dropped.
    @discardableResult
    func onEmit(_ record: LogRecordData) -> Bool
}
