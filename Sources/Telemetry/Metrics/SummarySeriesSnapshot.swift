/// The series of a summary family at collection time (see `CollectedSeries`): every series' quantile
/// estimates in one array, sums and counts in two more.
package protocol SummarySeriesSnapshot: CollectedSeries {
    /// The reported quantiles, in declared order, shared by every series.
    var quantiles: [Double] { get }
    /// Calls `body` with each series' labels in exposition syntax, its estimates (one per quantile, NaN
    /// for an empty window), its sum and its count, in output order.
    func forEachSeries(_ body: (UnsafeRawBufferPointer?, UnsafeBufferPointer<Double>, Double, UInt64) -> Void)
}

extension SeriesTable where Series == TelemetrySummary.Series {
    /// Every series in output order (sorted by label values, the overflow series last), each read once
    /// as the window stands at `nowNanos`.
    func summarySnapshot(quantiles: [Double], nowNanos: UInt64) -> any SummarySeriesSnapshot {
        reviveRecordedSeries()
        return CollectedSummaries(entries: orderedEntries(), quantiles: quantiles, nowNanos: nowNanos)
    }
}

private final class CollectedSummaries: SummarySeriesSnapshot {
    typealias Entry = SeriesTable<TelemetrySummary.Series>.Entry

    let quantiles: [Double]
    private let entries: [Entry]
    /// `quantiles.count` estimates per series, series after series.
    private let estimates: [Double]
    private let sums: [Double]
    private let counts: [UInt64]
    private let starts: [UInt64]
    private let cachedPoints = LockedValue<[MetricPoint]?>(nil)

    init(entries: [Entry], quantiles: [Double], nowNanos: UInt64) {
        self.entries = entries
        self.quantiles = quantiles
        var sums = [Double](repeating: 0, count: entries.count)
        var counts = [UInt64](repeating: 0, count: entries.count)
        estimates = SeriesTable.flatValues(of: entries, width: quantiles.count, filler: .nan) { series, index, room in
            let read = series.read(into: room, nowNanos: nowNanos)
            sums[index] = read.sum
            counts[index] = read.count
        }
        self.sums = sums
        self.counts = counts
        starts = entries.map(\.startTimeNanos)
    }

    var count: Int { entries.count }

    var firstExposedLabelsCount: Int? { entries.first?.seriesLabels.exposedBytes?.count }

    func forEachSeries(_ body: (UnsafeRawBufferPointer?, UnsafeBufferPointer<Double>, Double, UInt64) -> Void) {
        SeriesTable.forEachRow(of: entries, estimates, width: quantiles.count) { index, exposed, estimates in
            body(exposed, estimates, sums[index], counts[index])
        }
    }

    var points: [MetricPoint] {
        cachedPoints.withLock { cached in
            if let cached { return cached }
            let width = quantiles.count
            let made = entries.indices.map { index in
                let values = quantiles.indices.map { position in
                    QuantileValue(quantile: quantiles[position], value: estimates[index * width + position])
                }
                return MetricPoint(
                    seriesLabels: entries[index].seriesLabels, startTimeNanos: starts[index],
                    value: .summary(SummaryValue(quantiles: values, sum: sums[index], count: counts[index])))
            }
            cached = made
            return made
        }
    }
}
