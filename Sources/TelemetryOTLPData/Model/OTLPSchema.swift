internal import COTLP
internal import CProtobufC

/// The protobuf-c descriptors of each signal's request, and the message types counted as its items.
enum OTLPSchema {
    /// The `Export…ServiceRequest` descriptor of `signal`.
    static func request(_ signal: OTLPSignal) -> UnsafePointer<ProtobufCMessageDescriptor> {
        switch signal {
        case .traces: traceRequest
        case .metrics: metricsRequest
        case .logs: logsRequest
        }
    }

    /// Every message type a request of type `root` can hold, `root` included.
    static func messageTypes(from root: UnsafePointer<ProtobufCMessageDescriptor>) -> [UnsafePointer<ProtobufCMessageDescriptor>] {
        var found = [root]
        var next = 0
        while next < found.count {
            let message = found[next]
            next += 1
            for index in 0..<Int(message.pointee.n_fields) where message.pointee.fields[index].type == PROTOBUF_C_TYPE_MESSAGE {
                guard let child = message.pointee.fields[index].descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self),
                    !found.contains(child)
                else { continue }
                found.append(child)
            }
        }
        return found
    }

    /// The message types whose occurrences are the signal's items (spans, data points, log records).
    static func items(_ signal: OTLPSignal) -> [UnsafeRawPointer] {
        switch signal {
        case .traces: spanItems
        case .metrics: pointItems
        case .logs: logItems
        }
    }

    /// The id fields of `signal`'s items that must have exact lengths.
    static func lengthRules(_ signal: OTLPSignal) -> [WireScanner.LengthRule] {
        switch signal {
        case .traces: traceRules
        case .metrics: []
        case .logs: logRules
        }
    }

    private static let traceRules: [WireScanner.LengthRule] = {
        let span = descriptor(at: ["resource_spans", "scope_spans", "spans"], from: traceRequest)
        let link = descriptor(at: ["resource_spans", "scope_spans", "spans", "links"], from: traceRequest)
        return [
            rule(span, "trace_id", [16], required: true, name: "a span's trace_id"),
            rule(span, "span_id", [8], required: true, name: "a span's span_id"),
            rule(span, "parent_span_id", [0, 8], required: false, name: "a span's parent_span_id"),
            rule(link, "trace_id", [16], required: true, name: "a link's trace_id"),
            rule(link, "span_id", [8], required: true, name: "a link's span_id"),
        ]
    }()

    private static let logRules: [WireScanner.LengthRule] = {
        let record = descriptor(at: ["resource_logs", "scope_logs", "log_records"], from: logsRequest)
        return [
            rule(record, "trace_id", [0, 16], required: false, name: "a log record's trace_id"),
            rule(record, "span_id", [0, 8], required: false, name: "a log record's span_id"),
        ]
    }()

    private static func rule(
        _ message: UnsafeRawPointer, _ field: String, _ lengths: [Int], required: Bool, name: String
    ) -> WireScanner.LengthRule {
        let descriptor = message.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        guard let found = protobuf_c_message_descriptor_get_field_by_name(descriptor, field) else {
            preconditionFailure("the generated OTLP schema has no field \(field)")
        }
        return WireScanner.LengthRule(message: message, field: found.pointee.id, lengths: lengths, required: required, name: name)
    }

    // Swift sees the generated root descriptors as values: each is copied once to a stable address
    // (the descriptors they point to are the generated globals themselves).
    nonisolated(unsafe) private static let traceRequest = stable(opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor)
    nonisolated(unsafe) private static let metricsRequest = stable(
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__descriptor)
    nonisolated(unsafe) private static let logsRequest = stable(opentelemetry__proto__collector__logs__v1__export_logs_service_request__descriptor)

    private static func stable(_ descriptor: ProtobufCMessageDescriptor) -> UnsafePointer<ProtobufCMessageDescriptor> {
        let pointer = UnsafeMutablePointer<ProtobufCMessageDescriptor>.allocate(capacity: 1)
        pointer.initialize(to: descriptor)
        return UnsafePointer(pointer)
    }

    nonisolated(unsafe) private static let spanItems = [descriptor(at: ["resource_spans", "scope_spans", "spans"], from: traceRequest)]
    nonisolated(unsafe) private static let logItems = [descriptor(at: ["resource_logs", "scope_logs", "log_records"], from: logsRequest)]
    nonisolated(unsafe) private static let pointItems: [UnsafeRawPointer] = {
        let metric = ["resource_metrics", "scope_metrics", "metrics"]
        return [
            metric + ["sum", "data_points"], metric + ["gauge", "data_points"], metric + ["histogram", "data_points"],
            metric + ["exponential_histogram", "data_points"], metric + ["summary", "data_points"],
        ].map { descriptor(at: $0, from: metricsRequest) }
    }()

    /// The message type reached by following the named fields from `root` (the real descriptor
    /// addresses, as the scanner compares them).
    private static func descriptor(at path: [String], from root: UnsafePointer<ProtobufCMessageDescriptor>) -> UnsafeRawPointer {
        var current = root
        for name in path {
            guard let field = protobuf_c_message_descriptor_get_field_by_name(current, name),
                let next = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
            else { preconditionFailure("the generated OTLP schema has no field \(name)") }
            current = next
        }
        return UnsafeRawPointer(current)
    }
}
