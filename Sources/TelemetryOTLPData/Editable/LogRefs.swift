internal import COTLP
internal import CProtobufC

typealias ResourceLogsMessage = Opentelemetry__Proto__Logs__V1__ResourceLogs
typealias ScopeLogsMessage = Opentelemetry__Proto__Logs__V1__ScopeLogs
typealias LogRecordMessage = Opentelemetry__Proto__Logs__V1__LogRecord

/// A `ResourceLogs` of an editable request.
public struct ResourceLogsRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ResourceLogsMessage>

    /// The resource (present: the request fills in absent ones).
    public var resource: ResourceRef {
        ResourceRef(session: session, pointer: pointer.pointee.resource.unsafelyUnwrapped, schemaAddress: field(pointer, \.schema_url))
    }
    /// The scope groups.
    public var scopeLogs: EditableList<ScopeLogsRef> {
        EditableList(session, count: field(pointer, \.n_scope_logs), list: field(pointer, \.scope_logs)) { ScopeLogsRef(session: $0, pointer: $1) }
    }
}

/// A `ScopeLogs` of an editable request.
public struct ScopeLogsRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<ScopeLogsMessage>

    /// The scope (present: the request fills in absent ones).
    public var scope: ScopeRef {
        ScopeRef(session: session, pointer: pointer.pointee.scope.unsafelyUnwrapped, schemaAddress: field(pointer, \.schema_url))
    }
    /// The log records.
    public var logRecords: EditableList<LogRecordRef> {
        EditableList(session, count: field(pointer, \.n_log_records), list: field(pointer, \.log_records)) { LogRecordRef(session: $0, pointer: $1) }
    }
}

/// A log record of an editable request.
public struct LogRecordRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<LogRecordMessage>

    /// `time_unix_nano`.
    public var time: IntegerField<UInt64> { IntegerField(session: session, address: field(pointer, \.time_unix_nano)) }
    /// `observed_time_unix_nano`.
    public var observedTime: IntegerField<UInt64> { IntegerField(session: session, address: field(pointer, \.observed_time_unix_nano)) }
    /// `severity_number`.
    public var severityNumber: IntegerField<UInt32> {
        IntegerField(session: session, address: enumField(field(pointer, \.severity_number)))
    }
    /// `severity_text`.
    public var severityText: TextField { TextField(session: session, address: field(pointer, \.severity_text)) }
    /// `attributes`.
    public var attributes: AttributesRef { AttributesRef(session, count: field(pointer, \.n_attributes), list: field(pointer, \.attributes)) }
    /// `dropped_attributes_count`.
    public var droppedAttributesCount: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.dropped_attributes_count)) }
    /// `flags`.
    public var flags: IntegerField<UInt32> { IntegerField(session: session, address: field(pointer, \.flags)) }
    /// `trace_id` (16 bytes or empty).
    public var traceID: BinaryField { BinaryField(session: session, address: field(pointer, \.trace_id)) }
    /// `span_id` (8 bytes or empty).
    public var spanID: BinaryField { BinaryField(session: session, address: field(pointer, \.span_id)) }
    /// `event_name`.
    public var eventName: TextField { TextField(session: session, address: field(pointer, \.event_name)) }

    /// `body` (`.empty` when absent).
    public var body: OTLPValue { OTLPValue(reading: pointer.pointee.body) }

    /// Sets `body`.
    public func setBody(_ value: OTLPValue) throws(EditMemoryRefused) {
        if let body = pointer.pointee.body {
            try session.store(value, into: body)
        } else {
            try session.write(field(pointer, \.body), try session.newValue(value))
        }
    }

    /// The body as an editable map when it is one (with `create`, an absent or empty body becomes an
    /// empty map first); nil otherwise.
    public func bodyMap(create: Bool) throws(EditMemoryRefused) -> AttributesRef? {
        if pointer.pointee.body == nil {
            guard create else { return nil }
            try session.write(field(pointer, \.body), try session.newValue(.map([])))
        }
        guard let body = pointer.pointee.body else { return nil }
        return try AttributesRef(mapIn: body, session: session, create: create)
    }
}
