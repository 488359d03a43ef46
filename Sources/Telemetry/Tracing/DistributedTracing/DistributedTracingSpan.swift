import Tracing

/// One of our spans seen through swift-distributed-tracing's `Span` protocol, so `withSpan` from any
/// library (Vapor, Hummingbird, AsyncHTTPClient, gRPC…) records into this library's tracers.
public final class DistributedTracingSpan: Tracing.Span {
    /// The span this adapter records into.
    public let span: TelemetrySpan
    /// The context the span was started in, with the span as its current span.
    public let context: ServiceContext

    /// Wraps `span`, started in `context`.
    public init(span: TelemetrySpan, startedIn context: ServiceContext) {
        self.span = span
        self.context = span.serviceContext(basedOn: context)
    }

    /// The span name.
    public var operationName: String {
        get { span.name }
        set { span.updateName(newValue) }
    }

    /// Attributes, converted to and from this library's attribute values.
    public var attributes: SpanAttributes {
        get {
            var result = SpanAttributes()
            for (key, value) in span.attributes { result.set(key, value: value.spanAttribute) }
            return result
        }
        set {
            var converted: [String: AttributeValue] = [:]
            newValue.forEach { key, value in converted[key] = AttributeValue(value) }
            span.setAttributes(converted)
        }
    }

    /// Whether the span records.
    public var isRecording: Bool { span.isRecording }

    /// Sets `.ok` or `.error` with its message.
    public func setStatus(_ status: Tracing.SpanStatus) {
        span.setStatus(status.code == .ok ? .ok : .error, status.message)
    }

    /// Adds an event with its own timestamp and attributes.
    public func addEvent(_ event: Tracing.SpanEvent) {
        span.addEvent(event.name, Self.convert(event.attributes), timeNanos: event.nanosecondsSinceEpoch)
    }

    /// Records an `exception` event (with the given attributes) and sets status `.error`.
    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        let message = String(describing: error)
        var eventAttributes = Self.convert(attributes)
        eventAttributes["exception.type"] = .string(String(reflecting: type(of: error)))
        eventAttributes["exception.message"] = .string(message)
        span.addEvent("exception", eventAttributes, timeNanos: instant().nanosecondsSinceEpoch)
        span.setStatus(.error, message)
    }

    /// Links to the span identified by `link.context` (its current span, or an extracted remote parent).
    public func addLink(_ link: Tracing.SpanLink) {
        guard let target = link.context[CurrentSpanKey.self]?.context ?? link.context.remoteSpanContext else { return }
        span.addLink(TelemetrySpanLink(context: target, attributes: Self.convert(link.attributes)))
    }

    /// Ends the span at `instant`.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        span.end(atNanos: instant().nanosecondsSinceEpoch)
    }

    static func convert(_ attributes: SpanAttributes) -> [String: AttributeValue] {
        var converted: [String: AttributeValue] = [:]
        attributes.forEach { key, value in converted[key] = AttributeValue(value) }
        return converted
    }

    /// Starts a span for a `Tracer` conformance: the parent comes from `context` (its current span, else an
    /// extracted remote parent); the kind and start time are mapped.
    package static func start(
        with tracer: some TelemetryTracer, _ name: String, context: ServiceContext, kind: Tracing.SpanKind,
        startTimeNanos: UInt64
    ) -> DistributedTracingSpan {
        let parent = context[CurrentSpanKey.self]?.context ?? context.remoteSpanContext
        let span = tracer.startSpan(
            name, kind: TelemetrySpanKind(kind), parent: parent.map(SpanParent.context) ?? .root, attributes: [:], links: [],
            startTimeNanos: startTimeNanos)
        return DistributedTracingSpan(span: span, startedIn: context)
    }
}

extension TelemetrySpanKind {
    init(_ kind: Tracing.SpanKind) {
        switch kind {
        case .server: self = .server
        case .client: self = .client
        case .producer: self = .producer
        case .consumer: self = .consumer
        case .internal: self = .internal
        }
    }
}

extension AttributeValue {
    /// Converts a swift-distributed-tracing attribute (32-bit integers widen; other values become text).
    init(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self = .int(Int(value))
        case .int64(let value): self = .int(Int(value))
        case .int32Array(let values): self = .intArray(values.map(Int.init))
        case .int64Array(let values): self = .intArray(values.map(Int.init))
        case .double(let value): self = .double(value)
        case .doubleArray(let values): self = .doubleArray(values)
        case .bool(let value): self = .bool(value)
        case .boolArray(let values): self = .boolArray(values)
        case .string(let value): self = .string(value)
        case .stringArray(let values): self = .stringArray(values)
        case .stringConvertibleArray(let values): self = .stringArray(values.map(\.description))
        default: self = .string("\(attribute)")
        }
    }

    /// The swift-distributed-tracing form of this value.
    var spanAttribute: SpanAttribute {
        switch self {
        case .string(let value): .string(value)
        case .int(let value): .int64(Int64(value))
        case .double(let value): .double(value)
        case .bool(let value): .bool(value)
        case .stringArray(let values): .stringArray(values)
        case .intArray(let values): .int64Array(values.map(Int64.init))
        case .doubleArray(let values): .doubleArray(values)
        case .boolArray(let values): .boolArray(values)
        }
    }
}
