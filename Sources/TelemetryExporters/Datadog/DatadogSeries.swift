import Telemetry

/// One series of the Datadog metrics API v2 (`POST /api/v2/series`).
struct DatadogSeries: Encodable, Sendable, Equatable {
    /// Datadog's metric intake types.
    enum Kind: Int, Encodable, Sendable {
        case count = 1
        case gauge = 3
    }

    struct Point: Encodable, Sendable, Equatable {
        let timestamp: Int64
        let value: Double
    }

    let metric: String
    let type: Kind
    let interval: Int64?
    let points: [Point]
    let tags: [String]
}

/// Maps delta snapshots to Datadog series, named `<prefix>.<name>[.<suffix>]` with labels as `k:v` tags.
///
/// - counter → `count` with the interval since the previous export
/// - gauge → `gauge`
/// - histogram → `.count` and `.sum` (`count`), `.avg` and `.max` (`gauge`), and `.p50`, `.p95`, `.p99`
///   (`gauge`) estimated from the interval's buckets by linear interpolation (as Prometheus'
///   `histogram_quantile`); `.max` is the upper edge of the highest non-empty bucket, or the recorded max
/// - summary → `.count`, `.sum`, `.avg`, and each declared quantile as `.pNN` (`.max` for quantile 1)
/// Non-finite values cannot be sent in JSON: they are skipped and returned as `skipped`.
enum DatadogMapping {
    static let histogramPercentiles: [Double] = [0.5, 0.95, 0.99]

    /// The series of a delta snapshot, the snapshot series each came from (same positions), and how many
    /// values were skipped.
    static func series(_ snapshot: MetricsSnapshot, prefix: String)
        -> (series: [DatadogSeries], sources: [DeltaConverter.SeriesKey], skipped: Int)
    {
        let timestamp = Int64(snapshot.timestampNanos / 1_000_000_000)
        var result: [DatadogSeries] = []
        var sources: [DeltaConverter.SeriesKey] = []
        var skipped = 0
        for family in snapshot.families {
            let base = prefix.isEmpty ? family.name : prefix + "." + family.name
            for point in family.points {
                let source = DeltaConverter.SeriesKey(family: family.name, labels: point.labels)
                let tags = point.labels.map { "\($0.name):\($0.value)" }
                let interval = max(1, Int64((snapshot.timestampNanos &- point.startTimeNanos) / 1_000_000_000))
                func add(_ suffix: String, _ kind: DatadogSeries.Kind, _ value: Double) {
                    guard value.isFinite else {
                        skipped += 1
                        return
                    }
                    result.append(
                        DatadogSeries(
                            metric: suffix.isEmpty ? base : base + "." + suffix, type: kind,
                            interval: kind == .count ? interval : nil, points: [.init(timestamp: timestamp, value: value)],
                            tags: tags))
                    sources.append(source)
                }
                switch point.value {
                case .counter(let delta):
                    add("", .count, delta)
                case .gauge(let value):
                    add("", .gauge, value)
                case .histogram(let data):
                    add("count", .count, Double(data.count))
                    add("sum", .count, data.sum)
                    guard data.count > 0 else { continue }
                    add("avg", .gauge, data.sum / Double(data.count))
                    if let maximum = data.estimatedMaximum { add("max", .gauge, maximum) }
                    for percentile in histogramPercentiles {
                        if let value = data.estimatedQuantile(percentile) {
                            add(StatsDLineFormatter.quantileSuffix(percentile), .gauge, value)
                        }
                    }
                case .summary(let data):
                    add("count", .count, Double(data.count))
                    add("sum", .count, data.sum)
                    if data.count > 0 { add("avg", .gauge, data.sum / Double(data.count)) }
                    for quantile in data.quantiles where !quantile.value.isNaN {
                        add(quantile.quantile >= 1 ? "max" : StatsDLineFormatter.quantileSuffix(quantile.quantile), .gauge, quantile.value)
                    }
                }
            }
        }
        return (result, sources, skipped)
    }
}

extension HistogramValue {
    /// The `q` quantile estimated from the buckets by linear interpolation within the bucket that holds it
    /// (the first bucket starts at 0, or at its bound when that is negative); `nil` without observations.
    /// A quantile in the `+Inf` bucket is reported as the highest finite bound (or the recorded max).
    func estimatedQuantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = q * Double(count)
        var cumulative: UInt64 = 0
        for (index, bucketCount) in bucketCounts.enumerated() {
            let previous = cumulative
            cumulative += bucketCount
            guard Double(cumulative) >= rank, bucketCount > 0 else { continue }
            guard index < bounds.count else { return max ?? bounds.last }
            let upper = bounds[index]
            let lower = index > 0 ? bounds[index - 1] : Swift.min(0, upper)
            return lower + (upper - lower) * (rank - Double(previous)) / Double(bucketCount)
        }
        return bounds.last
    }

    /// The upper edge of the highest non-empty bucket, narrowed by the recorded max when known.
    var estimatedMaximum: Double? {
        guard let highest = bucketCounts.lastIndex(where: { $0 > 0 }) else { return nil }
        let edge = highest < bounds.count ? bounds[highest] : nil
        return [edge, max].compactMap { $0 }.min() ?? bounds.last
    }
}
