import Telemetry

/// Renders metric snapshots in the Prometheus text format 0.0.4 or OpenMetrics 1.0.
///
/// Counters are exposed with a `_total` suffix (added when the name lacks it), histograms as
/// cumulative `_bucket{le=…}` lines ending with `+Inf` plus `_sum` and `_count`, summaries as
/// `quantile` lines plus `_sum` and `_count`. Families come in name order, series in snapshot order.
public struct PrometheusTextRenderer: Sendable {
    /// The prefix joined to every family name with `_`; empty for none.
    public let prefix: String

    /// Creates a renderer; `prefix` must already be a valid metric name prefix (see `sanitizedPrefix`).
    public init(prefix: String = "") {
        self.prefix = prefix
    }

    /// Renders `families` as UTF-8 bytes.
    public func render(_ families: [MetricFamily], format: PrometheusFormat) -> [UInt8] {
        var output = PrometheusTextOutput(format: format)
        output.reserve(families.reduce(0) { $0 + 64 + $1.points.count * 48 })
        for family in families {
            renderFamily(family, into: &output)
        }
        if format == .openMetrics {
            output.append("# EOF\n")
        }
        return output.bytes
    }

    /// Replaces characters a metric name cannot contain with `_`, and a leading digit with `_`.
    public static func sanitizedPrefix(_ prefix: String) -> String {
        var result = ""
        for (offset, character) in prefix.enumerated() {
            let isLetter = character.isASCII && (character.isLetter || character == "_" || character == ":")
            let isDigit = character.isASCII && character.isNumber
            result.append(isLetter || (isDigit && offset > 0) ? character : "_")
        }
        return result
    }

    private func familyName(_ name: String) -> String {
        guard !prefix.isEmpty else { return name }
        return prefix.hasSuffix("_") ? prefix + name : prefix + "_" + name
    }

    private func renderFamily(_ family: MetricFamily, into output: inout PrometheusTextOutput) {
        let name = familyName(family.name)
        switch family.kind {
        case .counter:
            let base = name.hasSuffix("_total") ? String(name.dropLast(6)) : name
            let sample = base + "_total"
            output.header(name: output.format == .openMetrics ? base : sample, kind: "counter", help: family.help)
            for point in family.points {
                if case .counter(let value) = point.value {
                    output.sample(sample, point.labels, value)
                }
            }
        case .gauge:
            output.header(name: name, kind: "gauge", help: family.help)
            for point in family.points {
                if case .gauge(let value) = point.value {
                    output.sample(name, point.labels, value)
                }
            }
        case .histogram:
            output.header(name: name, kind: "histogram", help: family.help)
            for point in family.points {
                if case .histogram(let histogram) = point.value {
                    renderHistogram(name, point.labels, histogram, into: &output)
                }
            }
        case .summary:
            output.header(name: name, kind: "summary", help: family.help)
            for point in family.points {
                if case .summary(let summary) = point.value {
                    for quantile in summary.quantiles {
                        output.sample(name, point.labels, quantile.value, extra: ("quantile", quantile.quantile))
                    }
                    output.sample(name + "_sum", point.labels, summary.sum)
                    output.sample(name + "_count", point.labels, Double(summary.count))
                }
            }
        }
    }

    private func renderHistogram(
        _ name: String, _ labels: [Label], _ histogram: HistogramValue, into output: inout PrometheusTextOutput
    ) {
        let bucketName = name + "_bucket"
        let cumulative = histogram.cumulativeCounts
        for (bound, count) in zip(histogram.bounds, cumulative) {
            output.sample(bucketName, labels, Double(count), extra: ("le", bound))
        }
        output.sample(bucketName, labels, Double(histogram.count), extra: ("le", .infinity))
        output.sample(name + "_sum", labels, histogram.sum)
        output.sample(name + "_count", labels, Double(histogram.count))
    }
}
