/// The series of a histogram family at collection time (see `CollectedSeries`): every series' bucket
/// counts in one array, sums and extremes in two more.
package protocol HistogramSeriesSnapshot: CollectedSeries {
    /// The upper bounds of the finite buckets, shared by every series.
    var bounds: [Double] { get }
    /// Calls `body` with each series' labels in exposition syntax, its bucket counts (one per bucket
    /// including `+Inf`, not cumulative) and its sum, in output order.
    func forEachSeries(_ body: (UnsafeRawBufferPointer?, UnsafeBufferPointer<UInt64>, Double) -> Void)
}

extension SeriesTable where Series == TelemetryHistogram.Series {
    /// Every series in output order (sorted by label values, the overflow series last), each read once.
    func histogramSnapshot(bounds: [Double]) -> any HistogramSeriesSnapshot {
        reviveRecordedSeries()
        return CollectedHistograms(entries: orderedEntries(), bounds: bounds)
    }
}

private final class CollectedHistograms: HistogramSeriesSnapshot {
    typealias Entry = SeriesTable<TelemetryHistogram.Series>.Entry

    let bounds: [Double]
    private let entries: [Entry]
    /// `bounds.count + 1` counts per series, series after series.
    private let bucketCounts: [UInt64]
    private let sums: [Double]
    private let starts: [UInt64]
    /// The smallest and largest observation per series; `nil` for a series without observations.
    private let extremes: [(min: Double, max: Double)?]
    private let cachedPoints = LockedValue<[MetricPoint]?>(nil)

    init(entries: [Entry], bounds: [Double]) {
        self.entries = entries
        self.bounds = bounds
        var sums = [Double](repeating: 0, count: entries.count)
        var extremes = [(min: Double, max: Double)?](repeating: nil, count: entries.count)
        bucketCounts = SeriesTable.flatValues(of: entries, width: bounds.count + 1, filler: 0) { series, index, room in
            let read = series.read(into: room)
            sums[index] = read.sum
            if let min = read.min, let max = read.max { extremes[index] = (min, max) }
        }
        self.sums = sums
        self.extremes = extremes
        starts = entries.map(\.startTimeNanos)
    }

    var count: Int { entries.count }

    var firstExposedLabelsCount: Int? { entries.first?.seriesLabels.exposedBytes?.count }

    func forEachSeries(_ body: (UnsafeRawBufferPointer?, UnsafeBufferPointer<UInt64>, Double) -> Void) {
        SeriesTable.forEachRow(of: entries, bucketCounts, width: bounds.count + 1) { index, exposed, counts in
            body(exposed, counts, sums[index])
        }
    }

    var points: [MetricPoint] {
        cachedPoints.withLock { cached in
            if let cached { return cached }
            let width = bounds.count + 1
            let made = entries.indices.map { index in
                let value = HistogramValue(
                    bounds: bounds, bucketCounts: Array(bucketCounts[(index * width)..<((index + 1) * width)]),
                    sum: sums[index], min: extremes[index]?.min, max: extremes[index]?.max)
                return MetricPoint(
                    seriesLabels: entries[index].seriesLabels, startTimeNanos: starts[index],
                    value: .histogram(value))
            }
            cached = made
            return made
        }
    }
}
