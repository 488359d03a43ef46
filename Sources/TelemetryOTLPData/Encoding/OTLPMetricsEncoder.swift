internal import COTLP
import Telemetry

/// How sums and histograms are reported over OTLP.
public enum AggregationTemporality: Sendable, Hashable {
    /// Totals since each series started (OpenTelemetry's default for these instruments).
    case cumulative
    /// Changes since the previous export.
    case delta
}

/// Encodes metric snapshots as an OTLP `ExportMetricsServiceRequest` with protobuf-c.
///
/// Counters become monotonic `Sum`s, gauges `Gauge`s, histograms `Histogram`s (per-bucket counts,
/// explicit bounds, sum, count, min, max) and summaries `Summary`s with their quantile values.
public struct OTLPMetricsEncoder: Sendable {
    /// The resource every metric is reported under.
    public let resource: Resource
    /// The instrumentation scope every metric is reported under.
    public let scope: InstrumentationScope

    /// Creates an encoder.
    public init(resource: Resource, scope: InstrumentationScope = .library) {
        self.resource = resource
        self.scope = scope
    }

    /// The serialised request for `snapshot`, whose sums and histograms have the given temporality.
    public func encode(_ snapshot: MetricsSnapshot, temporality: AggregationTemporality = .cumulative) -> [UInt8] {
        let arena = ProtobufArena()
        let metrics = snapshot.families.compactMap {
            encodeFamily($0, time: snapshot.timestampNanos, temporality: temporality, arena)
        }
        let scopeMetrics = arena.message(opentelemetry__proto__metrics__v1__scope_metrics__init)
        scopeMetrics.pointee.scope = encodeScope(scope, arena)
        scopeMetrics.pointee.n_metrics = metrics.count
        scopeMetrics.pointee.metrics = arena.pointers(metrics)
        let resourceMetrics = arena.message(opentelemetry__proto__metrics__v1__resource_metrics__init)
        resourceMetrics.pointee.resource = encodeResource(resource, arena)
        resourceMetrics.pointee.n_scope_metrics = 1
        resourceMetrics.pointee.scope_metrics = arena.pointers([scopeMetrics])
        let request = arena.message(opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__init)
        request.pointee.n_resource_metrics = 1
        request.pointee.resource_metrics = arena.pointers([resourceMetrics])
        return packMessage(request)
    }

    /// The number of data points in `snapshot` (what the exporter's self-metrics count).
    public static func pointCount(_ snapshot: MetricsSnapshot) -> Int {
        snapshot.families.reduce(0) { $0 + $1.points.count }
    }

    private func encodeFamily(
        _ family: MetricFamily, time: UInt64, temporality: AggregationTemporality, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Metric>? {
        guard !family.points.isEmpty else { return nil }
        let metric = arena.message(opentelemetry__proto__metrics__v1__metric__init)
        metric.pointee.name = arena.string(family.name)
        metric.pointee.description = arena.string(family.help)
        let temporalityValue = temporality == .delta
            ? OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
            : OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE
        switch family.kind {
        case .counter:
            let sum = arena.message(opentelemetry__proto__metrics__v1__sum__init)
            let points = family.points.map { numberPoint($0, time: time, arena) }
            sum.pointee.n_data_points = points.count
            sum.pointee.data_points = arena.pointers(points)
            sum.pointee.aggregation_temporality = temporalityValue
            sum.pointee.is_monotonic = 1
            metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM
            metric.pointee.sum = sum
        case .gauge:
            let gauge = arena.message(opentelemetry__proto__metrics__v1__gauge__init)
            let points = family.points.map { numberPoint($0, time: time, arena) }
            gauge.pointee.n_data_points = points.count
            gauge.pointee.data_points = arena.pointers(points)
            metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE
            metric.pointee.gauge = gauge
        case .histogram:
            let histogram = arena.message(opentelemetry__proto__metrics__v1__histogram__init)
            let points = family.points.compactMap { histogramPoint($0, time: time, arena) }
            histogram.pointee.n_data_points = points.count
            histogram.pointee.data_points = arena.pointers(points)
            histogram.pointee.aggregation_temporality = temporalityValue
            metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM
            metric.pointee.histogram = histogram
        case .summary:
            let summary = arena.message(opentelemetry__proto__metrics__v1__summary__init)
            let points = family.points.compactMap { summaryPoint($0, time: time, arena) }
            summary.pointee.n_data_points = points.count
            summary.pointee.data_points = arena.pointers(points)
            metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY
            metric.pointee.summary = summary
        }
        return metric
    }

    private func numberPoint(
        _ point: MetricPoint, time: UInt64, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__NumberDataPoint> {
        let message = arena.message(opentelemetry__proto__metrics__v1__number_data_point__init)
        (message.pointee.n_attributes, message.pointee.attributes) = arena.keyValues(point.labels)
        message.pointee.start_time_unix_nano = point.startTimeNanos
        message.pointee.time_unix_nano = time
        message.pointee.value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE
        switch point.value {
        case .counter(let value), .gauge(let value): message.pointee.as_double = value
        case .histogram, .summary: message.pointee.as_double = .nan
        }
        return message
    }

    private func histogramPoint(
        _ point: MetricPoint, time: UInt64, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__HistogramDataPoint>? {
        guard case .histogram(let data) = point.value else { return nil }
        let message = arena.message(opentelemetry__proto__metrics__v1__histogram_data_point__init)
        (message.pointee.n_attributes, message.pointee.attributes) = arena.keyValues(point.labels)
        message.pointee.start_time_unix_nano = point.startTimeNanos
        message.pointee.time_unix_nano = time
        message.pointee.count = data.count
        message.pointee._sum_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM
        message.pointee.sum = data.sum
        message.pointee.n_bucket_counts = data.bucketCounts.count
        message.pointee.bucket_counts = arena.array(data.bucketCounts)
        message.pointee.n_explicit_bounds = data.bounds.count
        message.pointee.explicit_bounds = arena.array(data.bounds)
        if let min = data.min {
            message.pointee._min_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN
            message.pointee.min = min
        }
        if let max = data.max {
            message.pointee._max_case = OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX
            message.pointee.max = max
        }
        return message
    }

    private func summaryPoint(
        _ point: MetricPoint, time: UInt64, _ arena: ProtobufArena
    ) -> UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__SummaryDataPoint>? {
        guard case .summary(let data) = point.value else { return nil }
        let message = arena.message(opentelemetry__proto__metrics__v1__summary_data_point__init)
        (message.pointee.n_attributes, message.pointee.attributes) = arena.keyValues(point.labels)
        message.pointee.start_time_unix_nano = point.startTimeNanos
        message.pointee.time_unix_nano = time
        message.pointee.count = data.count
        message.pointee.sum = data.sum
        // A quantile over an empty window has no value; it is left out rather than sent as NaN.
        let quantiles = data.quantiles.filter { !$0.value.isNaN }.map { quantile in
            let value = arena.message(opentelemetry__proto__metrics__v1__summary_data_point__value_at_quantile__init)
            value.pointee.quantile = quantile.quantile
            value.pointee.value = quantile.value
            return value
        }
        message.pointee.n_quantile_values = quantiles.count
        message.pointee.quantile_values = arena.pointers(quantiles)
        return message
    }
}
