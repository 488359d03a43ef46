internal import COTLP
internal import CProtobufC
import Telemetry

/// A decoded trace request: resource spans → scope spans → spans.
public struct TracesView: Sendable {
    /// The request decoded.
    public let payload: OTLPPayload
    /// The resource spans.
    public let resourceSpans: MessageList<ResourceSpansView>
    let owner: UnpackedMessage

    /// Decodes `payload` (a validated trace request).
    ///
    /// - Throws: `OTLPDecodeError.tooLarge` when protobuf-c cannot get the memory.
    public init(_ payload: OTLPPayload) throws(OTLPDecodeError) {
        precondition(payload.signal == .traces, "a \(payload.signal) payload is not a trace request")
        guard let owner = UnpackedMessage(payload) else { throw OTLPDecodeError(.tooLarge, "out of memory decoding the request") }
        self.payload = payload
        self.owner = owner
        let request = owner.typed(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
        resourceSpans = MessageList(owner, request.pointee.resource_spans, request.pointee.n_resource_spans) {
            ResourceSpansView(owner: $0, pointer: $1)
        }
    }
}

/// The spans of one resource.
public struct ResourceSpansView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ResourceSpans>

    /// The resource.
    public var resource: ResourceView { ResourceView(owner, pointer.pointee.resource) }
    /// The spans by instrumentation scope.
    public var scopeSpans: MessageList<ScopeSpansView> {
        MessageList(owner, pointer.pointee.scope_spans, pointer.pointee.n_scope_spans) { ScopeSpansView(owner: $0, pointer: $1) }
    }
}

/// The spans of one instrumentation scope.
public struct ScopeSpansView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ScopeSpans>

    /// The scope.
    public var scope: ScopeView { ScopeView(owner: owner, pointer: pointer.pointee.scope) }
    /// The spans.
    public var spans: MessageList<SpanView> {
        MessageList(owner, pointer.pointee.spans, pointer.pointee.n_spans) { SpanView(owner: $0, pointer: $1) }
    }
}

/// One span.
public struct SpanView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span>

    /// The trace id; `nil` unless exactly 16 bytes.
    public var traceID: TraceID? {
        let id = pointer.pointee.trace_id
        guard id.len == 16, let data = id.data else { return nil }
        let raw = UnsafeRawPointer(data)
        return TraceID(
            high: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
            low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// The span id; `nil` unless exactly 8 bytes.
    public var spanID: SpanID? { Self.spanID(pointer.pointee.span_id) }
    /// The parent span id; `nil` for a root span (empty) or a malformed one.
    public var parentSpanID: SpanID? { Self.spanID(pointer.pointee.parent_span_id) }
    /// Whether the parent span id field is empty (a root span).
    public var isRoot: Bool { pointer.pointee.parent_span_id.len == 0 }
    /// The W3C trace state ("" when absent).
    public var traceState: String { pointer.pointee.trace_state.map { String(cString: $0) } ?? "" }
    /// The span name.
    public var name: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }
    /// The span kind (OTLP numbering; 0 unspecified).
    public var kind: TelemetrySpanKind { TelemetrySpanKind(rawValue: Int(pointer.pointee.kind.rawValue)) ?? .internal }
    /// The span kind as sent (OTLP numbering: 0 unspecified, 1 internal … 5 consumer; other numbers kept).
    public var kindNumber: Int { Int(pointer.pointee.kind.rawValue) }
    /// The start time, nanoseconds since the Unix epoch.
    public var startTimeUnixNano: UInt64 { pointer.pointee.start_time_unix_nano }
    /// The end time, nanoseconds since the Unix epoch.
    public var endTimeUnixNano: UInt64 { pointer.pointee.end_time_unix_nano }
    /// The attributes.
    public var attributes: AttributeList {
        AttributeList(owner, attributes: pointer.pointee.attributes, count: pointer.pointee.n_attributes)
    }
    /// The status code: 0 unset, 1 ok, 2 error.
    public var statusCode: Int { Int(pointer.pointee.status?.pointee.code.rawValue ?? 0) }

    private static func spanID(_ id: ProtobufCBinaryData) -> SpanID? {
        guard id.len == 8, let data = id.data else { return nil }
        return SpanID(UInt64(bigEndian: UnsafeRawPointer(data).loadUnaligned(as: UInt64.self)))
    }
}
