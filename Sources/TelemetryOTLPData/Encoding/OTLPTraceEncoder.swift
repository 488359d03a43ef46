internal import COTLP
import Telemetry

/// Encodes finished spans as an OTLP `ExportTraceServiceRequest` with protobuf-c.
public struct OTLPTraceEncoder: Sendable {
    /// The resource every span is reported under.
    public let resource: Resource
    /// The instrumentation scope every span is reported under.
    public let scope: InstrumentationScope

    /// Creates an encoder.
    public init(resource: Resource, scope: InstrumentationScope = .library) {
        self.resource = resource
        self.scope = scope
    }

    /// The serialised request for `spans`.
    public func encode(_ spans: [SpanData]) -> [UInt8] {
        let arena = ProtobufArena()
        let scopeSpans = arena.message(opentelemetry__proto__trace__v1__scope_spans__init)
        scopeSpans.pointee.scope = encodeScope(scope, arena)
        (scopeSpans.pointee.n_spans, scopeSpans.pointee.spans) = arena.pointers(spans, capacity: spans.count) {
            encodeSpan($0, arena)
        }
        let resourceSpans = arena.message(opentelemetry__proto__trace__v1__resource_spans__init)
        resourceSpans.pointee.resource = encodeResource(resource, arena)
        resourceSpans.pointee.n_scope_spans = 1
        resourceSpans.pointee.scope_spans = arena.pointers([scopeSpans])
        let request = arena.message(opentelemetry__proto__collector__trace__v1__export_trace_service_request__init)
        request.pointee.n_resource_spans = 1
        request.pointee.resource_spans = arena.pointers([resourceSpans])
        return packMessage(request)
    }

    private func encodeSpan(_ span: SpanData, _ arena: ProtobufArena) -> UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span> {
        let message = arena.message(opentelemetry__proto__trace__v1__span__init)
        message.pointee.trace_id = arena.bytes(span.context.traceID)
        message.pointee.span_id = arena.bytes(span.context.spanID)
        if !span.context.traceState.isEmpty { message.pointee.trace_state = arena.string(span.context.traceState) }
        if let parent = span.parent { message.pointee.parent_span_id = arena.bytes(parent.spanID) }
        message.pointee.flags = Self.flags(span.context.traceFlags, parent: span.parent)
        message.pointee.name = arena.string(span.name)
        message.pointee.kind = Opentelemetry__Proto__Trace__V1__Span__SpanKind(rawValue: UInt32(span.kind.rawValue))
        message.pointee.start_time_unix_nano = span.startTimeNanos
        message.pointee.end_time_unix_nano = span.endTimeNanos
        (message.pointee.n_attributes, message.pointee.attributes) = arena.keyValues(span.attributes)
        message.pointee.dropped_attributes_count = UInt32(clamping: span.droppedAttributesCount)
        let events = span.events.map { event in
            let encoded = arena.message(opentelemetry__proto__trace__v1__span__event__init)
            encoded.pointee.time_unix_nano = event.timeNanos
            encoded.pointee.name = arena.string(event.name)
            (encoded.pointee.n_attributes, encoded.pointee.attributes) = arena.keyValues(event.attributes)
            encoded.pointee.dropped_attributes_count = UInt32(clamping: event.droppedAttributesCount)
            return encoded
        }
        message.pointee.n_events = events.count
        message.pointee.events = arena.pointers(events)
        message.pointee.dropped_events_count = UInt32(clamping: span.droppedEventsCount)
        let links = span.links.map { link in
            let encoded = arena.message(opentelemetry__proto__trace__v1__span__link__init)
            encoded.pointee.trace_id = arena.bytes(link.context.traceID)
            encoded.pointee.span_id = arena.bytes(link.context.spanID)
            if !link.context.traceState.isEmpty { encoded.pointee.trace_state = arena.string(link.context.traceState) }
            (encoded.pointee.n_attributes, encoded.pointee.attributes) = arena.keyValues(link.attributes)
            encoded.pointee.dropped_attributes_count = UInt32(clamping: link.droppedAttributesCount)
            encoded.pointee.flags = Self.flags(link.context.traceFlags, parent: link.context)
            return encoded
        }
        message.pointee.n_links = links.count
        message.pointee.links = arena.pointers(links)
        message.pointee.dropped_links_count = UInt32(clamping: span.droppedLinksCount)
        let status = arena.message(opentelemetry__proto__trace__v1__status__init)
        status.pointee.code = Opentelemetry__Proto__Trace__V1__Status__StatusCode(rawValue: UInt32(span.status.code.rawValue))
        if let statusMessage = span.status.message { status.pointee.message = arena.string(statusMessage) }
        message.pointee.status = status
        return message
    }

    /// W3C flags in bits 0–7; bit 8 says whether bit 9 (the parent or linked span is remote) is known.
    static func flags(_ traceFlags: UInt8, parent: SpanContext?) -> UInt32 {
        var flags = UInt32(traceFlags)
        if let parent {
            flags |= 0x100
            if parent.isRemote { flags |= 0x200 }
        }
        return flags
    }
}

func encodeResource(_ resource: Resource, _ arena: ProtobufArena) -> UnsafeMutablePointer<Opentelemetry__Proto__Resource__V1__Resource> {
    let message = arena.message(opentelemetry__proto__resource__v1__resource__init)
    (message.pointee.n_attributes, message.pointee.attributes) = arena.keyValues(resource.attributes)
    return message
}

func encodeScope(
    _ scope: InstrumentationScope, _ arena: ProtobufArena
) -> UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__InstrumentationScope> {
    let message = arena.message(opentelemetry__proto__common__v1__instrumentation_scope__init)
    message.pointee.name = arena.string(scope.name)
    message.pointee.version = arena.string(scope.version)
    return message
}
