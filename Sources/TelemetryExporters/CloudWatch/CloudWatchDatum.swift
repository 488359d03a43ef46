import Telemetry

/// One CloudWatch `MetricDatum`, ready to be form-encoded.
struct CloudWatchDatum: Sendable, Equatable {
    enum Payload: Sendable, Equatable {
        case value(Double)
        case statistics(count: Double, sum: Double, minimum: Double, maximum: Double)
    }

    let name: String
    let dimensions: [(name: String, value: String)]
    let payload: Payload
    let unit: String
    /// The series it was made from, so a refused request leaves that series' deltas uncommitted.
    let source: DeltaConverter.SeriesKey

    static func == (lhs: CloudWatchDatum, rhs: CloudWatchDatum) -> Bool {
        lhs.name == rhs.name && lhs.payload == rhs.payload && lhs.unit == rhs.unit
            && lhs.dimensions.map(\.name) == rhs.dimensions.map(\.name)
            && lhs.dimensions.map(\.value) == rhs.dimensions.map(\.value)
    }
}

/// Maps delta snapshots to CloudWatch datums.
///
/// - counter → `name`, the increase since the last export, unit `Count` (nothing when unchanged)
/// - gauge → `name`, the value, unit `None`
/// - histogram → `name` as `StatisticValues`: exact sample count and sum of the interval; minimum and
///   maximum estimated from the edges of the interval's lowest and highest non-empty buckets (narrowed
///   by the recorded min/max when known, the mean where a bucket is open-ended)
/// - summary → `name_count` (`Count`), `name_sum` and each quantile as `name` with a `quantile` dimension
/// Labels become dimensions (at most 30; empty values are left out, as CloudWatch refuses them).
///
/// CloudWatch refuses a whole request for one bad datum, so each datum is checked first: a value that is
/// not finite, or whose magnitude is outside 8.515920e-109…1.174271e108 (zero is fine), is skipped and
/// counted in `invalidValues`; a metric name over 255 characters, a dimension name over 255 or a
/// dimension value over 1,024 is skipped and counted in `invalidNames`.
enum CloudWatchMapping {
    static let maxDimensions = 30
    static let maxNameLength = 255
    static let maxDimensionValueLength = 1024
    /// The smallest and largest magnitudes CloudWatch accepts (2^-360 and 2^360).
    static let acceptedMagnitudes: ClosedRange<Double> = 8.515920e-109...1.174271e108

    /// The datums of a delta snapshot, and how many were skipped.
    struct Mapped {
        var datums: [CloudWatchDatum] = []
        var invalidValues = 0
        var invalidNames = 0
        var truncatedDimensions = false
    }

    static func datums(_ snapshot: MetricsSnapshot) -> Mapped {
        var mapped = Mapped()
        for family in snapshot.families {
            for point in family.points {
                let source = DeltaConverter.SeriesKey(family: family.name, labels: point.labels)
                func add(_ name: String, _ labels: [Label], _ payload: CloudWatchDatum.Payload, unit: String) {
                    append(name, labels, payload, unit: unit, source: source, to: &mapped)
                }
                switch point.value {
                case .counter(let delta):
                    if delta > 0 { add(family.name, point.labels, .value(delta), unit: "Count") }
                case .gauge(let value):
                    add(family.name, point.labels, .value(value), unit: "None")
                case .histogram(let data):
                    guard data.count > 0, let (minimum, maximum) = intervalRange(data) else { continue }
                    add(
                        family.name, point.labels,
                        .statistics(count: Double(data.count), sum: data.sum, minimum: minimum, maximum: maximum),
                        unit: "None")
                case .summary(let data):
                    guard data.count > 0 else { continue }
                    add(family.name + "_count", point.labels, .value(Double(data.count)), unit: "Count")
                    add(family.name + "_sum", point.labels, .value(data.sum), unit: "None")
                    for quantile in data.quantiles where !quantile.value.isNaN {
                        let labels = point.labels + [Label(name: "quantile", value: String(quantile.quantile))]
                        add(family.name, labels, .value(quantile.value), unit: "None")
                    }
                }
            }
        }
        return mapped
    }

    private static func append(
        _ name: String, _ labels: [Label], _ payload: CloudWatchDatum.Payload, unit: String,
        source: DeltaConverter.SeriesKey, to mapped: inout Mapped
    ) {
        let usable = labels.filter { !$0.value.isEmpty }
        if usable.count > maxDimensions { mapped.truncatedDimensions = true }
        let dimensions = usable.prefix(maxDimensions).map { (name: $0.name, value: $0.value) }
        let values: [Double] = switch payload {
        case .value(let value): [value]
        case .statistics(let count, let sum, let minimum, let maximum): [count, sum, minimum, maximum]
        }
        guard values.allSatisfy(isAccepted) else {
            mapped.invalidValues += 1
            return
        }
        guard name.utf8.count <= maxNameLength,
            dimensions.allSatisfy({ $0.name.utf8.count <= maxNameLength && $0.value.utf8.count <= maxDimensionValueLength })
        else {
            mapped.invalidNames += 1
            return
        }
        mapped.datums.append(CloudWatchDatum(name: name, dimensions: dimensions, payload: payload, unit: unit, source: source))
    }

    /// Whether CloudWatch takes `value`: finite, and zero or of a magnitude in `acceptedMagnitudes`.
    static func isAccepted(_ value: Double) -> Bool {
        value.isFinite && (value == 0 || acceptedMagnitudes.contains(abs(value)))
    }

    /// The tightest known range of the interval's observations: bucket edges around the non-empty
    /// buckets, narrowed by the recorded min/max when known; an open edge falls back to the mean.
    private static func intervalRange(_ data: HistogramValue) -> (Double, Double)? {
        guard let lowest = data.bucketCounts.firstIndex(where: { $0 > 0 }),
            let highest = data.bucketCounts.lastIndex(where: { $0 > 0 })
        else { return nil }
        let mean = data.sum / Double(data.count)
        let lowerEdge = lowest > 0 ? data.bounds[lowest - 1] : nil
        let upperEdge = highest < data.bounds.count ? data.bounds[highest] : nil
        let minimum = [lowerEdge, data.min].compactMap { $0 }.max() ?? min(mean, upperEdge ?? mean)
        let maximum = [upperEdge, data.max].compactMap { $0 }.min() ?? max(mean, lowerEdge ?? mean)
        return (min(minimum, maximum), max(minimum, maximum))
    }
}
