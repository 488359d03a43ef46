internal import COTLP

/// What an OTLP collector refused while accepting a request: the `partial_success` of an
/// `Export…ServiceResponse`.
public struct OTLPPartialSuccess: Sendable, Equatable {
    /// Spans, data points or log records refused.
    public let rejected: Int
    /// The collector's explanation ("no reason given" when it sent none).
    public let message: String

    /// Creates a partial success.
    public init(rejected: Int, message: String) {
        self.rejected = rejected
        self.message = message
    }

    /// The partial success in a serialised response of `signal`, or `nil` when there is none (an empty
    /// or absent `partial_success`, or bytes that are not a response). Response bodies are bounded by
    /// the HTTP client and hold no repeated or nested messages, so decoding them cannot amplify.
    public static func decode(_ body: [UInt8], signal: OTLPSignal) -> OTLPPartialSuccess? {
        guard !body.isEmpty else { return nil }
        return body.withUnsafeBufferPointer { bytes -> OTLPPartialSuccess? in
            switch signal {
            case .traces:
                guard let decoded = opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                    nil, bytes.count, bytes.baseAddress)
                else { return nil }
                defer { opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(decoded, nil) }
                guard let partial = decoded.pointee.partial_success?.pointee else { return nil }
                return make(partial.rejected_spans, partial.error_message)
            case .metrics:
                guard let decoded = opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__unpack(
                    nil, bytes.count, bytes.baseAddress)
                else { return nil }
                defer {
                    opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__free_unpacked(decoded, nil)
                }
                guard let partial = decoded.pointee.partial_success?.pointee else { return nil }
                return make(partial.rejected_data_points, partial.error_message)
            case .logs:
                guard let decoded = opentelemetry__proto__collector__logs__v1__export_logs_service_response__unpack(
                    nil, bytes.count, bytes.baseAddress)
                else { return nil }
                defer { opentelemetry__proto__collector__logs__v1__export_logs_service_response__free_unpacked(decoded, nil) }
                guard let partial = decoded.pointee.partial_success?.pointee else { return nil }
                return make(partial.rejected_log_records, partial.error_message)
            }
        }
    }

    private static func make(_ count: Int64, _ message: UnsafeMutablePointer<CChar>?) -> OTLPPartialSuccess? {
        let text = message.map { String(cString: $0) } ?? ""
        guard count > 0 || !text.isEmpty else { return nil }
        return OTLPPartialSuccess(rejected: Int(clamping: max(0, count)), message: text.isEmpty ? "no reason given" : text)
    }
}

extension OTLPPartialSuccess {
    /// The `Export…ServiceResponse` carrying this partial success, as protobuf or OTLP/JSON.
    public func encodedResponse(signal: OTLPSignal, json: Bool) -> [UInt8] {
        let countField =
            switch signal {
            case .traces: "rejectedSpans"
            case .metrics: "rejectedDataPoints"
            case .logs: "rejectedLogRecords"
            }
        if json {
            let escaped = JSONText.escaped(message)
            return Array(#"{"partialSuccess":{"\#(countField)":"\#(rejected)","errorMessage":"\#(escaped)"}}"#.utf8)
        }
        // partial_success (field 1): rejected count (field 1, varint), error_message (field 2, string).
        let text = Array(message.utf8)
        let inner = [0x08] + ProtobufWire.varint(UInt64(rejected)) + [0x12] + ProtobufWire.varint(UInt64(text.count)) + text
        return [0x0A] + ProtobufWire.varint(UInt64(inner.count)) + inner
    }
}

/// Small pieces of the protobuf wire format for hand-built messages.
public enum ProtobufWire {
    /// `value` as a base-128 varint.
    public static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }
}

/// JSON string escaping for hand-built JSON answers.
public enum JSONText {
    /// `text` with quotes, backslashes and control characters escaped.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
