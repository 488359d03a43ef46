internal import COTLP
import Telemetry

/// Encodes log records as an OTLP `ExportLogsServiceRequest` with protobuf-c: one `ScopeLogs` per
/// scope (the logger's label), in the order scopes first appear.
public struct OTLPLogsEncoder: Sendable {
    /// The resource every record is reported under.
    public let resource: Resource

    /// Creates an encoder.
    public init(resource: Resource) {
        self.resource = resource
    }

    /// The serialised request for `records`.
    public func encode(_ records: [LogRecordData]) -> [UInt8] {
        let arena = ProtobufArena()
        var order: [String] = []
        var byScope: [String: [LogRecordData]] = [:]
        for record in records {
            if byScope[record.scope] == nil { order.append(record.scope) }
            byScope[record.scope, default: []].append(record)
        }
        let scopes = order.map { name in
            let scopeLogs = arena.message(opentelemetry__proto__logs__v1__scope_logs__init)
            let scope = arena.message(opentelemetry__proto__common__v1__instrumentation_scope__init)
            scope.pointee.name = arena.string(name)
            scopeLogs.pointee.scope = scope
            let scoped = byScope[name] ?? []
            (scopeLogs.pointee.n_log_records, scopeLogs.pointee.log_records) = arena.pointers(scoped, capacity: scoped.count) {
                encodeRecord($0, arena)
            }
            return scopeLogs
        }
        let resourceLogs = arena.message(opentelemetry__proto__logs__v1__resource_logs__init)
        resourceLogs.pointee.resource = encodeResource(resource, arena)
        resourceLogs.pointee.n_scope_logs = scopes.count
        resourceLogs.pointee.scope_logs = arena.pointers(scopes)
        let request = arena.message(opentelemetry__proto__collector__logs__v1__export_logs_service_request__init)
        request.pointee.n_resource_logs = 1
        request.pointee.resource_logs = arena.pointers([resourceLogs])
        return packMessage(request)
    }

    private func encodeRecord(_ record: LogRecordData, _ arena: ProtobufArena) -> UnsafeMutablePointer<Opentelemetry__Proto__Logs__V1__LogRecord> {
        let message = arena.message(opentelemetry__proto__logs__v1__log_record__init)
        message.pointee.time_unix_nano = record.timeNanos
        message.pointee.observed_time_unix_nano = record.observedTimeNanos
        message.pointee.severity_number = Opentelemetry__Proto__Logs__V1__SeverityNumber(rawValue: UInt32(record.severity.number))
        message.pointee.severity_text = arena.string(record.severity.text)
        message.pointee.body = arena.anyValue(record.body)
        (message.pointee.n_attributes, message.pointee.attributes) = arena.keyValues(record.attributes)
        if let traceID = record.traceID, let spanID = record.spanID {
            message.pointee.trace_id = arena.bytes(traceID)
            message.pointee.span_id = arena.bytes(spanID)
            message.pointee.flags = UInt32(record.traceFlags)
        }
        return message
    }
}
