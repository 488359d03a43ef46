import Telemetry

/// Metrics a gateway component computed from the data it saw (the `spanmetrics` connector), grouped
/// by resource, ready to be encoded as one OTLP metrics request by `ComputedMetricsEncoder`.
public struct ComputedResourceMetrics: Sendable {
    /// The resource's attributes, in order.
    public var attributes: [(key: String, value: AttributeValue)]
    /// The name of the one instrumentation scope the metrics are reported under.
    public var scopeName: String
    /// The metrics.
    public var metrics: [ComputedMetric]

    /// Metrics of one resource.
    public init(attributes: [(key: String, value: AttributeValue)], scopeName: String, metrics: [ComputedMetric]) {
        self.attributes = attributes
        self.scopeName = scopeName
        self.metrics = metrics
    }
}

/// One computed metric: its name, unit and points.
public struct ComputedMetric: Sendable {
    /// The points of a metric, by kind.
    public enum Points: Sendable {
        /// A monotonic sum.
        case monotonicSum([ComputedPoint<Double>])
        /// A histogram with explicit bounds.
        case histogram([ComputedPoint<ComputedHistogram>])
        /// An exponential histogram.
        case exponentialHistogram([ComputedPoint<ComputedExponentialHistogram>])
    }

    /// The name.
    public var name: String
    /// The unit ("" for none).
    public var unit: String
    /// The temporality of every point.
    public var temporality: AggregationTemporality
    /// The points.
    public var points: Points

    /// A metric.
    public init(name: String, unit: String = "", temporality: AggregationTemporality, points: Points) {
        self.name = name
        self.unit = unit
        self.temporality = temporality
        self.points = points
    }

    /// The number of data points.
    public var pointCount: Int {
        switch points {
        case .monotonicSum(let points): points.count
        case .histogram(let points): points.count
        case .exponentialHistogram(let points): points.count
        }
    }
}

/// One data point: attributes, times, a value and its exemplars.
public struct ComputedPoint<Value: Sendable>: Sendable {
    /// The attributes, in order.
    public var attributes: [(key: String, value: AttributeValue)]
    /// When the series (cumulative) or the interval (delta) started, nanoseconds since the Unix epoch.
    public var startTimeUnixNano: UInt64
    /// When it was observed, nanoseconds since the Unix epoch.
    public var timeUnixNano: UInt64
    /// The value.
    public var value: Value
    /// Sampled measurements with the span they came from.
    public var exemplars: [ComputedExemplar]

    /// A point.
    public init(
        attributes: [(key: String, value: AttributeValue)], startTimeUnixNano: UInt64, timeUnixNano: UInt64, value: Value,
        exemplars: [ComputedExemplar] = []
    ) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.value = value
        self.exemplars = exemplars
    }
}

/// A measurement kept with the trace and span it came from.
public struct ComputedExemplar: Sendable, Hashable {
    /// The trace.
    public var traceID: TraceID
    /// The span.
    public var spanID: SpanID
    /// The measured value.
    public var value: Double
    /// When it was measured, nanoseconds since the Unix epoch.
    public var timeUnixNano: UInt64

    /// An exemplar.
    public init(traceID: TraceID, spanID: SpanID, value: Double, timeUnixNano: UInt64) {
        self.traceID = traceID
        self.spanID = spanID
        self.value = value
        self.timeUnixNano = timeUnixNano
    }
}

/// An explicit-bounds histogram value.
public struct ComputedHistogram: Sendable, Equatable {
    /// The upper bounds (inclusive) of every bucket but the last.
    public var bounds: [Double]
    /// One count per bucket: `bounds.count + 1`.
    public var bucketCounts: [UInt64]
    /// The number of measurements.
    public var count: UInt64
    /// Their sum.
    public var sum: Double
    /// The smallest, when there is one.
    public var min: Double?
    /// The largest, when there is one.
    public var max: Double?

    /// A histogram value.
    public init(bounds: [Double], bucketCounts: [UInt64], count: UInt64, sum: Double, min: Double?, max: Double?) {
        self.bounds = bounds
        self.bucketCounts = bucketCounts
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
    }
}

/// An exponential histogram value of non-negative measurements (durations).
public struct ComputedExponentialHistogram: Sendable, Equatable {
    /// The resolution: bucket `i` holds values in (base^i, base^(i+1)] with base = 2^(2^-scale).
    public var scale: Int32
    /// Measurements equal to zero.
    public var zeroCount: UInt64
    /// The index of the first positive bucket.
    public var positiveOffset: Int32
    /// The positive buckets' counts, from `positiveOffset` on.
    public var positiveCounts: [UInt64]
    /// The number of measurements.
    public var count: UInt64
    /// Their sum.
    public var sum: Double
    /// The smallest, when there is one.
    public var min: Double?
    /// The largest, when there is one.
    public var max: Double?

    /// An exponential histogram value.
    public init(
        scale: Int32, zeroCount: UInt64, positiveOffset: Int32, positiveCounts: [UInt64], count: UInt64, sum: Double,
        min: Double?, max: Double?
    ) {
        self.scale = scale
        self.zeroCount = zeroCount
        self.positiveOffset = positiveOffset
        self.positiveCounts = positiveCounts
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
    }
}
