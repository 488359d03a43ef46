/// The kind of a metric family.
public enum MetricKind: String, Sendable, Hashable, CustomStringConvertible {
    /// A monotonically increasing total.
    case counter
    /// A value that goes up and down.
    case gauge
    /// Observations counted into fixed buckets.
    case histogram
    /// Observations summarised as quantiles over a sliding window.
    case summary

    /// The lowercase kind name, as in a Prometheus `# TYPE` line.
    public var description: String { rawValue }
}

/// One label of a series: a name and its value.
public struct Label: Sendable, Hashable {
    /// The label name.
    public let name: String
    /// The label value.
    public let value: String

    /// Creates a label.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Histogram data of one series at collection time.
public struct HistogramValue: Sendable, Equatable {
    /// Upper bounds of the finite buckets, ascending; the last bucket (`+Inf`) is implicit.
    public let bounds: [Double]
    /// Observations per bucket, not cumulative; `bounds.count + 1` entries, the last one for `+Inf`.
    public let bucketCounts: [UInt64]
    /// The sum of all observations.
    public let sum: Double
    /// The number of observations (always the sum of `bucketCounts`).
    public let count: UInt64
    /// The smallest observation, or `nil` when there are none.
    public let min: Double?
    /// The largest observation, or `nil` when there are none.
    public let max: Double?

    /// Creates histogram data.
    public init(bounds: [Double], bucketCounts: [UInt64], sum: Double, min: Double?, max: Double?) {
        self.bounds = bounds
        self.bucketCounts = bucketCounts
        self.sum = sum
        self.count = bucketCounts.reduce(0, &+)
        self.min = min
        self.max = max
    }

    /// Cumulative counts per bucket (the Prometheus `le` view), ending with the total count.
    public var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return bucketCounts.map { count in
            running &+= count
            return running
        }
    }
}

/// One quantile estimate of a summary.
public struct QuantileValue: Sendable, Equatable {
    /// The quantile, in 0...1.
    public let quantile: Double
    /// The estimated value at that quantile, or NaN when the window holds no observations.
    public let value: Double

    /// Creates a quantile estimate.
    public init(quantile: Double, value: Double) {
        self.quantile = quantile
        self.value = value
    }
}

/// Summary data of one series at collection time.
public struct SummaryValue: Sendable, Equatable {
    /// Quantile estimates over the sliding window, in the order they were declared.
    public let quantiles: [QuantileValue]
    /// The sum of all observations since the series was created.
    public let sum: Double
    /// The number of observations since the series was created.
    public let count: UInt64

    /// Creates summary data.
    public init(quantiles: [QuantileValue], sum: Double, count: UInt64) {
        self.quantiles = quantiles
        self.sum = sum
        self.count = count
    }
}

/// The value of one series at collection time.
public enum MetricValue: Sendable, Equatable {
    /// A counter total.
    case counter(Double)
    /// A gauge value.
    case gauge(Double)
    /// Histogram buckets, sum, count, min and max (boxed, so counter and gauge points stay small).
    indirect case histogram(HistogramValue)
    /// Summary quantiles, sum and count (boxed, so counter and gauge points stay small).
    indirect case summary(SummaryValue)
}

/// One series of a family: its labels, when it started, and its value.
public struct MetricPoint: Sendable, Equatable {
    /// Labels in the family's declared order; the overflow series has only `otel_metric_overflow="true"`.
    public var labels: [Label] { seriesLabels.labels }
    /// When the series was first recorded, in nanoseconds since the Unix epoch (OTLP start time).
    public let startTimeNanos: UInt64
    /// The value at collection time.
    public let value: MetricValue
    /// The labels in Prometheus/OpenMetrics exposition syntax (`a="x",b="y"`, values escaped), rendered
    /// once per series by the collector so exporters need not re-render them; `nil` when not available.
    public var exposedLabels: [UInt8]? { seriesLabels.exposed }

    // Both label forms behind one reference, shared by every point of a series: a collection retains
    // (and later releases) one object per point instead of two arrays.
    package let seriesLabels: SeriesLabels

    /// Creates a point.
    public init(labels: [Label], startTimeNanos: UInt64, value: MetricValue, exposedLabels: [UInt8]? = nil) {
        self.init(seriesLabels: SeriesLabels(labels, exposed: exposedLabels), startTimeNanos: startTimeNanos, value: value)
    }

    /// Creates a point that shares another point's (or a series') labels.
    package init(seriesLabels: SeriesLabels, startTimeNanos: UInt64, value: MetricValue) {
        self.seriesLabels = seriesLabels
        self.startTimeNanos = startTimeNanos
        self.value = value
    }

    /// Points are equal when their labels, start, value and exposition text are.
    public static func == (left: MetricPoint, right: MetricPoint) -> Bool {
        left.startTimeNanos == right.startTimeNanos && left.value == right.value && left.labels == right.labels
            && left.exposedLabels == right.exposedLabels
    }
}

/// The labels of one series, in both forms; created once per series and shared by its points.
package final class SeriesLabels: @unchecked Sendable {
    // @unchecked: the exposition bytes are written once in `init` and only read afterwards.
    /// Labels in declared order.
    package let labels: [Label]
    /// The labels in exposition syntax, or `nil` when not rendered. Plain bytes rather than an array,
    /// so that a renderer reading them from a point retains and releases nothing.
    package let exposedBytes: UnsafeRawBufferPointer?

    package init(_ labels: [Label], exposed: [UInt8]?) {
        self.labels = labels
        exposedBytes = exposed.map { bytes in
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
            return UnsafeRawBufferPointer(copy)
        }
    }

    deinit {
        exposedBytes?.deallocate()
    }

    /// The exposition bytes as an array.
    package var exposed: [UInt8]? { exposedBytes.map { Array($0) } }
}

/// All series of one registered metric.
public struct MetricFamily: Sendable, Equatable {
    /// The registered name (without any exporter prefix).
    public let name: String
    /// The help text, possibly empty.
    public let help: String
    /// The kind of metric.
    public let kind: MetricKind
    /// The declared label names, in order.
    public let labelNames: [String]
    /// The series, ordered by label values; the overflow series, if any, comes last.
    public var points: [MetricPoint] { collected?.series.points ?? storedPoints }
    /// The number of series.
    public var pointCount: Int { collected?.series.count ?? storedPoints.count }

    /// The series as a collector collected them, read in place by renderers; `nil` for families made
    /// from points.
    package let collected: CollectedFamily?
    /// A counter's or gauge's collected series.
    package var scalars: (any ScalarSeriesSnapshot)? {
        if case .scalars(let scalars) = collected { scalars } else { nil }
    }
    /// A histogram's collected series.
    package var histograms: (any HistogramSeriesSnapshot)? {
        if case .histograms(let histograms) = collected { histograms } else { nil }
    }
    /// A summary's collected series.
    package var summaries: (any SummarySeriesSnapshot)? {
        if case .summaries(let summaries) = collected { summaries } else { nil }
    }
    /// Whether the series' label names are known valid: a collector's series carry the names checked when
    /// the metric was registered (or the overflow series' one name), so a renderer need not check them.
    package var labelNamesChecked: Bool { collected != nil }
    private let storedPoints: [MetricPoint]

    /// Creates a family.
    public init(name: String, help: String, kind: MetricKind, labelNames: [String], points: [MetricPoint]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        storedPoints = points
        collected = nil
    }

    /// Creates a family from a collector's series.
    package init(name: String, help: String, kind: MetricKind, labelNames: [String], collected: CollectedFamily) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        storedPoints = []
        self.collected = collected
    }

    /// Families are equal when their names, help, kinds, label names and points are.
    public static func == (left: MetricFamily, right: MetricFamily) -> Bool {
        left.name == right.name && left.help == right.help && left.kind == right.kind
            && left.labelNames == right.labelNames && left.points == right.points
    }
}

/// An immutable view of every registered metric at one instant; safe to hand to any exporter.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Families ordered by name.
    public let families: [MetricFamily]
    /// When the snapshot was taken, in nanoseconds since the Unix epoch.
    public let timestampNanos: UInt64

    /// Creates a snapshot.
    public init(families: [MetricFamily], timestampNanos: UInt64) {
        self.families = families
        self.timestampNanos = timestampNanos
    }

    /// The family registered under `name`, if any.
    public func family(named name: String) -> MetricFamily? {
        families.first { $0.name == name }
    }
}
