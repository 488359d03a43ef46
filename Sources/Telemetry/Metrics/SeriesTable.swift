/// Why a set of labels passed to a recording call was refused.
enum LabelProblem: Error, Equatable {
    /// A declared label was not given.
    case missing(String)
    /// A label was given that the metric does not declare.
    case unknown(String)

    var reason: String {
        switch self {
        case .missing: "missing_label"
        case .unknown: "unknown_label"
        }
    }

    var detail: String {
        switch self {
        case .missing(let name): "label \"\(name)\" is missing"
        case .unknown(let name): "label \"\(name)\" is not declared"
        }
    }
}

/// The outcome of looking up the series for a label set.
enum SeriesLookup<Series: AnyObject & Sendable> {
    /// The series for these labels (created if new).
    case series(Series)
    /// The cardinality limit was reached; the measurement goes to the overflow series.
    case overflow(Series)
    /// The labels do not match the declaration; nothing is recorded.
    case rejected(LabelProblem)
}

/// The series of one metric, keyed by label values, with a cardinality limit.
///
/// Lookups hash the label values in declared order straight from the caller's dictionary, so finding
/// an existing series allocates nothing. Series are kept sorted by label values for deterministic
/// output; beyond `cardinalityLimit` label sets, measurements go to one overflow series labelled
/// `otel_metric_overflow="true"`.
final class SeriesTable<Series: AnyObject & Sendable>: Sendable {
    /// One series with the labels it was created for.
    struct Entry: Sendable {
        let labels: [Label]
        /// The labels in exposition syntax, rendered once when the series is created.
        let exposedLabels: [UInt8]
        let startTimeNanos: UInt64
        let series: Series

        init(labels: [Label], startTimeNanos: UInt64, series: Series) {
            self.labels = labels
            exposedLabels = ExpositionLabels.render(labels)
            self.startTimeNanos = startTimeNanos
            self.series = series
        }
    }

    private struct State {
        var byHash: [Int: [Entry]] = [:]
        var sorted: [Entry] = []
        var overflow: Entry?
    }

    /// The label name of the overflow series.
    static var overflowLabelName: String { "otel_metric_overflow" }

    let context: MetricContext
    let labelNames: [String]
    let cardinalityLimit: Int
    private let makeSeries: @Sendable () -> Series
    private let unlabeled: Entry?
    private let state = ReadWriteLockedValue(State())

    init(
        context: MetricContext, labelNames: [String], cardinalityLimit: Int,
        makeSeries: @escaping @Sendable () -> Series
    ) {
        self.context = context
        self.labelNames = labelNames
        self.cardinalityLimit = cardinalityLimit
        self.makeSeries = makeSeries
        // A metric without labels has exactly one series, which exists (at zero) from registration on.
        unlabeled = labelNames.isEmpty
            ? Entry(labels: [], startTimeNanos: WallClock.nowNanos(), series: makeSeries()) : nil
    }

    /// Finds or creates the series for `labels`.
    func lookup(_ labels: [String: String]) -> SeriesLookup<Series> {
        if let unlabeled {
            if let unknown = labels.keys.first { return .rejected(.unknown(unknown)) }
            return .series(unlabeled.series)
        }
        let hash: Int
        switch hashValues(labels) {
        case .success(let value): hash = value
        case .failure(let problem): return .rejected(problem)
        }
        if let series = state.read({ $0.byHash[hash]?.first(where: { matches($0, labels) })?.series }) {
            return .series(series)
        }
        return state.write { state in
            if let entry = state.byHash[hash]?.first(where: { matches($0, labels) }) {
                return .series(entry.series)
            }
            if state.sorted.count >= cardinalityLimit {
                return .overflow(overflowSeries(&state))
            }
            let entry = Entry(
                labels: labelNames.map { Label(name: $0, value: labels[$0] ?? "") },
                startTimeNanos: WallClock.nowNanos(), series: makeSeries())
            state.byHash[hash, default: []].append(entry)
            state.sorted.insert(entry, at: insertionIndex(for: entry, in: state.sorted))
            return .series(entry.series)
        }
    }

    /// Runs `body` on the series for `labels`; reports refused labels and overflow instead of trapping.
    @inline(__always)
    func record(_ labels: [String: String], _ body: (Series) -> Void) {
        switch lookup(labels) {
        case .series(let series):
            body(series)
        case .overflow(let series):
            context.issues?.overflowed(metric: context.name, limit: cardinalityLimit)
            body(series)
        case .rejected(let problem):
            context.issues?.rejected(metric: context.name, reason: problem.reason, detail: problem.detail)
        }
    }

    /// Finds the series for `labels` without creating it.
    func existing(_ labels: [String: String]) -> Series? {
        if let unlabeled { return labels.isEmpty ? unlabeled.series : nil }
        guard case .success(let hash) = hashValues(labels) else { return nil }
        return state.read { state in
            state.byHash[hash]?.first(where: { matches($0, labels) })?.series
        }
    }

    /// Removes the series for `labels`; returns whether one existed.
    @discardableResult
    func remove(_ labels: [String: String]) -> Bool {
        guard unlabeled == nil, case .success(let hash) = hashValues(labels) else { return false }
        return state.write { state in
            guard let entry = state.byHash[hash]?.first(where: { matches($0, labels) }) else { return false }
            state.byHash[hash]?.removeAll { $0.series === entry.series }
            if state.byHash[hash]?.isEmpty == true { state.byHash[hash] = nil }
            state.sorted.removeAll { $0.series === entry.series }
            return true
        }
    }

    /// Every series in output order: sorted by label values, the overflow series last.
    func entries() -> [Entry] {
        if let unlabeled { return [unlabeled] }
        return state.read { state in
            guard let overflow = state.overflow else { return state.sorted }
            return state.sorted + [overflow]
        }
    }

    private func hashValues(_ labels: [String: String]) -> Result<Int, LabelProblem> {
        var hasher = Hasher()
        for name in labelNames {
            guard let value = labels[name] else { return .failure(.missing(name)) }
            hasher.combine(value)
        }
        if labels.count != labelNames.count {
            let unknown = labels.keys.first { !labelNames.contains($0) } ?? ""
            return .failure(.unknown(unknown))
        }
        return .success(hasher.finalize())
    }

    private func matches(_ entry: Entry, _ labels: [String: String]) -> Bool {
        for label in entry.labels where labels[label.name] != label.value {
            return false
        }
        return true
    }

    private func overflowSeries(_ state: inout State) -> Series {
        if let overflow = state.overflow { return overflow.series }
        let entry = Entry(
            labels: [Label(name: Self.overflowLabelName, value: "true")],
            startTimeNanos: WallClock.nowNanos(), series: makeSeries())
        state.overflow = entry
        return entry.series
    }

    private func insertionIndex(for entry: Entry, in sorted: [Entry]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle].labels.lexicographicallyPrecedes(entry.labels, by: { $0.value < $1.value }) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}

extension SeriesTable {
    /// Finds or creates the series for a handle; refuses labels that do not match the declaration.
    func bind(_ labels: [String: String]) throws(MetricsError) -> Series {
        switch lookup(labels) {
        case .series(let series):
            return series
        case .overflow(let series):
            context.issues?.overflowed(metric: context.name, limit: cardinalityLimit)
            return series
        case .rejected(let problem):
            throw MetricsError(.labelMismatch, "metric \"\(context.name)\": \(problem.detail)")
        }
    }
}
