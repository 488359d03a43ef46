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

    /// Renders `families` as UTF-8 bytes. Families and series that cannot be exposed validly (see
    /// `ExpositionCheck`) are left out; `skipped` is told which.
    public func render(
        _ families: [MetricFamily], format: PrometheusFormat, skipped: ([String]) -> Void = { _ in }
    ) -> [UInt8] {
        write(families, format: format, skipped: skipped).finish()
    }

    /// Renders `families` as text, decoded straight from the output buffer (no intermediate array).
    func renderText(_ families: [MetricFamily], format: PrometheusFormat, skipped: ([String]) -> Void = { _ in }) -> String {
        write(families, format: format, skipped: skipped).finishText()
    }

    private func write(_ families: [MetricFamily], format: PrometheusFormat, skipped: ([String]) -> Void) -> PrometheusTextOutput {
        let estimate = families.reduce(0) { total, family in
            let labelsLength = family.collected?.series.firstExposedLabelsCount
                ?? family.points.first?.seriesLabels.exposedBytes?.count ?? 48
            let perPoint = family.name.utf8.count + prefix.utf8.count + 40 + labelsLength
            let lines = family.kind == .histogram ? 16 : family.kind == .summary ? 6 : 1
            return total + 128 + family.help.utf8.count + family.pointCount * perPoint * lines
        }
        var output = PrometheusTextOutput(format: format, capacity: estimate)
        var check = ExpositionCheck()
        for family in families {
            guard let exposable = check.exposable(family, exposedName: familyName(family.name)) else { continue }
            renderFamily(exposable, into: &output)
        }
        if !check.skipped.isEmpty { skipped(check.skipped) }
        if format == .openMetrics {
            output.append("# EOF\n")
        }
        return output
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

    /// Counter and gauge samples, read in place from a collector's snapshot, else from the points.
    private func renderScalars(_ family: MetricFamily, sample: [UInt8], into output: inout PrometheusTextOutput) {
        if let scalars = family.scalars {
            scalars.forEachSample { exposed, value in output.sample(sample, .exposed(exposed), value) }
            return
        }
        forEachPoint(of: family) { point in
            switch point.pointee.value {
            case .counter(let value), .gauge(let value): output.sample(sample, .point(point), value)
            case .histogram, .summary: break
            }
        }
    }

    private func renderFamily(_ family: MetricFamily, into output: inout PrometheusTextOutput) {
        let name = familyName(family.name)
        switch family.kind {
        case .counter:
            let base = name.hasSuffix("_total") ? String(name.dropLast(6)) : name
            let sampleName = base + "_total"
            output.header(name: output.format == .openMetrics ? base : sampleName, kind: "counter", help: family.help)
            renderScalars(family, sample: Array(sampleName.utf8), into: &output)
        case .gauge:
            output.header(name: name, kind: "gauge", help: family.help)
            renderScalars(family, sample: Array(name.utf8), into: &output)
        case .histogram:
            output.header(name: name, kind: "histogram", help: family.help)
            let names = SampleNames(name, valuesSuffix: "_bucket")
            if let histograms = family.histograms {
                histograms.bounds.withUnsafeBufferPointer { bounds in
                    histograms.forEachSeries { exposed, counts, sum in
                        renderHistogram(names, .exposed(exposed), bounds, counts, sum, into: &output)
                    }
                }
                return
            }
            forEachPoint(of: family) { point in
                guard case .histogram(let histogram) = point.pointee.value else { return }
                histogram.bounds.withUnsafeBufferPointer { bounds in
                    histogram.bucketCounts.withUnsafeBufferPointer { counts in
                        renderHistogram(names, .point(point), bounds, counts, histogram.sum, into: &output)
                    }
                }
            }
        case .summary:
            output.header(name: name, kind: "summary", help: family.help)
            let names = SampleNames(name, valuesSuffix: "")
            if let summaries = family.summaries {
                summaries.quantiles.withUnsafeBufferPointer { quantiles in
                    summaries.forEachSeries { exposed, estimates, sum, count in
                        renderSummary(names, .exposed(exposed), zip(quantiles, estimates), sum, count, into: &output)
                    }
                }
                return
            }
            forEachPoint(of: family) { point in
                guard case .summary(let summary) = point.pointee.value else { return }
                let quantiles = summary.quantiles.lazy.map { ($0.quantile, $0.value) }
                renderSummary(names, .point(point), quantiles, summary.sum, summary.count, into: &output)
            }
        }
    }

    /// The quantile lines (`quantiles`: each quantile and its estimate), `_sum` and `_count` of one series.
    private func renderSummary(
        _ names: SampleNames, _ labels: SampleLabels, _ quantiles: some Sequence<(Double, Double)>, _ sum: Double,
        _ count: UInt64, into output: inout PrometheusTextOutput
    ) {
        for (quantile, estimate) in quantiles {
            output.sample(names.values, labels, estimate, extra: (.quantile, quantile))
        }
        output.sample(names.sum, labels, sum)
        output.sample(names.count, labels, Double(count))
    }

    /// Calls `body` with each point of `family` where it is: copying a point out retains and releases
    /// its labels and value, which costs about as much as writing one of its lines.
    private func forEachPoint(of family: MetricFamily, _ body: (UnsafePointer<MetricPoint>) -> Void) {
        family.points.withUnsafeBufferPointer { points in
            guard let first = points.baseAddress else { return }
            for index in points.indices { body(first + index) }
        }
    }

    /// The `_bucket` lines (cumulative, `+Inf` last), `_sum` and `_count` of one series; `counts` holds
    /// one count per bucket including `+Inf`, not cumulative.
    private func renderHistogram(
        _ names: SampleNames, _ labels: SampleLabels, _ bounds: UnsafeBufferPointer<Double>,
        _ counts: UnsafeBufferPointer<UInt64>, _ sum: Double, into output: inout PrometheusTextOutput
    ) {
        var running: UInt64 = 0
        for index in 0..<Swift.min(bounds.count, counts.count) {
            running &+= counts[index]
            output.sample(names.values, labels, Double(running), extra: (.le, bounds[index]))
        }
        // `+Inf` and `_count` are every observation, as `HistogramValue.count` counts them.
        for index in Swift.min(bounds.count, counts.count)..<counts.count { running &+= counts[index] }
        output.sample(names.values, labels, Double(running), extra: (.le, .infinity))
        output.sample(names.sum, labels, sum)
        output.sample(names.count, labels, Double(running))
    }

    /// The sample names of one histogram or summary family, as bytes: the bucket or quantile lines',
    /// `_sum` and `_count`.
    private struct SampleNames {
        let values: [UInt8]
        let sum: [UInt8]
        let count: [UInt8]

        init(_ name: String, valuesSuffix: String) {
            values = Array((name + valuesSuffix).utf8)
            sum = Array((name + "_sum").utf8)
            count = Array((name + "_count").utf8)
        }
    }
}
