internal import COTLP
internal import CProtobufC
import Telemetry

/// An exemplar of a data point: a measurement and the span it came from.
public struct ExemplarView: Sendable, Hashable {
    /// The trace id; `nil` unless exactly 16 bytes.
    public let traceID: TraceID?
    /// The span id; `nil` unless exactly 8 bytes.
    public let spanID: SpanID?
    /// The value (an integer is converted), `nil` when the oneof is not set.
    public let value: Double?
    /// When it was measured, nanoseconds since the Unix epoch.
    public let timeUnixNano: UInt64

    init(_ exemplar: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Exemplar>) {
        let raw = exemplar.pointee
        let trace = [UInt8](binary: raw.trace_id)
        let span = [UInt8](binary: raw.span_id)
        traceID = trace.count == 16 ? TraceID(high: Self.integer(trace[0..<8]), low: Self.integer(trace[8..<16])) : nil
        spanID = span.count == 8 ? SpanID(Self.integer(span[0..<8])) : nil
        switch raw.value_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE: value = raw.as_double
        case OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT: value = Double(raw.as_int)
        default: value = nil
        }
        timeUnixNano = raw.time_unix_nano
    }

    /// The exemplars of a point (`count` pointers at `list`).
    static func list(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Exemplar>?>?, _ count: Int
    ) -> [ExemplarView] {
        guard let list else { return [] }
        return (0..<count).compactMap { list[$0].map(ExemplarView.init) }
    }

    private static func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
