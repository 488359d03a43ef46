internal import COTLP
internal import CProtobufC
import Telemetry

/// A decoded logs request: resource logs → scope logs → log records.
public struct LogsView: Sendable {
    /// The request decoded.
    public let payload: OTLPPayload
    /// The resource logs.
    public let resourceLogs: MessageList<ResourceLogsView>

    /// Decodes `payload` (a validated logs request).
    ///
    /// - Throws: `OTLPDecodeError.tooLarge` when protobuf-c cannot get the memory.
    public init(_ payload: OTLPPayload) throws(OTLPDecodeError) {
        precondition(payload.signal == .logs, "a \(payload.signal) payload is not a logs request")
        guard let owner = UnpackedMessage(payload) else { throw OTLPDecodeError(.tooLarge, "out of memory decoding the request") }
        self.payload = payload
        let request = owner.typed(Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest.self)
        resourceLogs = MessageList(owner, request.pointee.resource_logs, request.pointee.n_resource_logs) { owner, pointer in
            ResourceLogsView(
                resource: ResourceView(owner, pointer.pointee.resource),
                scopeLogs: MessageList(owner, pointer.pointee.scope_logs, pointer.pointee.n_scope_logs) { owner, scope in
                    ScopeLogsView(
                        scope: ScopeView(owner: owner, pointer: scope.pointee.scope),
                        logRecords: MessageList(owner, scope.pointee.log_records, scope.pointee.n_log_records) {
                            LogRecordView(owner: $0, pointer: $1)
                        })
                })
        }
    }
}

/// The log records of one resource.
public struct ResourceLogsView: Sendable {
    /// The resource.
    public let resource: ResourceView
    /// The records by instrumentation scope.
    public let scopeLogs: MessageList<ScopeLogsView>
}

/// The log records of one instrumentation scope.
public struct ScopeLogsView: Sendable {
    /// The scope.
    public let scope: ScopeView
    /// The records.
    public let logRecords: MessageList<LogRecordView>
}

/// One log record.
public struct LogRecordView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Logs__V1__LogRecord>

    /// When the event happened (0 when unknown), nanoseconds since the Unix epoch.
    public var timeUnixNano: UInt64 { pointer.pointee.time_unix_nano }
    /// When it was observed.
    public var observedTimeUnixNano: UInt64 { pointer.pointee.observed_time_unix_nano }
    /// The severity number (1…24; 0 unspecified).
    public var severityNumber: Int { Int(pointer.pointee.severity_number.rawValue) }
    /// The severity text.
    public var severityText: String { pointer.pointee.severity_text.map { String(cString: $0) } ?? "" }
    /// The body.
    public var body: AnyValueView { pointer.pointee.body.map { AnyValueView(owner, $0) } ?? .empty }
    /// The attributes.
    public var attributes: AttributeList {
        AttributeList(owner, attributes: pointer.pointee.attributes, count: pointer.pointee.n_attributes)
    }
    /// The trace id, when exactly 16 bytes.
    public var traceID: TraceID? {
        let id = pointer.pointee.trace_id
        guard id.len == 16, let data = id.data else { return nil }
        return TraceID(bytes: UnsafeBufferPointer(start: data, count: 16))
    }
    /// The span id, when exactly 8 bytes.
    public var spanID: SpanID? {
        let id = pointer.pointee.span_id
        guard id.len == 8, let data = id.data else { return nil }
        return SpanID(bytes: UnsafeBufferPointer(start: data, count: 8))
    }
    /// The W3C trace flags.
    public var flags: UInt32 { pointer.pointee.flags }
}
