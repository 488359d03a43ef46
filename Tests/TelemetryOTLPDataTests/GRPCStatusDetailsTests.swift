import TelemetryOTLPData
import Testing

/// `grpc-status-details-bin`: our encoding read back, and hostile values clamped (the bytes come from
/// any upstream).
@Suite("gRPC status details")
struct GRPCStatusDetailsTests {
    /// A `google.rpc.Status` with one `Any` of `typeURL` holding a RetryInfo of `seconds` and `nanos`.
    private func status(seconds: Int64, nanos: Int32, typeURL: String = "type.googleapis.com/google.rpc.RetryInfo") -> [UInt8] {
        func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
            ProtobufWire.varint(number << 3 | 2) + ProtobufWire.varint(UInt64(bytes.count)) + bytes
        }
        let duration = ProtobufWire.varint(1 << 3) + ProtobufWire.varint(UInt64(bitPattern: seconds))
            + ProtobufWire.varint(2 << 3) + ProtobufWire.varint(UInt64(bitPattern: Int64(nanos)))
        let any = field(1, Array(typeURL.utf8)) + field(2, field(1, duration))
        return ProtobufWire.varint(1 << 3) + ProtobufWire.varint(14) + field(2, Array("busy".utf8)) + field(3, any)
    }

    @Test("Our UNAVAILABLE details read back with their delay")
    func roundTrip() {
        let bytes = GRPCStatusDetails.encode(code: 14, message: "at the memory limit", retryAfter: .milliseconds(1500))
        #expect(GRPCStatusDetails.retryDelay(in: bytes) == .milliseconds(1500))
    }

    @Test("Delays are clamped: negative to zero, beyond 100 years to 100 years; other detail types and junk give none")
    func hostileValues() {
        #expect(GRPCStatusDetails.retryDelay(in: status(seconds: 2, nanos: 250_000_000)) == .milliseconds(2250))
        #expect(GRPCStatusDetails.retryDelay(in: status(seconds: -30, nanos: 0)) == .zero)
        #expect(GRPCStatusDetails.retryDelay(in: status(seconds: 0, nanos: -5)) == .zero)
        #expect(GRPCStatusDetails.retryDelay(in: status(seconds: .max, nanos: 999_999_999)) == GRPCStatusDetails.maxRetryDelay)
        #expect(GRPCStatusDetails.retryDelay(in: status(seconds: 1, nanos: .max)) == .seconds(1) + .nanoseconds(999_999_999))
        #expect(GRPCStatusDetails.retryDelay(in: status(seconds: 5, nanos: 0, typeURL: "type.googleapis.com/google.rpc.DebugInfo")) == nil)
        #expect(GRPCStatusDetails.retryDelay(in: []) == nil)
        #expect(GRPCStatusDetails.retryDelay(in: [0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == nil, "a length beyond the bytes")
        #expect(GRPCStatusDetails.retryDelay(in: Array(repeating: 0xFF, count: 20)) == nil, "a varint that never ends")
        let truncated = Array(status(seconds: 3, nanos: 0).dropLast())
        #expect(GRPCStatusDetails.retryDelay(in: truncated) == nil)
    }
}
