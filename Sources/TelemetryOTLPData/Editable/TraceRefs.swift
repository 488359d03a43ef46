internal import COTLP
internal import CProtobufC

typealias ResourceSpansMessage = Opentelemetry__Proto__Trace__V1__ResourceSpans
typealias ScopeSpansMessage = Opentelemetry__Proto__Trace__V1__ScopeSpans
typealias SpanMessage = Opentelemetry__Proto__Trace__V1__Span
typealias SpanEventMessage = Opentelemetry__Proto__Trace__V1__Span__Event
typealias SpanLinkMessage = Opentelemetry__Proto__Trace__V1__Span__Link
typealias StatusMessage = Opentelemetry__Proto__Trace__V1__Status

/// A `ResourceSpans` of an editable request.
public struct ResourceSpansRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ResourceSpansMessage>

    /// The resource (present: the request fills in absent ones).
    public var resource: ResourceRef {
        ResourceRef(session: session, pointer: pointer.pointee.resource.unsafelyUnwrapped, schemaAddress: field(pointer, \.schema_url))
    }
    /// The scope groups.
    public var scopeSpans: EditableList<ScopeSpansRef> {
        EditableList(session, count: field(pointer, \.n_scope_spans), list: field(pointer, \.scope_spans)) { ScopeSpansRef(session: $0, pointer: $1) }
    }
}

/// A `ScopeSpans` of an editable request.
public struct ScopeSpansRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ScopeSpansMessage>

    /// The scope (present: the request fills in absent ones).
    public var scope: ScopeRef {
        ScopeRef(session: session, pointer: pointer.pointee.scope.unsafelyUnwrapped, schemaAddress: field(pointer, \.schema_url))
    }
    /// The spans.
    public var spans: EditableList<SpanRef> {
        EditableList(session, count: field(pointer, \.n_spans), list: field(pointer, \.spans)) { SpanRef(session: $0, pointer: $1) }
    }
}

/// A span of an editable request.
public struct SpanRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<SpanMessage>

    /// `trace_id` (16 bytes).
    public var traceID: BinaryField { BinaryField(session: session, address: field(pointer, \.trace_id)) }
    /// `span_id` (8 bytes).
    public var spanID: BinaryField { BinaryField(session: session, address: field(pointer, \.span_id)) }
    /// `parent_span_id` (8 bytes, or empty for a root).
    public var parentSpanID: BinaryField { BinaryField(session: session, address: field(pointer, \.parent_span_id)) }
    /// `trace_state` (W3C).
    public var traceState: TextField { TextField(session: session, address: field(pointer, \.trace_state)) }
    /// `flags`.
    public var flags: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.flags)) }
    /// `name`.
    public var name: TextField { TextField(session: session, address: field(pointer, \.name)) }
    /// `kind` (0…5).
    public var kind: IntegerField<UInt32> { IntegerField(session: session, address: enumField(field(pointer, \.kind))) }
    /// `start_time_unix_nano`.
    public var startTime: IntegerField<UInt64> { IntegerField(session: session, address: field(pointer, \.start_time_unix_nano)) }
    /// `end_time_unix_nano`.
    public var endTime: IntegerField<UInt64> { IntegerField(session: session, address: field(pointer, \.end_time_unix_nano)) }
    /// `attributes`.
    public var attributes: AttributesRef { AttributesRef(session, count: field(pointer, \.n_attributes), list: field(pointer, \.attributes)) }
    /// `dropped_attributes_count`.
    public var droppedAttributesCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_attributes_count)) }
    /// `events`.
    public var events: EditableList<SpanEventRef> {
        EditableList(session, count: field(pointer, \.n_events), list: field(pointer, \.events)) { SpanEventRef(session: $0, pointer: $1) }
    }
    /// `dropped_events_count`.
    public var droppedEventsCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_events_count)) }
    /// `links`.
    public var links: EditableList<SpanLinkRef> {
        EditableList(session, count: field(pointer, \.n_links), list: field(pointer, \.links)) { SpanLinkRef(session: $0, pointer: $1) }
    }
    /// `dropped_links_count`.
    public var droppedLinksCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_links_count)) }

    /// `status.code` (0 unset, 1 ok, 2 error; 0 when the span has no status).
    public var statusCode: Int64 { Int64(pointer.pointee.status?.pointee.code.rawValue ?? 0) }
    /// `status.message` ("" when the span has no status).
    public var statusMessage: String { pointer.pointee.status?.pointee.message.map { String(cString: $0) } ?? "" }

    /// Sets `status.code` (truncated to 32 bits).
    public func setStatusCode(_ code: Int64) throws(EditMemoryRefused) {
        let status = try self.status()
        session.writeScalar(field(status, \.code), Opentelemetry__Proto__Trace__V1__Status__StatusCode(rawValue: UInt32(truncatingIfNeeded: code)))
    }

    /// Sets `status.message`.
    public func setStatusMessage(_ message: String) throws(EditMemoryRefused) {
        let status = try self.status()
        try session.write(field(status, \.message), try session.string(message))
    }

    private func status() throws(EditMemoryRefused) -> UnsafeMutablePointer<StatusMessage> {
        if let status = pointer.pointee.status { return status }
        let made = try session.allocate(StatusMessage.self)
        opentelemetry__proto__trace__v1__status__init(made)
        try session.write(field(pointer, \.status), made)
        return made
    }
}

/// A span event of an editable request.
public struct SpanEventRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<SpanEventMessage>

    /// `time_unix_nano`.
    public var time: IntegerField<UInt64> { IntegerField(session: session, address: field(pointer, \.time_unix_nano)) }
    /// `name`.
    public var name: TextField { TextField(session: session, address: field(pointer, \.name)) }
    /// `attributes`.
    public var attributes: AttributesRef { AttributesRef(session, count: field(pointer, \.n_attributes), list: field(pointer, \.attributes)) }
    /// `dropped_attributes_count`.
    public var droppedAttributesCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_attributes_count)) }
}

/// A span link of an editable request.
public struct SpanLinkRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<SpanLinkMessage>

    /// `trace_id`.
    public var traceID: BinaryField { BinaryField(session: session, address: field(pointer, \.trace_id)) }
    /// `span_id`.
    public var spanID: BinaryField { BinaryField(session: session, address: field(pointer, \.span_id)) }
    /// `trace_state`.
    public var traceState: TextField { TextField(session: session, address: field(pointer, \.trace_state)) }
    /// `attributes`.
    public var attributes: AttributesRef { AttributesRef(session, count: field(pointer, \.n_attributes), list: field(pointer, \.attributes)) }
    /// `dropped_attributes_count`.
    public var droppedAttributesCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_attributes_count)) }
    /// `flags`.
    public var flags: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.flags)) }
}
