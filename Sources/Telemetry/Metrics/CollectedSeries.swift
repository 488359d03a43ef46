/// A family's series as a collector collected them, without a point per series.
///
/// A Prometheus scrape of 10,000 series spent half its time making `MetricPoint`s (one retained and
/// released labels object each, in scattered memory; for histograms and summaries also a boxed value
/// with its own arrays) only to read their labels and values once. A collection instead keeps the
/// table's list of series alive as one array and the values in flat arrays beside it; renderers read
/// them in place through the kind's own protocol (`ScalarSeriesSnapshot`, `HistogramSeriesSnapshot`,
/// `SummarySeriesSnapshot`), and `points` builds the points only for exporters that ask, once.
package protocol CollectedSeries: AnyObject, Sendable {
    /// The number of series.
    var count: Int { get }
    /// The exposition bytes of the first series' labels, for sizing output.
    var firstExposedLabelsCount: Int? { get }
    /// The series as points (built on first use, then kept).
    var points: [MetricPoint] { get }
}

/// A family's collected series, as the kind's own snapshot.
package enum CollectedFamily: Sendable {
    /// A counter's or gauge's series.
    case scalars(any ScalarSeriesSnapshot)
    /// A histogram's series.
    case histograms(any HistogramSeriesSnapshot)
    /// A summary's series.
    case summaries(any SummarySeriesSnapshot)

    /// What every kind's snapshot answers: count, first labels' size, points.
    package var series: any CollectedSeries {
        switch self {
        case .scalars(let scalars): scalars
        case .histograms(let histograms): histograms
        case .summaries(let summaries): summaries
        }
    }
}
