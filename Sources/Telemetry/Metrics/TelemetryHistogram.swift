import Synchronization

/// Observations counted into fixed buckets, with their sum, count, minimum and maximum.
///
/// ```swift
/// let duration = try collector.histogram("request_duration_seconds", labels: ["endpoint"],
///                                        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10])
/// duration.observe(0.125, ["endpoint": "/api/users"])
/// ```
/// An observation lands in the first bucket whose upper bound is at or above it (`le` semantics).
/// NaN and infinite observations record nothing and are counted as rejected.
public final class TelemetryHistogram: Sendable {
    /// The Prometheus client default buckets, in seconds.
    public static let defaultBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]

    /// The registered name.
    public let name: String
    /// The help text.
    public let help: String
    /// The declared label names, in order.
    public let labelNames: [String]
    /// Upper bounds of the finite buckets, ascending (`+Inf` is implicit).
    public let buckets: [Double]
    private let table: SeriesTable<Series>

    init(
        name: String, help: String, labelNames: [String], buckets: [Double], cardinalityLimit: Int,
        issues: RecordingIssues?
    ) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets
        let context = MetricContext(name: name, issues: issues)
        table = SeriesTable(context: context, labelNames: labelNames, cardinalityLimit: cardinalityLimit) {
            Series(bounds: buckets, context: context)
        }
    }

    /// Checks and normalises bucket bounds: finite, strictly increasing; a trailing `+Inf` is dropped.
    static func validatedBuckets(_ buckets: [Double], metric: String) throws(MetricsError) -> [Double] {
        var bounds = buckets
        if bounds.last == .infinity { bounds.removeLast() }
        guard bounds.allSatisfy(\.isFinite) else {
            throw MetricsError(.invalidBuckets, "histogram \"\(metric)\": bucket bounds must be finite numbers")
        }
        for (lower, upper) in zip(bounds, bounds.dropFirst()) where !(lower < upper) {
            throw MetricsError(
                .invalidBuckets,
                "histogram \"\(metric)\": bucket bounds must be strictly increasing (\(lower) is followed by \(upper))")
        }
        return bounds
    }

    /// Records `value` in the series for `labels`.
    @_disfavoredOverload  // so that literals take the allocation-free overload below
    public func observe(_ value: Double, _ labels: [String: String] = [:]) {
        record(value, labels)
    }

    /// Records `value` in the series for `labels`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func observe(_ value: Double, _ labels: KeyValuePairs<String, String>) {
        record(value, labels)
    }

    private func record(_ value: Double, _ labels: some LabelValues) {
        guard value.isFinite else {
            table.context.rejectValue("histogram observation \(value) is not finite")
            return
        }
        table.record(labels) { $0.record(value) }
    }

    /// Returns a handle bound to one label set, for recording without a label lookup.
    ///
    /// - Throws: `MetricsError` with reason `.labelMismatch` when `labels` do not match the declaration.
    public func labels(_ labels: [String: String]) throws(MetricsError) -> Series {
        try table.bind(labels)
    }

    /// The current data for `labels`, or `nil` when that series has not been recorded.
    public func get(_ labels: [String: String] = [:]) -> HistogramValue? {
        table.existing(labels)?.get()
    }

    /// Removes the series for `labels`; later recordings start it again from zero.
    @discardableResult
    public func remove(_ labels: [String: String]) -> Bool {
        table.remove(labels)
    }

    func collect() -> MetricFamily {
        MetricFamily(
            name: name, help: help, kind: .histogram, labelNames: labelNames, collected: .histograms(table.histogramSnapshot(bounds: buckets)))
    }
}
