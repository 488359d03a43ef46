import Synchronization

/// A monotonically increasing total, optionally split by labels.
///
/// ```swift
/// let executions = try collector.counter("pipeline_executions_total", labels: ["pipeline_name", "status"])
/// executions.inc(["pipeline_name": "data_processor", "status": "success"])
/// ```
/// Recording never throws or traps: labels that do not match the declaration, and negative or
/// non-finite increments, record nothing and are counted in `telemetry_rejected_measurements_total`.
public final class TelemetryCounter: Sendable {
    /// The registered name.
    public let name: String
    /// The help text.
    public let help: String
    /// The declared label names, in order.
    public let labelNames: [String]
    private let table: SeriesTable<Series>

    init(name: String, help: String, labelNames: [String], cardinalityLimit: Int, issues: RecordingIssues?) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        let context = MetricContext(name: name, issues: issues)
        table = SeriesTable(context: context, labelNames: labelNames, cardinalityLimit: cardinalityLimit) {
            Series(context: context)
        }
    }

    /// Adds one to the series for `labels`.
    @_disfavoredOverload  // so that literals take the allocation-free overload below
    public func inc(_ labels: [String: String] = [:]) {
        table.record(labels) { $0.inc() }
    }

    /// Adds one to the series for `labels`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func inc(_ labels: KeyValuePairs<String, String>) {
        table.record(labels) { $0.inc() }
    }

    /// Adds `amount` (finite and not negative) to the series for `labels`.
    @_disfavoredOverload
    public func inc(by amount: Double, _ labels: [String: String] = [:]) {
        add(amount, labels)
    }

    /// Adds `amount` (finite and not negative) to the series for `labels`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func inc(by amount: Double, _ labels: KeyValuePairs<String, String>) {
        add(amount, labels)
    }

    private func add(_ amount: Double, _ labels: some LabelValues) {
        guard Series.isValidIncrement(amount) else {
            table.context.rejectValue("counter increment \(amount) is negative or not finite")
            return
        }
        table.record(labels) { $0.add(amount) }
    }

    /// The current total for `labels`; 0 when that series has not been recorded.
    public func get(_ labels: [String: String] = [:]) -> Double {
        table.existing(labels)?.get() ?? 0
    }

    /// Returns a handle bound to one label set, for recording without a label lookup.
    ///
    /// - Throws: `MetricsError` with reason `.labelMismatch` when `labels` do not match the declaration.
    public func labels(_ labels: [String: String]) throws(MetricsError) -> Series {
        try table.bind(labels)
    }

    /// Removes the series for `labels`; later recordings start it again from zero.
    @discardableResult
    public func remove(_ labels: [String: String]) -> Bool {
        table.remove(labels)
    }

    func collect() -> MetricFamily {
        let scalars = table.scalarSnapshot({ $0.get() }, as: { .counter($0) })
        return MetricFamily(name: name, help: help, kind: .counter, labelNames: labelNames, collected: .scalars(scalars))
    }

    /// One series of a counter: a handle that records without looking up labels.
    public final class Series: TableSeries {
        // Whole increments (the common case) go to a striped atomic total; fractional ones to a CAS loop.
        @usableFromInline let whole = StripedCounter()
        private let fraction = AtomicDouble(0)
        private let context: MetricContext
        private let start = SeriesStart()

        init(context: MetricContext) {
            self.context = context
        }

        /// Adds one (inlined into the caller: an uncontended add is one compare-exchange).
        @inlinable
        public func inc() {
            whole.add(1)
        }

        /// Adds `amount`; a negative or non-finite amount records nothing and is counted as rejected.
        public func inc(by amount: Double) {
            guard Self.isValidIncrement(amount) else {
                context.rejectValue("counter increment \(amount) is negative or not finite")
                return
            }
            add(amount)
        }

        /// The current total.
        public func get() -> Double {
            Double(whole.load()) + fraction.load()
        }

        /// Sets the total back to zero with a new start time (swift-metrics `reset()`), so backends see a
        /// counter reset rather than a decrease.
        package func reset() {
            restart()
        }

        var startTimeNanos: UInt64 { start.value }

        var hasData: Bool { self.get() != 0 }

        func restart() {
            whole.reset()
            fraction.store(0)
            start.restart()
        }

        static func isValidIncrement(_ amount: Double) -> Bool {
            amount >= 0 && amount.isFinite
        }

        func add(_ amount: Double) {
            if amount < 9_007_199_254_740_992, amount.rounded(.towardZero) == amount {
                whole.add(UInt64(amount))
            } else {
                fraction.add(amount)
            }
        }
    }
}
