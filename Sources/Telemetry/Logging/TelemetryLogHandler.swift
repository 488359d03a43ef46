import Instrumentation
import Logging

/// A swift-log backend that turns log calls into OpenTelemetry log records, each tied to the span it
/// was written in.
///
/// ```swift
/// let logs = OpenTelemetryLogs(serviceName: "orders")       // TelemetryOTLP: batches and exports
/// LoggingSystem.bootstrap { label in logs.handler(label: label) }
/// let logger = Logger(label: "orders.worker")
/// traceContext(tracer, "process_order") { _ in
///     logger.info("order processed", metadata: ["order_id": "42"])   // carries the span's ids
/// }
/// ```
/// A record has the level as severity (number and text), the message as body, the metadata as
/// attributes (nested metadata nested; the call's over the metadata provider's over the handler's),
/// the source location as `code.file.path`, `code.function.name` and `code.line.number`, an error
/// (the event's, or metadata under `error`) as `exception.type`/`exception.message`, the logger's
/// label as instrumentation scope, and the trace id, span id and trace flags of the current span
/// (`TelemetrySpan.current`, or a remote parent extracted into the `ServiceContext`), so it works inside
/// `traceContext`, `withSpan` and their child tasks. On the logging thread it only reads the clock and
/// the current span and queues the record; attributes are built on the export worker.
public struct TelemetryLogHandler: LogHandler {
    /// The logger's label, reported as the instrumentation scope.
    public let label: String
    /// Records below this level are not made.
    public var logLevel: Logger.Level
    /// Metadata added to every record of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Metadata computed for each record (for example `Logger.MetadataProvider.telemetryTraceIDs`).
    public var metadataProvider: Logger.MetadataProvider?
    private let processor: any LogRecordProcessor

    /// Creates a handler that hands its records to `processor`.
    public init(
        label: String, processor: any LogRecordProcessor, logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.processor = processor
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    /// Makes a record of `event` and queues it.
    public func log(event: LogEvent) {
        let context = TelemetrySpan.current?.context ?? ServiceContext.current?.remoteSpanContext
        let exception = event.error.map { error in (type: String(reflecting: type(of: error)), message: String(describing: error)) }
        let attributes = SwiftLogAttributes(
            handlerMetadata: metadata, providerMetadata: metadataProvider?.get(), callMetadata: event.metadata,
            file: event.file, function: event.function, line: event.line, exception: exception)
        processor.onEmit(LogRecordData(
            timeNanos: WallClock.nowNanos(), severity: LogSeverity(event.level), message: event.message.description,
            scope: label, context: context, attributes: attributes))
    }

    /// One metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}

extension Logger.MetadataProvider {
    /// Adds `trace_id` and `span_id` (lowercase hex) of the current span to every log call, for
    /// applications that keep another log backend but want their lines tied to traces.
    public static let telemetryTraceIDs = Logger.MetadataProvider {
        guard let context = TelemetrySpan.current?.context ?? ServiceContext.current?.remoteSpanContext else { return [:] }
        return ["trace_id": .string(context.traceID.description), "span_id": .string(context.spanID.description)]
    }
}
