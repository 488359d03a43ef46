/// Observations summarised as quantiles over a sliding time window, plus their total sum and count.
///
/// ```swift
/// let latency = try collector.summary("request_latency_seconds", labels: ["service"],
///                                     quantiles: [0.5, 0.9, 0.95, 0.99])
/// latency.observe(0.075, ["service": "api"])
/// ```
/// Quantiles come from a streaming sketch with at most 1% relative error and bounded memory, over the
/// last `maxAge` (default 10 minutes), which slides in `ageBuckets` steps. Sum and count cover every
/// observation since the series was created, as Prometheus expects.
public final class TelemetrySummary: Sendable {
    /// The quantiles reported when none are given.
    public static let defaultQuantiles: [Double] = [0.5, 0.9, 0.95, 0.99]
    /// The default sliding window.
    public static let defaultMaxAge: Duration = .seconds(600)
    /// The default number of steps the window slides in.
    public static let defaultAgeBuckets = 5

    /// The registered name.
    public let name: String
    /// The help text.
    public let help: String
    /// The declared label names, in order.
    public let labelNames: [String]
    /// The reported quantiles, in declared order.
    public let quantiles: [Double]
    /// The sliding window the quantiles cover.
    public let maxAge: Duration
    /// The number of steps the window slides in.
    public let ageBuckets: Int
    private let table: SeriesTable<Series>
    /// The series' clock (nanoseconds), read once per collection.
    private let clock: @Sendable () -> UInt64

    init(
        name: String, help: String, labelNames: [String], quantiles: [Double], maxAge: Duration, ageBuckets: Int,
        cardinalityLimit: Int, issues: RecordingIssues?, clock: @escaping @Sendable () -> UInt64
    ) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.quantiles = quantiles
        self.clock = clock
        self.maxAge = maxAge
        self.ageBuckets = ageBuckets
        let context = MetricContext(name: name, issues: issues)
        let windowNanos = maxAge.nanoseconds
        table = SeriesTable(context: context, labelNames: labelNames, cardinalityLimit: cardinalityLimit) {
            Series(
                quantiles: quantiles, windowNanos: windowNanos, slotCount: ageBuckets, context: context, clock: clock)
        }
    }

    /// The most steps a summary's window may slide in (each step holds a sketch of up to 4,096 bins).
    public static let maxAgeBuckets = 1000

    /// Checks quantiles (each in 0...1, no duplicates), the window and its step count.
    static func validate(
        quantiles: [Double], maxAge: Duration, ageBuckets: Int, metric: String
    ) throws(MetricsError) {
        guard quantiles.allSatisfy({ $0 >= 0 && $0 <= 1 }), Set(quantiles).count == quantiles.count else {
            throw MetricsError(
                .invalidQuantiles, "summary \"\(metric)\": quantiles must be distinct values in 0...1, got \(quantiles)")
        }
        guard maxAge > .zero, (1...maxAgeBuckets).contains(ageBuckets) else {
            throw MetricsError(
                .invalidQuantiles,
                "summary \"\(metric)\": maxAge must be positive and ageBuckets in 1...\(maxAgeBuckets), got \(ageBuckets)")
        }
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
            table.context.rejectValue("summary observation \(value) is not finite")
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

    /// The current quantiles, sum and count for `labels`, or `nil` when that series has not been recorded.
    public func get(_ labels: [String: String] = [:]) -> SummaryValue? {
        table.existing(labels)?.get()
    }

    /// Removes the series for `labels`; later recordings start it again from zero.
    @discardableResult
    public func remove(_ labels: [String: String]) -> Bool {
        table.remove(labels)
    }

    func collect() -> MetricFamily {
        MetricFamily(
            name: name, help: help, kind: .summary, labelNames: labelNames,
            collected: .summaries(table.summarySnapshot(quantiles: quantiles, nowNanos: clock())))
    }

    /// One series of a summary: a handle that records without looking up labels.
    public final class Series: TableSeries {
        private struct State: Sendable {
            var window: SlidingWindowSketch
            var sum: Double = 0
            var count: UInt64 = 0
        }

        private let quantiles: [Double]
        private let state: LockedValue<State>
        private let context: MetricContext
        private let clock: @Sendable () -> UInt64
        private let start = SeriesStart()

        init(
            quantiles: [Double], windowNanos: UInt64, slotCount: Int, context: MetricContext,
            clock: @escaping @Sendable () -> UInt64
        ) {
            self.quantiles = quantiles
            self.state = LockedValue(State(window: SlidingWindowSketch(windowNanos: windowNanos, slotCount: slotCount)))
            self.context = context
            self.clock = clock
        }

        /// Records one observation; NaN and infinite values record nothing and are counted as rejected.
        public func observe(_ value: Double) {
            guard value.isFinite else {
                context.rejectValue("summary observation \(value) is not finite")
                return
            }
            record(value)
        }

        /// Copies the estimates of the quantiles over the window as it stands at `nowNanos` to `estimates`
        /// (as many as it holds), and returns the total sum and count.
        func read(into estimates: UnsafeMutableBufferPointer<Double>, nowNanos: UInt64) -> (sum: Double, count: UInt64) {
            state.withLock { state in
                for (position, value) in state.window.quantiles(quantiles, nowNanos: nowNanos).prefix(estimates.count).enumerated() {
                    estimates[position] = value.value
                }
                return (state.sum, state.count)
            }
        }

        /// The current quantiles over the window, and the total sum and count.
        public func get() -> SummaryValue {
            let now = clock()
            return state.withLock { state in
                SummaryValue(quantiles: state.window.quantiles(quantiles, nowNanos: now), sum: state.sum, count: state.count)
            }
        }

        func record(_ value: Double) {
            let now = clock()
            state.withLock { state in
                state.window.add(value, nowNanos: now)
                state.sum += value
                state.count &+= 1
            }
        }

        var startTimeNanos: UInt64 { start.value }

        var hasData: Bool { state.withLock { $0.count != 0 } }

        func restart() {
            state.withLock { state in
                state = State(window: state.window.emptied())
            }
            start.restart()
        }
    }
}
