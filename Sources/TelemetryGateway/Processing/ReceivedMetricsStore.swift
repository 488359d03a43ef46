import COTLP
import Telemetry

/// Folds received OTLP metrics into per-series state, so pull and push backends (Prometheus, StatsD,
/// CloudWatch, Datadog) see cumulative values: delta sums and histograms are added up, cumulative ones
/// replace the stored value (a new start time is a reset).
///
/// Names are made Prometheus-safe (`http.server.duration` → `http_server_duration`); labels are the data
/// point attributes plus `service_name` from the resource. Bounded: at most `maxFamilies` metrics and
/// `maxSeriesPerFamily` label sets each (beyond, the `otel_metric_overflow="true"` series); exponential
/// histograms and points whose kind conflicts with an earlier one are refused and counted.
final class ReceivedMetricsStore: MetricsSource {
    struct Outcome: Equatable {
        var accepted = 0
        var refused = 0
    }

    private enum Value {
        case number(Double)
        case histogram(HistogramValue)
        case summary(SummaryValue)
    }

    private struct Series {
        var startTimeNanos: UInt64
        var value: Value
    }

    private struct Family {
        let kind: MetricKind
        var help: String
        var series: [[Label]: Series] = [:]
    }

    let maxFamilies: Int
    let maxSeriesPerFamily: Int
    private let families = LockedValue([String: Family]())

    init(maxFamilies: Int = 10_000, maxSeriesPerFamily: Int = 2000) {
        self.maxFamilies = maxFamilies
        self.maxSeriesPerFamily = maxSeriesPerFamily
    }

    /// Adds every data point of a decoded `ExportMetricsServiceRequest`.
    func fold(_ request: UnsafeMutablePointer<Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest>) -> Outcome {
        var outcome = Outcome()
        families.withLock { families in
            for resourceMetrics in TraceRequestSampler.elements(request.pointee.resource_metrics, request.pointee.n_resource_metrics) {
                let service = resourceMetrics.pointee.resource.map {
                    OTLPAttributes.texts($0.pointee.attributes, $0.pointee.n_attributes).first { $0.key == "service.name" }?.value
                } ?? nil
                for scope in TraceRequestSampler.elements(resourceMetrics.pointee.scope_metrics, resourceMetrics.pointee.n_scope_metrics) {
                    for metric in TraceRequestSampler.elements(scope.pointee.metrics, scope.pointee.n_metrics) {
                        fold(metric, service: service, into: &families, outcome: &outcome)
                    }
                }
            }
        }
        return outcome
    }

    func collectAll() -> MetricsSnapshot {
        let families = families.withLock { $0 }
        let result = families.keys.sorted().compactMap { name -> MetricFamily? in
            guard let family = families[name] else { return nil }
            let points = family.series.keys.sorted { $0.lexicographicallyPrecedes($1) { ($0.name, $0.value) < ($1.name, $1.value) } }
                .compactMap { labels -> MetricPoint? in
                    guard let series = family.series[labels] else { return nil }
                    let value: MetricValue =
                        switch (family.kind, series.value) {
                        case (.counter, .number(let number)): .counter(number)
                        case (_, .histogram(let data)): .histogram(data)
                        case (_, .summary(let data)): .summary(data)
                        case (_, .number(let number)): .gauge(number)
                        }
                    return MetricPoint(labels: labels, startTimeNanos: series.startTimeNanos, value: value)
                }
            return MetricFamily(name: name, help: family.help, kind: family.kind, labelNames: [], points: points)
        }
        return MetricsSnapshot(families: result, timestampNanos: WallClock.nowNanos())
    }

    private func fold(
        _ metric: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Metric>, service: String?,
        into families: inout [String: Family], outcome: inout Outcome
    ) {
        let name = Self.sanitized(metric.pointee.name.map { String(cString: $0) } ?? "")
        let help = metric.pointee.description.map { String(cString: $0) } ?? ""
        switch metric.pointee.data_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
            guard let sum = metric.pointee.sum?.pointee else { return }
            let kind: MetricKind = sum.is_monotonic != 0 ? .counter : .gauge
            let delta = sum.aggregation_temporality == OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
            for point in TraceRequestSampler.elements(sum.data_points, sum.n_data_points) {
                let labels = Self.labels(point.pointee.attributes, point.pointee.n_attributes, service: service)
                update(name, kind, help, labels, start: point.pointee.start_time_unix_nano, families: &families, outcome: &outcome) { old in
                    let value = Self.number(point)
                    if delta, case .number(let previous)? = old { return .number(previous + value) }
                    return .number(value)
                }
            }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
            guard let gauge = metric.pointee.gauge?.pointee else { return }
            for point in TraceRequestSampler.elements(gauge.data_points, gauge.n_data_points) {
                let labels = Self.labels(point.pointee.attributes, point.pointee.n_attributes, service: service)
                update(name, .gauge, help, labels, start: point.pointee.start_time_unix_nano, families: &families, outcome: &outcome) { _ in
                    .number(Self.number(point))
                }
            }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
            guard let histogram = metric.pointee.histogram?.pointee else { return }
            let delta = histogram.aggregation_temporality == OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
            for point in TraceRequestSampler.elements(histogram.data_points, histogram.n_data_points) {
                let labels = Self.labels(point.pointee.attributes, point.pointee.n_attributes, service: service)
                let data = Self.histogram(point.pointee)
                update(name, .histogram, help, labels, start: point.pointee.start_time_unix_nano, families: &families, outcome: &outcome) { old in
                    guard delta, case .histogram(let previous)? = old, previous.bounds == data.bounds else { return .histogram(data) }
                    return .histogram(HistogramValue(
                        bounds: data.bounds, bucketCounts: zip(previous.bucketCounts, data.bucketCounts).map { $0 &+ $1 },
                        sum: previous.sum + data.sum, min: [previous.min, data.min].compactMap { $0 }.min(),
                        max: [previous.max, data.max].compactMap { $0 }.max()))
                }
            }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY:
            guard let summary = metric.pointee.summary?.pointee else { return }
            for point in TraceRequestSampler.elements(summary.data_points, summary.n_data_points) {
                let labels = Self.labels(point.pointee.attributes, point.pointee.n_attributes, service: service)
                let quantiles = TraceRequestSampler.elements(point.pointee.quantile_values, point.pointee.n_quantile_values)
                    .map { QuantileValue(quantile: $0.pointee.quantile, value: $0.pointee.value) }
                update(name, .summary, help, labels, start: point.pointee.start_time_unix_nano, families: &families, outcome: &outcome) { _ in
                    .summary(SummaryValue(quantiles: quantiles, sum: point.pointee.sum, count: point.pointee.count))
                }
            }
        default:
            outcome.refused += Self.pointCount(metric)
        }
    }

    private func update(
        _ name: String, _ kind: MetricKind, _ help: String, _ labels: [Label], start: UInt64,
        families: inout [String: Family], outcome: inout Outcome, _ change: (Value?) -> Value
    ) {
        guard !name.isEmpty, families[name] != nil || families.count < maxFamilies else {
            outcome.refused += 1
            return
        }
        var family = families[name] ?? Family(kind: kind, help: help)
        guard family.kind == kind else {
            outcome.refused += 1
            return
        }
        var key = labels
        if family.series[key] == nil, family.series.count >= maxSeriesPerFamily {
            key = [Label(name: "otel_metric_overflow", value: "true")]
        }
        let existing = family.series[key]
        // A cumulative series that restarted (new start time) starts over instead of adding up.
        let previous = existing.flatMap { $0.startTimeNanos == start || start == 0 ? $0.value : nil }
        family.series[key] = Series(startTimeNanos: existing?.startTimeNanos ?? start, value: change(previous))
        if !help.isEmpty { family.help = help }
        families[name] = family
        outcome.accepted += 1
    }

    private static func number(_ point: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__NumberDataPoint>) -> Double {
        point.pointee.value_case == OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT
            ? Double(point.pointee.as_int) : point.pointee.as_double
    }

    private static func histogram(_ point: Opentelemetry__Proto__Metrics__V1__HistogramDataPoint) -> HistogramValue {
        let bounds = point.explicit_bounds.map { Array(UnsafeBufferPointer(start: $0, count: point.n_explicit_bounds)) } ?? []
        var counts = point.bucket_counts.map { Array(UnsafeBufferPointer(start: $0, count: point.n_bucket_counts)) } ?? []
        if counts.count != bounds.count + 1 { counts = Array(repeating: 0, count: bounds.count) + [point.count] }
        let hasMin = point._min_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MIN_MIN
        let hasMax = point._max_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___MAX_MAX
        return HistogramValue(
            bounds: bounds, bucketCounts: counts, sum: point.sum, min: hasMin ? point.min : nil, max: hasMax ? point.max : nil)
    }

    private static func pointCount(_ metric: UnsafeMutablePointer<Opentelemetry__Proto__Metrics__V1__Metric>) -> Int {
        metric.pointee.data_case == OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM
            ? Int(metric.pointee.exponential_histogram?.pointee.n_data_points ?? 1) : 1
    }

    private static func labels(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__KeyValue>?>?, _ count: Int,
        service: String?
    ) -> [Label] {
        var labels = OTLPAttributes.texts(list, count).map { Label(name: sanitized($0.key, label: true), value: $0.value) }
        if let service, !labels.contains(where: { $0.name == "service_name" }) {
            labels.append(Label(name: "service_name", value: service))
        }
        return labels.sorted { $0.name < $1.name }
    }

    /// Replaces characters Prometheus names cannot hold with `_`, and prefixes a leading digit.
    static func sanitized(_ name: String, label: Bool = false) -> String {
        var result = String(name.map { character in
            character.isASCII && (character.isLetter || character.isNumber || character == "_" || (!label && character == ":"))
                ? character : "_"
        })
        if let first = result.first, first.isNumber { result = "_" + result }
        if label, result.hasPrefix("__") { result = "x" + result }
        return result
    }
}
