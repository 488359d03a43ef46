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
    /// or absent `partial_success`, or bytes that are not a response).
    ///
    /// An upstream's answer is outside bytes: it is read in one pass over the wire format, allocating
    /// only the message text (at most `maxMessageBytes`), whatever the answer holds — unknown fields are
    /// skipped, not kept (protobuf-c kept ~45 bytes of memory per byte of a 4 MiB answer of unknown fields).
    /// Repeated occurrences merge as protobuf says: the last count and the last message win.
    public static func decode(_ body: [UInt8], signal _: OTLPSignal) -> OTLPPartialSuccess? {
        guard !body.isEmpty else { return nil }
        return body.withUnsafeBytes { bytes -> OTLPPartialSuccess? in
            var reader = ProtobufReader(bytes)
            var count: UInt64 = 0
            var text: Range<Int>?
            while !reader.atEnd {
                guard let (field, wireType) = reader.tag() else { return nil }
                guard field == 1, wireType == 2 else {
                    guard reader.skip(wireType) else { return nil }
                    continue
                }
                guard var inner = reader.embedded() else { return nil }
                while !inner.atEnd {
                    guard let (innerField, innerType) = inner.tag() else { return nil }
                    switch (innerField, innerType) {
                    case (1, 0):
                        guard let value = inner.varint() else { return nil }
                        count = value
                    case (2, 2):
                        guard let range = inner.lengthDelimited() else { return nil }
                        text = range
                    default:
                        guard inner.skip(innerType) else { return nil }
                    }
                }
            }
            let message = text.map { range in
                let kept = range.prefix(maxMessageBytes)
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[kept]), as: UTF8.self)
            } ?? ""
            // rejected_* is int64 on the wire: a negative count is two's complement.
            let rejected = Int64(bitPattern: count)
            guard rejected > 0 || !message.isEmpty else { return nil }
            return OTLPPartialSuccess(rejected: Int(clamping: max(0, rejected)), message: message.isEmpty ? "no reason given" : message)
        }
    }

    /// The longest error message kept from an upstream's answer (the rest is cut).
    public static let maxMessageBytes = 4096
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
