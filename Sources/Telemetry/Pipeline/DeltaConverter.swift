/// Turns cumulative snapshots into deltas: each export reports what changed since the previous one.
///
/// Counters and histograms become differences (a value below the previous one, or a new start time,
/// means the series restarted, so the whole value counts); their start time is the previous export.
/// Histogram min/max describe the whole series, so they are dropped from delta points after the first.
/// Gauges pass through unchanged; summaries too, unless `convertsSummaries`, in which case their count
/// and sum become deltas (quantiles, which describe a sliding window, stay as they are).
package final class DeltaConverter: Sendable {
    private struct SeriesKey: Hashable {
        let family: String
        let labels: [Label]
    }

    private struct Previous: Sendable {
        let startTimeNanos: UInt64
        let timeNanos: UInt64
        let value: MetricValue
    }

    private let previous = LockedValue([SeriesKey: Previous]())
    private let convertsSummaries: Bool

    package init(convertsSummaries: Bool = false) {
        self.convertsSummaries = convertsSummaries
    }

    package func convert(_ snapshot: MetricsSnapshot) -> MetricsSnapshot {
        previous.withLock { previous in
            var seen = Set<SeriesKey>()
            let families = snapshot.families.map { family in
                MetricFamily(
                    name: family.name, help: family.help, kind: family.kind, labelNames: family.labelNames,
                    points: family.points.map { point in
                        let key = SeriesKey(family: family.name, labels: point.labels)
                        seen.insert(key)
                        let last = previous[key].flatMap { $0.startTimeNanos == point.startTimeNanos ? $0 : nil }
                        previous[key] = Previous(
                            startTimeNanos: point.startTimeNanos, timeNanos: snapshot.timestampNanos, value: point.value)
                        return delta(point, since: last)
                    })
            }
            // Forget series that disappeared, so state stays bounded by what the collector holds.
            previous = previous.filter { seen.contains($0.key) }
            return MetricsSnapshot(families: families, timestampNanos: snapshot.timestampNanos)
        }
    }

    private func delta(_ point: MetricPoint, since last: Previous?) -> MetricPoint {
        guard let last else { return point }
        switch (point.value, last.value) {
        case (.counter(let current), .counter(let before)) where current >= before:
            return MetricPoint(
                seriesLabels: point.seriesLabels, startTimeNanos: last.timeNanos, value: .counter(current - before))
        case (.histogram(let current), .histogram(let before))
        where current.bounds == before.bounds && current.count >= before.count:
            let counts = zip(current.bucketCounts, before.bucketCounts).map { $0 >= $1 ? $0 - $1 : $0 }
            let value = HistogramValue(
                bounds: current.bounds, bucketCounts: counts, sum: current.sum - before.sum, min: nil, max: nil)
            return MetricPoint(seriesLabels: point.seriesLabels, startTimeNanos: last.timeNanos, value: .histogram(value))
        case (.summary(let current), .summary(let before)) where convertsSummaries && current.count >= before.count:
            let value = SummaryValue(
                quantiles: current.quantiles, sum: current.sum - before.sum, count: current.count - before.count)
            return MetricPoint(seriesLabels: point.seriesLabels, startTimeNanos: last.timeNanos, value: .summary(value))
        default:
            return point
        }
    }
}
