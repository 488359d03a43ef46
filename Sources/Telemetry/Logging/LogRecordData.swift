import Logging

/// A log record, immutable, as exporters receive it: time, severity, body, attributes, the scope (the
/// logger's label) and the span it was written in.
///
/// Records made by `TelemetryLogHandler` keep swift-log's metadata as it was given and build their
/// attributes when an exporter asks (on the export worker, not on the logging thread).
public final class LogRecordData: Sendable {
    /// When the event happened, in nanoseconds since the Unix epoch.
    public let timeNanos: UInt64
    /// When it was recorded, in nanoseconds since the Unix epoch.
    public let observedTimeNanos: UInt64
    /// The severity.
    public let severity: LogSeverity
    /// The message.
    public let body: LogValue
    /// The instrumentation scope: the logger's label.
    public let scope: String
    /// The trace of the span the record was written in, if any.
    public let traceID: TraceID?
    /// The span the record was written in, if any.
    public let spanID: SpanID?
    /// That span's W3C trace flags (0 without a span).
    public let traceFlags: UInt8
    private let source: AttributeSource

    /// Where the attributes come from.
    private enum AttributeSource: Sendable {
        case list([LogAttribute])
        case swiftLog(SwiftLogAttributes)
    }

    /// Creates a record with attributes given as they are.
    public init(
        timeNanos: UInt64, observedTimeNanos: UInt64? = nil, severity: LogSeverity, body: LogValue,
        attributes: [LogAttribute] = [], scope: String = "", traceID: TraceID? = nil, spanID: SpanID? = nil,
        traceFlags: UInt8 = 0
    ) {
        self.timeNanos = timeNanos
        self.observedTimeNanos = observedTimeNanos ?? timeNanos
        self.severity = severity
        self.body = body
        self.scope = scope
        self.traceID = traceID
        self.spanID = spanID
        self.traceFlags = traceFlags
        source = .list(attributes)
    }

    /// Creates a record whose attributes are built from swift-log metadata when first asked for.
    init(
        timeNanos: UInt64, severity: LogSeverity, message: String, scope: String, context: SpanContext?,
        attributes: SwiftLogAttributes
    ) {
        self.timeNanos = timeNanos
        observedTimeNanos = timeNanos
        self.severity = severity
        body = .string(message)
        self.scope = scope
        traceID = context?.traceID
        spanID = context?.spanID
        traceFlags = context?.traceFlags ?? 0
        source = .swiftLog(attributes)
    }

    /// The attributes: for swift-log records the merged metadata (the call's over the metadata
    /// provider's over the handler's, keys sorted, nested values kept), then `code.file.path`,
    /// `code.function.name`, `code.line.number`, and `exception.type`/`exception.message` for an
    /// error (the event's error, or metadata under `error`).
    public var attributes: [LogAttribute] {
        switch source {
        case .list(let list): list
        case .swiftLog(let swiftLog): swiftLog.attributes()
        }
    }
}

/// What a swift-log call gave, kept as it was until the attributes are needed.
struct SwiftLogAttributes: Sendable {
    var handlerMetadata: Logger.Metadata
    var providerMetadata: Logger.Metadata?
    var callMetadata: Logger.Metadata?
    var file: String
    var function: String
    var line: UInt
    /// The type and description of the event's error.
    var exception: (type: String, message: String)?

    func attributes() -> [LogAttribute] {
        let merged = mergedMetadata()
        let exceptionMessage = exception?.message ?? merged["error"].map(MetadataText.render)
        var result: [LogAttribute] = []
        result.reserveCapacity(merged.count + 5)
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) where key != "error" {
            result.append(LogAttribute(key, LogValue(value)))
        }
        result.append(LogAttribute("code.file.path", .string(file)))
        result.append(LogAttribute("code.function.name", .string(function)))
        result.append(LogAttribute("code.line.number", .int(Int64(clamping: line))))
        if let type = exception?.type { result.append(LogAttribute("exception.type", .string(type))) }
        if let exceptionMessage { result.append(LogAttribute("exception.message", .string(exceptionMessage))) }
        return result
    }

    /// The call's metadata over the provider's over the handler's; without handler or provider
    /// metadata (the common case) the call's dictionary as it is, uncopied.
    private func mergedMetadata() -> Logger.Metadata {
        if handlerMetadata.isEmpty, providerMetadata?.isEmpty ?? true { return callMetadata ?? [:] }
        var merged = handlerMetadata
        if let providerMetadata { merged.merge(providerMetadata) { $1 } }
        if let callMetadata { merged.merge(callMetadata) { $1 } }
        return merged
    }
}
