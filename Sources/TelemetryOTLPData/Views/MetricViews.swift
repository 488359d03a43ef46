internal import COTLP
internal import CProtobufC

/// A decoded metrics request: resource metrics → scope metrics → metrics → data points.
public struct MetricsView: Sendable {
    /// The request decoded.
    public let payload: OTLPPayload
    /// The resource metrics.
    public let resourceMetrics: MessageList<ResourceMetricsView>
    let owner: UnpackedMessage

    /// Decodes `payload` (a validated metrics request).
    ///
    /// - Throws: `OTLPDecodeError.tooLarge` when protobuf-c cannot get the memory.
    public init(_ payload: OTLPPayload) throws(OTLPDecodeError) {
        precondition(payload.signal == .metrics, "a \(payload.signal) payload is not a metrics request")
        guard let owner = UnpackedMessage(payload) else { throw OTLPDecodeError(.tooLarge, "out of memory decoding the request") }
        self.payload = payload
        self.owner = owner
        let request = owner.typed(Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest.self)
        resourceMetrics = MessageList(owner, request.pointee.resource_metrics, request.pointee.n_resource_metrics) { owner, pointer in
            ResourceMetricsView(
                resource: ResourceView(owner, pointer.pointee.resource),
                scopeMetrics: MessageList(owner, pointer.pointee.scope_metrics, pointer.pointee.n_scope_metrics) { owner, scope in
                    ScopeMetricsView(
                        scope: ScopeView(owner: owner, pointer: scope.pointee.scope),
                        metrics: MessageList(owner, scope.pointee.metrics, scope.pointee.n_metrics) { MetricView(owner: $0, pointer: $1) },
                        pointer: scope)
                },
                pointer: pointer)
        }
    }
}

/// The metrics of one resource.
public struct ResourceMetricsView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that a view's owner keeps alive.
    /// The resource.
    public let resource: ResourceView
    /// The metrics by instrumentation scope.
    public let scopeMetrics: MessageList<ScopeMetricsView>
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ResourceMetrics>
}

/// The metrics of one instrumentation scope.
public struct ScopeMetricsView: @unchecked Sendable {
    // @unchecked: as `ResourceMetricsView`.
    /// The scope.
    public let scope: ScopeView
    /// The metrics.
    public let metrics: MessageList<MetricView>
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ScopeMetrics>
}

/// How a sum or histogram reports its values over time.
public enum TemporalityView: Sendable, Equatable {
    /// Not set (invalid for sums and histograms).
    case unspecified
    /// Each point holds the change since the previous point.
    case delta
    /// Each point holds the total since the start time.
    case cumulative

    init(_ value: Opentelemetry__Proto__Metrics__V1__AggregationTemporality) {
        switch value {
        case OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA: self = .delta
        case OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE: self = .cumulative
        default: self = .unspecified
        }
    }
}

/// One metric: its name, description, unit and data.
public struct MetricView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Metric>

    /// The data of a metric, by kind.
    public enum Data: Sendable {
        /// No data (the oneof is not set).
        case empty
        /// Last values.
        case gauge(MessageList<NumberPointView>)
        /// Sums, monotonic or not.
        case sum(MessageList<NumberPointView>, temporality: TemporalityView, isMonotonic: Bool)
        /// Explicit-bucket histograms.
        case histogram(MessageList<HistogramPointView>, temporality: TemporalityView)
        /// Exponential histograms.
        case exponentialHistogram(MessageList<ExponentialHistogramPointView>, temporality: TemporalityView)
        /// Summaries.
        case summary(MessageList<SummaryPointView>)
    }

    /// The name.
    public var name: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }
    /// The description.
    public var description: String { pointer.pointee.description.map { String(cString: $0) } ?? "" }
    /// The unit.
    public var unit: String { pointer.pointee.unit.map { String(cString: $0) } ?? "" }

    /// The data points by kind.
    public var data: Data {
        let metric = pointer.pointee
        switch metric.data_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
            guard let gauge = metric.gauge else { return .empty }
            return .gauge(MessageList(owner, gauge.pointee.data_points, gauge.pointee.n_data_points) { NumberPointView($0, $1) })
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
            guard let sum = metric.sum else { return .empty }
            return .sum(
                MessageList(owner, sum.pointee.data_points, sum.pointee.n_data_points) { NumberPointView($0, $1) },
                temporality: TemporalityView(sum.pointee.aggregation_temporality), isMonotonic: sum.pointee.is_monotonic != 0)
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
            guard let histogram = metric.histogram else { return .empty }
            return .histogram(
                MessageList(owner, histogram.pointee.data_points, histogram.pointee.n_data_points) { HistogramPointView($0, $1) },
                temporality: TemporalityView(histogram.pointee.aggregation_temporality))
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM:
            guard let histogram = metric.exponential_histogram else { return .empty }
            return .exponentialHistogram(
                MessageList(owner, histogram.pointee.data_points, histogram.pointee.n_data_points) {
                    ExponentialHistogramPointView($0, $1)
                },
                temporality: TemporalityView(histogram.pointee.aggregation_temporality))
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY:
            guard let summary = metric.summary else { return .empty }
            return .summary(MessageList(owner, summary.pointee.data_points, summary.pointee.n_data_points) { SummaryPointView($0, $1) })
        default:
            return .empty
        }
    }
}

/// What every data point has: attributes, times and flags.
public struct PointHeader: Sendable {
    /// The attributes.
    public let attributes: AttributeList
    /// The start of the interval (0 when unknown), nanoseconds since the Unix epoch.
    public let startTimeUnixNano: UInt64
    /// When the value was taken.
    public let timeUnixNano: UInt64
    /// Whether the point says "no recorded value" (flag bit 0): a gap, not a zero.
    public let noRecordedValue: Bool
}

/// A gauge or sum data point.
public struct NumberPointView: Sendable {
    /// Attributes, times, flags.
    public let header: PointHeader
    /// The value (an integer is converted), `nil` when the oneof is not set.
    public let value: Double?
    /// The exemplars.
    public let exemplars: [ExemplarView]

    init(_ owner: UnpackedMessage, _ point: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__NumberDataPoint>) {
        let raw = point.pointee
        header = PointHeader(
            attributes: AttributeList(owner, attributes: raw.attributes, count: raw.n_attributes),
            startTimeUnixNano: raw.start_time_unix_nano, timeUnixNano: raw.time_unix_nano, noRecordedValue: raw.flags & 1 != 0)
        switch raw.value_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT: value = Double(raw.as_int)
        case OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE: value = raw.as_double
        default: value = nil
        }
        exemplars = ExemplarView.list(raw.exemplars, raw.n_exemplars)
    }
}

/// An explicit-bucket histogram data point.
public struct HistogramPointView: Sendable {
    /// Attributes, times, flags.
    public let header: PointHeader
    /// The number of observations.
    public let count: UInt64
    /// Their sum, when sent.
    public let sum: Double?
    /// Observations per bucket (as sent; valid points have `explicitBounds.count + 1`).
    public let bucketCounts: [UInt64]
    /// Upper bounds of the finite buckets.
    public let explicitBounds: [Double]
    /// The smallest observation, when sent.
    public let min: Double?
    /// The largest observation, when sent.
    public let max: Double?
    /// The exemplars.
    public let exemplars: [ExemplarView]

    init(_ owner: UnpackedMessage, _ point: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__HistogramDataPoint>) {
        let raw = point.pointee
        header = PointHeader(
            attributes: AttributeList(owner, attributes: raw.attributes, count: raw.n_attributes),
            startTimeUnixNano: raw.start_time_unix_nano, timeUnixNano: raw.time_unix_nano, noRecordedValue: raw.flags & 1 != 0)
        count = raw.count
        sum = raw._sum_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM ? raw.sum : nil
        min = raw._min_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN ? raw.min : nil
        max = raw._max_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX ? raw.max : nil
        bucketCounts = Array(raw.bucket_counts, raw.n_bucket_counts)
        explicitBounds = Array(raw.explicit_bounds, raw.n_explicit_bounds)
        exemplars = ExemplarView.list(raw.exemplars, raw.n_exemplars)
    }
}

/// An exponential histogram data point.
public struct ExponentialHistogramPointView: Sendable {
    /// Attributes, times, flags.
    public let header: PointHeader
    /// The number of observations.
    public let count: UInt64
    /// Their sum, when sent.
    public let sum: Double?
    /// The resolution: bucket boundaries are powers of 2^(2^-scale).
    public let scale: Int32
    /// Observations in the zero bucket.
    public let zeroCount: UInt64
    /// The positive buckets: the index of the first, and the counts.
    public let positive: (offset: Int32, counts: [UInt64])
    /// The negative buckets.
    public let negative: (offset: Int32, counts: [UInt64])

    init(
        _ owner: UnpackedMessage,
        _ point: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint>
    ) {
        let raw = point.pointee
        header = PointHeader(
            attributes: AttributeList(owner, attributes: raw.attributes, count: raw.n_attributes),
            startTimeUnixNano: raw.start_time_unix_nano, timeUnixNano: raw.time_unix_nano, noRecordedValue: raw.flags & 1 != 0)
        count = raw.count
        sum = raw._sum_case == OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT___SUM_SUM ? raw.sum : nil
        scale = raw.scale
        zeroCount = raw.zero_count
        positive = (raw.positive?.pointee.offset ?? 0, Array(raw.positive?.pointee.bucket_counts, raw.positive?.pointee.n_bucket_counts ?? 0))
        negative = (raw.negative?.pointee.offset ?? 0, Array(raw.negative?.pointee.bucket_counts, raw.negative?.pointee.n_bucket_counts ?? 0))
    }
}

/// A summary data point.
public struct SummaryPointView: Sendable {
    /// Attributes, times, flags.
    public let header: PointHeader
    /// The number of observations.
    public let count: UInt64
    /// Their sum.
    public let sum: Double
    /// Quantile → value.
    public let quantiles: [(quantile: Double, value: Double)]

    init(_ owner: UnpackedMessage, _ point: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__SummaryDataPoint>) {
        let raw = point.pointee
        header = PointHeader(
            attributes: AttributeList(owner, attributes: raw.attributes, count: raw.n_attributes),
            startTimeUnixNano: raw.start_time_unix_nano, timeUnixNano: raw.time_unix_nano, noRecordedValue: raw.flags & 1 != 0)
        count = raw.count
        sum = raw.sum
        quantiles = (0..<(raw.quantile_values == nil ? 0 : raw.n_quantile_values)).compactMap { index in
            raw.quantile_values[index].map { ($0.pointee.quantile, $0.pointee.value) }
        }
    }
}

extension Array {
    /// A copy of a C array that may be absent.
    init(_ pointer: UnsafeMutablePointer<Element>?, _ count: Int) {
        guard let pointer, count > 0 else {
            self = []
            return
        }
        self = Array(UnsafeBufferPointer(start: pointer, count: count))
    }
}
