internal import COTLP
internal import CProtobufC

/// A data point of an editable request: a number, histogram, exponential histogram or summary point.
public struct DataPointRef {
    /// The point's message type.
    public enum Kind: Sendable {
        case number, histogram, exponentialHistogram, summary
    }

    let session: EditSession
    /// The kind of point.
    public let kind: Kind
    let pointer: UnsafeMutableRawPointer

    private var number: UnsafeMutablePointer<NumberPointMessage> { pointer.assumingMemoryBound(to: NumberPointMessage.self) }
    private var histogram: UnsafeMutablePointer<HistogramPointMessage> { pointer.assumingMemoryBound(to: HistogramPointMessage.self) }
    private var exponential: UnsafeMutablePointer<ExponentialPointMessage> { pointer.assumingMemoryBound(to: ExponentialPointMessage.self) }
    private var summary: UnsafeMutablePointer<SummaryPointMessage> { pointer.assumingMemoryBound(to: SummaryPointMessage.self) }

    /// `attributes`.
    public var attributes: AttributesRef {
        switch kind {
        case .number: AttributesRef(session, count: field(number, \.n_attributes), list: field(number, \.attributes))
        case .histogram: AttributesRef(session, count: field(histogram, \.n_attributes), list: field(histogram, \.attributes))
        case .exponentialHistogram: AttributesRef(session, count: field(exponential, \.n_attributes), list: field(exponential, \.attributes))
        case .summary: AttributesRef(session, count: field(summary, \.n_attributes), list: field(summary, \.attributes))
        }
    }

    /// `start_time_unix_nano`.
    public var startTime: IntegerField<UInt64> {
        switch kind {
        case .number: IntegerField(session: session, address: field(number, \.start_time_unix_nano))
        case .histogram: IntegerField(session: session, address: field(histogram, \.start_time_unix_nano))
        case .exponentialHistogram: IntegerField(session: session, address: field(exponential, \.start_time_unix_nano))
        case .summary: IntegerField(session: session, address: field(summary, \.start_time_unix_nano))
        }
    }

    /// `time_unix_nano`.
    public var time: IntegerField<UInt64> {
        switch kind {
        case .number: IntegerField(session: session, address: field(number, \.time_unix_nano))
        case .histogram: IntegerField(session: session, address: field(histogram, \.time_unix_nano))
        case .exponentialHistogram: IntegerField(session: session, address: field(exponential, \.time_unix_nano))
        case .summary: IntegerField(session: session, address: field(summary, \.time_unix_nano))
        }
    }

    /// `flags`.
    public var flags: IntegerField<UInt32> {
        switch kind {
        case .number: IntegerField(session: session, address: field(number, \.flags))
        case .histogram: IntegerField(session: session, address: field(histogram, \.flags))
        case .exponentialHistogram: IntegerField(session: session, address: field(exponential, \.flags))
        case .summary: IntegerField(session: session, address: field(summary, \.flags))
        }
    }

    /// `value_int` of a number point holding an int; nil otherwise.
    public var valueInt: Int64? {
        guard kind == .number, number.pointee.value_case == OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT else { return nil }
        return number.pointee.as_int
    }

    /// `value_double` of a number point holding a double; nil otherwise.
    public var valueDouble: Double? {
        guard kind == .number, number.pointee.value_case == OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE else { return nil }
        return number.pointee.as_double
    }

    /// Makes a number point hold the int `value` (other kinds are left alone).
    public func setValueInt(_ value: Int64) {
        guard kind == .number else { return }
        session.writeScalar(field(number, \.value_case), OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT)
        number.pointee.as_int = value
    }

    /// Makes a number point hold the double `value` (other kinds are left alone).
    public func setValueDouble(_ value: Double) {
        guard kind == .number else { return }
        session.writeScalar(field(number, \.value_case), OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE)
        number.pointee.as_double = value
    }

    /// `count` of a histogram, exponential histogram or summary point; nil for a number point.
    public var count: Int64? {
        switch kind {
        case .number: nil
        case .histogram: Int64(truncatingIfNeeded: histogram.pointee.count)
        case .exponentialHistogram: Int64(truncatingIfNeeded: exponential.pointee.count)
        case .summary: Int64(truncatingIfNeeded: summary.pointee.count)
        }
    }

    /// `sum` of a histogram, exponential histogram or summary point (nil when a histogram has none).
    public var sum: Double? {
        switch kind {
        case .number: nil
        case .histogram: histogram.pointee._sum_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM ? histogram.pointee.sum : nil
        case .exponentialHistogram:
            exponential.pointee._sum_case == OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___SUM_SUM ? exponential.pointee.sum : nil
        case .summary: summary.pointee.sum
        }
    }

    /// `bucket_counts` of a histogram point; nil for other kinds.
    public var bucketCounts: [UInt64]? {
        guard kind == .histogram else { return nil }
        return histogram.pointee.bucket_counts.map { Array(UnsafeBufferPointer(start: $0, count: histogram.pointee.n_bucket_counts)) } ?? []
    }

    /// `explicit_bounds` of a histogram point; nil for other kinds.
    public var explicitBounds: [Double]? {
        guard kind == .histogram else { return nil }
        return histogram.pointee.explicit_bounds.map { Array(UnsafeBufferPointer(start: $0, count: histogram.pointee.n_explicit_bounds)) } ?? []
    }
}
