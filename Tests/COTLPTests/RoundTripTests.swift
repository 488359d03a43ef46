import COTLP
import CProtobufC
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Proves the committed protobuf-c code packs and unpacks OTLP messages without loss.
@Suite("Generated protobuf-c OTLP code")
struct RoundTripTests {
    @Test("A span survives pack and unpack")
    func spanRoundTrip() throws {
        let traceID: [UInt8] = Array(1...16)
        let spanID: [UInt8] = Array(21...28)
        let arena = Arena()
        defer { arena.release() }

        let value = arena.make(Opentelemetry__Proto__Common__V1__AnyValue(), opentelemetry__proto__common__v1__any_value__init)
        value.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
        value.pointee.int_value = 1000
        let attribute = arena.make(Opentelemetry__Proto__Common__V1__KeyValue(), opentelemetry__proto__common__v1__key_value__init)
        attribute.pointee.key = arena.string("batch_size")
        attribute.pointee.value = value
        let status = arena.make(Opentelemetry__Proto__Trace__V1__Status(), opentelemetry__proto__trace__v1__status__init)
        status.pointee.code = OPENTELEMETRY__PROTO__TRACE__V1__STATUS__STATUS_CODE__STATUS_CODE_ERROR
        let span = arena.make(Opentelemetry__Proto__Trace__V1__Span(), opentelemetry__proto__trace__v1__span__init)
        span.pointee.trace_id = arena.bytes(traceID)
        span.pointee.span_id = arena.bytes(spanID)
        span.pointee.name = arena.string("process_batch")
        span.pointee.kind = OPENTELEMETRY__PROTO__TRACE__V1__SPAN__SPAN_KIND__SPAN_KIND_SERVER
        span.pointee.start_time_unix_nano = 1_700_000_000_000_000_000
        span.pointee.end_time_unix_nano = 1_700_000_000_500_000_000
        span.pointee.n_attributes = 1
        span.pointee.attributes = arena.list([attribute])
        span.pointee.status = status
        let bytes = pack(span)

        #expect(!bytes.isEmpty)
        let decoded = try #require(
            bytes.withUnsafeBufferPointer {
                opentelemetry__proto__trace__v1__span__unpack(nil, $0.count, $0.baseAddress)
            })
        defer { opentelemetry__proto__trace__v1__span__free_unpacked(decoded, nil) }
        let unpacked = decoded.pointee
        #expect(Array(UnsafeBufferPointer(start: unpacked.trace_id.data, count: unpacked.trace_id.len)) == traceID)
        #expect(Array(UnsafeBufferPointer(start: unpacked.span_id.data, count: unpacked.span_id.len)) == spanID)
        #expect(String(cString: unpacked.name) == "process_batch")
        #expect(unpacked.kind == OPENTELEMETRY__PROTO__TRACE__V1__SPAN__SPAN_KIND__SPAN_KIND_SERVER)
        #expect(unpacked.end_time_unix_nano - unpacked.start_time_unix_nano == 500_000_000)
        #expect(unpacked.n_attributes == 1)
        let unpackedAttribute = try #require(unpacked.attributes?[0]?.pointee)
        #expect(String(cString: unpackedAttribute.key) == "batch_size")
        #expect(unpackedAttribute.value.pointee.value_case == OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE)
        #expect(unpackedAttribute.value.pointee.int_value == 1000)
        #expect(unpacked.status.pointee.code == OPENTELEMETRY__PROTO__TRACE__V1__STATUS__STATUS_CODE__STATUS_CODE_ERROR)
    }

    @Test("A histogram metric with the proto3 optional min/max survives pack and unpack")
    func metricRoundTrip() throws {
        let arena = Arena()
        defer { arena.release() }
        let point = arena.make(
            Opentelemetry__Proto__Metrics__V1__HistogramDataPoint(),
            opentelemetry__proto__metrics__v1__histogram_data_point__init)
        point.pointee.count = 8
        point.pointee._sum_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM
        point.pointee.sum = 12.5
        point.pointee._min_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN
        point.pointee.min = 0.05
        point.pointee.n_explicit_bounds = 3
        point.pointee.explicit_bounds = arena.list([0.1, 1, 10])
        point.pointee.n_bucket_counts = 4
        point.pointee.bucket_counts = arena.list([2, 5, 1, 0] as [UInt64])
        let histogram = arena.make(
            Opentelemetry__Proto__Metrics__V1__Histogram(), opentelemetry__proto__metrics__v1__histogram__init)
        histogram.pointee.aggregation_temporality =
            OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE
        histogram.pointee.n_data_points = 1
        histogram.pointee.data_points = arena.list([point])
        let metric = arena.make(Opentelemetry__Proto__Metrics__V1__Metric(), opentelemetry__proto__metrics__v1__metric__init)
        metric.pointee.name = arena.string("request_duration_seconds")
        metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM
        metric.pointee.histogram = histogram
        let bytes = pack(metric)

        let decoded = try #require(
            bytes.withUnsafeBufferPointer {
                opentelemetry__proto__metrics__v1__metric__unpack(nil, $0.count, $0.baseAddress)
            })
        defer { opentelemetry__proto__metrics__v1__metric__free_unpacked(decoded, nil) }
        let unpackedMetric = decoded.pointee
        #expect(String(cString: unpackedMetric.name) == "request_duration_seconds")
        #expect(unpackedMetric.data_case == OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM)
        let unpackedPoint = try #require(unpackedMetric.histogram.pointee.data_points?[0]?.pointee)
        #expect(unpackedPoint.count == 8)
        #expect(unpackedPoint._sum_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM && unpackedPoint.sum == 12.5)
        #expect(unpackedPoint._min_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN && unpackedPoint.min == 0.05)
        #expect(unpackedPoint._max_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX__NOT_SET)
        #expect(Array(UnsafeBufferPointer(start: unpackedPoint.explicit_bounds, count: unpackedPoint.n_explicit_bounds)) == [0.1, 1, 10])
        #expect(Array(UnsafeBufferPointer(start: unpackedPoint.bucket_counts, count: unpackedPoint.n_bucket_counts)) == [2, 5, 1, 0])
    }
}

/// Owns the C memory a test message is built from, and frees it all at once.
private final class Arena {
    private var frees: [() -> Void] = []

    func make<Message>(_ message: Message, _ initialize: (UnsafeMutablePointer<Message>) -> Void) -> UnsafeMutablePointer<Message> {
        let pointer = UnsafeMutablePointer<Message>.allocate(capacity: 1)
        pointer.initialize(to: message)
        initialize(pointer)
        frees.append { pointer.deallocate() }
        return pointer
    }

    func list<Element>(_ elements: [Element]) -> UnsafeMutablePointer<Element> {
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: elements.count)
        pointer.initialize(from: elements, count: elements.count)
        frees.append { pointer.deallocate() }
        return pointer
    }

    func list<Element>(_ elements: [UnsafeMutablePointer<Element>]) -> UnsafeMutablePointer<UnsafeMutablePointer<Element>?> {
        list(elements.map { Optional($0) })
    }

    func string(_ text: String) -> UnsafeMutablePointer<CChar> {
        let pointer = strdup(text)!
        frees.append { free(pointer) }
        return pointer
    }

    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        ProtobufCBinaryData(len: bytes.count, data: list(bytes))
    }

    func release() {
        frees.forEach { $0() }
        frees.removeAll()
    }
}

/// Packs any protobuf-c message into bytes.
private func pack<Message>(_ message: UnsafeMutablePointer<Message>) -> [UInt8] {
    message.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { base in
        let size = protobuf_c_message_get_packed_size(base)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = protobuf_c_message_pack(base, buffer.baseAddress)
        }
    }
}
