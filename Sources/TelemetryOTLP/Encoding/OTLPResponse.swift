import COTLP
import TelemetryHTTP

/// Reads OTLP/HTTP responses: partial successes and error explanations.
enum OTLPResponse {
    /// Items the collector refused while accepting the request.
    struct Rejection: Equatable {
        let count: Int
        let message: String
    }

    static func traceRejections(_ response: HTTPResponse) -> Rejection? {
        guard isProtobuf(response), !response.body.isEmpty else { return nil }
        return response.body.withUnsafeBufferPointer { bytes -> Rejection? in
            guard let decoded = opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                nil, bytes.count, bytes.baseAddress)
            else { return nil }
            defer { opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(decoded, nil) }
            guard let partial = decoded.pointee.partial_success?.pointee else { return nil }
            return rejection(count: partial.rejected_spans, message: partial.error_message)
        }
    }

    static func metricRejections(_ response: HTTPResponse) -> Rejection? {
        guard isProtobuf(response), !response.body.isEmpty else { return nil }
        return response.body.withUnsafeBufferPointer { bytes -> Rejection? in
            guard let decoded = opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__unpack(
                nil, bytes.count, bytes.baseAddress)
            else { return nil }
            defer {
                opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__free_unpacked(decoded, nil)
            }
            guard let partial = decoded.pointee.partial_success?.pointee else { return nil }
            return rejection(count: partial.rejected_data_points, message: partial.error_message)
        }
    }

    static func logRejections(_ response: HTTPResponse) -> Rejection? {
        guard isProtobuf(response), !response.body.isEmpty else { return nil }
        return response.body.withUnsafeBufferPointer { bytes -> Rejection? in
            guard let decoded = opentelemetry__proto__collector__logs__v1__export_logs_service_response__unpack(
                nil, bytes.count, bytes.baseAddress)
            else { return nil }
            defer { opentelemetry__proto__collector__logs__v1__export_logs_service_response__free_unpacked(decoded, nil) }
            guard let partial = decoded.pointee.partial_success?.pointee else { return nil }
            return rejection(count: partial.rejected_log_records, message: partial.error_message)
        }
    }

    /// A short, printable explanation from an error response body.
    static func errorDetail(_ response: HTTPResponse) -> String {
        let text = String(decoding: response.body.prefix(300), as: UTF8.self)
            .filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0.isPunctuation || $0.isSymbol || $0 == " ") }
        return text.isEmpty ? "no details" : text
    }

    private static func rejection(count: Int64, message: UnsafeMutablePointer<CChar>?) -> Rejection? {
        let text = message.map { String(cString: $0) } ?? ""
        guard count > 0 || !text.isEmpty else { return nil }
        return Rejection(count: Int(count), message: text.isEmpty ? "no reason given" : text)
    }

    private static func isProtobuf(_ response: HTTPResponse) -> Bool {
        let type = response.header("Content-Type") ?? "application/x-protobuf"
        return type.hasPrefix("application/x-protobuf") || type.hasPrefix("application/protobuf")
    }
}
