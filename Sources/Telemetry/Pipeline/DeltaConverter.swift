/// Turns cumulative snapshots into deltas: each export reports what changed since the last export that
/// the backend accepted.
///
/// Counters and histograms become differences (a value below the previous one, or a new start time,
/// means the series restarted, so the whole value counts); their start time is the previous export.
/// Histogram min/max describe the whole series, so they are dropped from delta points after the first.
/// Gauges pass through unchanged; summaries too, unless `convertsSummaries`, in which case their count
/// and sum become deltas (quantiles, which describe a sliding window, stay as they are).
///
/// Conversion and commitment are separate: `convert` changes nothing, and only `commit` (called after
/// the backend accepted the data) moves the baseline. A refused export therefore loses nothing: the
/// next conversion covers both intervals. Series whose data did not get through can be left out of the
/// commit.
package final class DeltaConverter: Sendable {
    /// One series: its family name and labels.
    package struct SeriesKey: Hashable, Sendable {
        package let family: String
        package let labels: [Label]

        package init(family: String, labels: [Label]) {
            self.family = family
            self.labels = labels
        }
    }

    /// A converted snapshot and the baseline it moves to once committed.
    package struct Conversion: Sendable {
        /// The deltas to send.
        package let snapshot: MetricsSnapshot
        fileprivate let baseline: [SeriesKey: Previous]
    }

    fileprivate struct Previous: Sendable {
        let startTimeNanos: UInt64
        let timeNanos: UInt64
        let value: MetricValue
    }

    private let previous = LockedValue([SeriesKey: Previous]())
    private let convertsSummaries: Bool

    package init(convertsSummaries: Bool = false) {
        self.convertsSummaries = convertsSummaries
    }

    /// The deltas of `snapshot` against the last committed baseline; changes no state.
    package func convert(_ snapshot: MetricsSnapshot) -> Conversion {
        let committed = previous.withLock { $0 }
        var baseline: [SeriesKey: Previous] = [:]
        let families = snapshot.families.map { family in
            MetricFamily(
                name: family.name, help: family.help, kind: family.kind, labelNames: family.labelNames,
                points: family.points.map { point in
                    let key = SeriesKey(family: family.name, labels: point.labels)
                    let last = committed[key].flatMap { $0.startTimeNanos == point.startTimeNanos ? $0 : nil }
                    baseline[key] = Previous(
                        startTimeNanos: point.startTimeNanos, timeNanos: snapshot.timestampNanos, value: point.value)
                    return delta(point, since: last)
                })
        }
        return Conversion(
            snapshot: MetricsSnapshot(families: families, timestampNanos: snapshot.timestampNanos), baseline: baseline)
    }

    /// Makes `conversion` the baseline for the next one, except for the series in `unsent`, which keep
    /// their earlier baseline (so their changes are sent again). Series absent from the conversion are
    /// forgotten, so state stays bounded by what the source holds.
    package func commit(_ conversion: Conversion, except unsent: Set<SeriesKey> = []) {
        previous.withLock { previous in
            var next = conversion.baseline
            for key in unsent {
                next[key] = previous[key]
            }
            previous = next
        }
    }

    /// Converts and commits at once, for backends that cannot refuse (such as a local exposition).
    package func convertAndCommit(_ snapshot: MetricsSnapshot) -> MetricsSnapshot {
        let conversion = convert(snapshot)
        commit(conversion)
        return conversion.snapshot
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
