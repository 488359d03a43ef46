/// `grpc-status-details-bin`: a `google.rpc.Status` whose details may carry a `google.rpc.RetryInfo`.
/// Encoded and read by hand (three small messages), so neither side needs a protobuf runtime.
public enum GRPCStatusDetails {
    /// The longest retry delay ever returned (100 years); longer values are clamped to it.
    public static let maxRetryDelay: Duration = .seconds(100 * 365 * 86_400)

    /// `code`, `message`, and RetryInfo `retry_delay` = `retryAfter`.
    public static func encode(code: Int, message: String, retryAfter: Duration) -> [UInt8] {
        let (seconds, attoseconds) = retryAfter.components
        let duration = field(1, varint: UInt64(max(0, seconds))) + field(2, varint: UInt64(max(0, attoseconds / 1_000_000_000)))
        let retryInfo = field(1, bytes: duration)
        let any = field(1, bytes: Array(retryInfoType.utf8)) + field(2, bytes: retryInfo)
        return field(1, varint: UInt64(max(0, code))) + field(2, bytes: Array(message.utf8)) + field(3, bytes: any)
    }

    /// The RetryInfo delay in a serialised `google.rpc.Status`, or `nil` when it has none or the bytes are
    /// not one. Negative delays read as zero, longer ones than `maxRetryDelay` as `maxRetryDelay`; the
    /// reader never recurses and looks only at the three known levels.
    public static func retryDelay(in status: [UInt8]) -> Duration? {
        var delay: Duration?
        let parsed = fields(status[...]) { number, value in
            guard number == 3, case .bytes(let any) = value else { return true }
            var typeURL: ArraySlice<UInt8>?
            var payload: ArraySlice<UInt8>?
            guard fields(any, { number, value in
                if case .bytes(let bytes) = value {
                    if number == 1 { typeURL = bytes } else if number == 2 { payload = bytes }
                }
                return true
            }) else { return false }
            guard let typeURL, typeURL.elementsEqual(retryInfoType.utf8) || typeURL.elementsEqual(retryInfoTypeShort.utf8) else {
                return true
            }
            delay = self.delay(inRetryInfo: payload ?? [])
            return true
        }
        return parsed ? delay : nil
    }

    private static let retryInfoType = "type.googleapis.com/google.rpc.RetryInfo"
    private static let retryInfoTypeShort = "google.rpc.RetryInfo"

    /// `RetryInfo.retry_delay` (a `google.protobuf.Duration`), clamped; zero when absent.
    private static func delay(inRetryInfo bytes: ArraySlice<UInt8>) -> Duration? {
        var duration: ArraySlice<UInt8> = []
        guard fields(bytes, { number, value in
            if number == 1, case .bytes(let inner) = value { duration = inner }
            return true
        }) else { return nil }
        var seconds: Int64 = 0
        var nanos: Int64 = 0
        guard fields(duration, { number, value in
            // int64 and int32 fields: the varint's 64 bits are the two's complement value.
            if case .varint(let raw) = value {
                if number == 1 { seconds = Int64(bitPattern: raw) } else if number == 2 { nanos = Int64(Int32(truncatingIfNeeded: raw)) }
            }
            return true
        }) else { return nil }
        let maxSeconds = maxRetryDelay.components.seconds
        guard seconds >= 0, nanos >= 0 || seconds > 0 else { return .zero }
        guard seconds < maxSeconds else { return maxRetryDelay }
        return .seconds(seconds) + .nanoseconds(min(max(nanos, 0), 999_999_999))
    }

    private enum FieldValue {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case other
    }

    /// Calls `visit` for each field of one message level; false when the bytes are malformed or `visit`
    /// said stop.
    private static func fields(_ bytes: ArraySlice<UInt8>, _ visit: (UInt64, FieldValue) -> Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard let key = varint(bytes, &index) else { return false }
            let value: FieldValue
            switch key & 7 {
            case 0:
                guard let number = varint(bytes, &index) else { return false }
                value = .varint(number)
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                guard bytes.endIndex - index >= width else { return false }
                index += width
                value = .other
            case 2:
                guard let length = varint(bytes, &index), length <= UInt64(bytes.endIndex - index) else { return false }
                value = .bytes(bytes[index..<index + Int(length)])
                index += Int(length)
            default:
                return false
            }
            guard visit(key >> 3, value) else { return false }
        }
        return true
    }

    private static func varint(_ bytes: ArraySlice<UInt8>, _ index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    private static func field(_ number: UInt64, varint value: UInt64) -> [UInt8] {
        ProtobufWire.varint(number << 3) + ProtobufWire.varint(value)
    }

    private static func field(_ number: UInt64, bytes: [UInt8]) -> [UInt8] {
        ProtobufWire.varint(number << 3 | 2) + ProtobufWire.varint(UInt64(bytes.count)) + bytes
    }
}
