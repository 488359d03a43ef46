/// A value that can go up and down, optionally split by labels.
///
/// ```swift
/// let connections = try collector.gauge("active_connections", help: "Current active connections")
/// connections.inc(); connections.dec(); connections.set(42)
/// ```
/// `set` accepts any value, including NaN; `inc`/`dec` refuse non-finite amounts (counted as rejected).
public final class TelemetryGauge: Sendable {
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

    // Each recording call has a dictionary overload, disfavoured so that literals take the
    // allocation-free `KeyValuePairs` one.

    /// Adds one to the series for `labels`.
    @_disfavoredOverload
    public func inc(_ labels: [String: String] = [:]) {
        add(1, labels)
    }

    /// Adds one to the series for `labels`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func inc(_ labels: KeyValuePairs<String, String>) {
        add(1, labels)
    }

    /// Adds `amount` to the series for `labels`.
    @_disfavoredOverload
    public func inc(by amount: Double, _ labels: [String: String] = [:]) {
        add(amount, labels)
    }

    /// Adds `amount` to the series for `labels`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func inc(by amount: Double, _ labels: KeyValuePairs<String, String>) {
        add(amount, labels)
    }

    /// Subtracts one from the series for `labels`.
    @_disfavoredOverload
    public func dec(_ labels: [String: String] = [:]) {
        add(-1, labels)
    }

    /// Subtracts one from the series for `labels`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func dec(_ labels: KeyValuePairs<String, String>) {
        add(-1, labels)
    }

    /// Subtracts `amount` from the series for `labels`.
    @_disfavoredOverload
    public func dec(by amount: Double, _ labels: [String: String] = [:]) {
        add(-amount, labels)
    }

    /// Subtracts `amount` from the series for `labels`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func dec(by amount: Double, _ labels: KeyValuePairs<String, String>) {
        add(-amount, labels)
    }

    /// Sets the series for `labels` to `value`.
    @_disfavoredOverload
    public func set(_ value: Double, _ labels: [String: String] = [:]) {
        table.record(labels) { $0.set(value) }
    }

    /// Sets the series for `labels` to `value`; a literal (`["name": "value"]`) is taken this way and allocates nothing.
    public func set(_ value: Double, _ labels: KeyValuePairs<String, String>) {
        table.record(labels) { $0.set(value) }
    }

    private func add(_ amount: Double, _ labels: some LabelValues) {
        guard amount.isFinite else {
            table.context.rejectValue("gauge change \(amount) is not finite")
            return
        }
        table.record(labels) { $0.add(amount) }
    }

    /// The current value for `labels`; 0 when that series has not been recorded.
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
        let scalars = table.scalarSnapshot({ $0.get() }, as: { .gauge($0) })
        return MetricFamily(name: name, help: help, kind: .gauge, labelNames: labelNames, collected: .scalars(scalars))
    }

    /// One series of a gauge: a handle that records without looking up labels.
    public final class Series: TableSeries {
        private let value = AtomicDouble(0)
        private let context: MetricContext
        private let start = SeriesStart()

        init(context: MetricContext) {
            self.context = context
        }

        /// Adds one.
        public func inc() { value.add(1) }

        /// Adds `amount`; a non-finite amount records nothing and is counted as rejected.
        public func inc(by amount: Double) {
            guard amount.isFinite else {
                context.rejectValue("gauge change \(amount) is not finite")
                return
            }
            value.add(amount)
        }

        /// Subtracts one.
        public func dec() { value.add(-1) }

        /// Subtracts `amount`; a non-finite amount records nothing and is counted as rejected.
        public func dec(by amount: Double) { inc(by: -amount) }

        /// Sets the value.
        public func set(_ newValue: Double) { value.store(newValue) }

        /// The current value.
        public func get() -> Double { value.load() }

        func add(_ amount: Double) { value.add(amount) }

        var startTimeNanos: UInt64 { start.value }

        /// A removed gauge comes back once its value is no longer 0.
        var hasData: Bool { self.get() != 0 }

        func restart() {
            value.store(0)
            start.restart()
        }
    }
}
