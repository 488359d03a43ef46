/// Why a set of labels passed to a recording call was refused.
enum LabelProblem: Error, Equatable {
    /// A declared label was not given.
    case missing(String)
    /// A label was given that the metric does not declare.
    case unknown(String)
    /// A label was given twice.
    case duplicate(String)

    var reason: String {
        switch self {
        case .missing: "missing_label"
        case .unknown: "unknown_label"
        case .duplicate: "duplicate_label"
        }
    }

    var detail: String {
        switch self {
        case .missing(let name): "label \"\(name)\" is missing"
        case .unknown(let name): "label \"\(name)\" is not declared"
        case .duplicate(let name): "label \"\(name)\" is given more than once"
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
///
/// A removed series starts over (empty, new start time) and leaves the output, but a handle may still
/// hold it: the table remembers it weakly, and brings it back (rather than creating a twin) when its
/// labels are recorded again, or at the next collection once a handle has recorded into it. Nothing
/// recorded through a stale handle is lost, and a series nobody holds is forgotten.
final class SeriesTable<Series: TableSeries>: Sendable {
    /// One series with the labels it was created for.
    struct Entry: Sendable {
        /// The labels, with their exposition syntax rendered once when the series is created.
        let seriesLabels: SeriesLabels
        let series: Series

        var labels: [Label] { seriesLabels.labels }
        var startTimeNanos: UInt64 { series.startTimeNanos }

        init(labels: [Label], series: Series) {
            seriesLabels = SeriesLabels(labels, exposed: ExpositionLabels.render(labels))
            self.series = series
        }

        init(seriesLabels: SeriesLabels, series: Series) {
            self.seriesLabels = seriesLabels
            self.series = series
        }
    }

    /// A removed series, held weakly until it is recorded again or nobody holds it.
    private struct Removed: @unchecked Sendable {  // @unchecked: only used under `state`'s lock
        let hash: Int
        let seriesLabels: SeriesLabels
        weak var series: Series?
    }

    // A class: readers reach the arrays through one reference, where a struct read through the lock's
    // pointer would be copied whole on every lookup. Exclusivity is the lock's job, so the runtime's
    // per-access checks are turned off.
    private final class State: @unchecked Sendable {  // @unchecked: only used under `state`'s lock
        /// The series in creation order, and the index of their label hashes.
        @exclusivity(unchecked) var created: [Entry] = []
        @exclusivity(unchecked) var index = SeriesHashIndex()
        @exclusivity(unchecked) var sorted: [Entry] = []
        @exclusivity(unchecked) var overflow: Entry?
        @exclusivity(unchecked) var removed: [Removed] = []

        /// The position in `created` of the series with these values. A plain loop, no closures:
        /// a closure would capture (copy) the state, and the lookup runs on every recording call.
        func position(of hash: Int, _ values: DeclaredValues) -> Int? {
            var probe = index.probe(hash)
            while let position = index.next(&probe) {
                if State.matches(created[position].labels, values) { return position }
            }
            return nil
        }

        /// Runs `body` on the series with these values, if it exists; returns whether it did.
        func recordExisting(_ hash: Int, _ values: DeclaredValues, _ body: (Series) -> Void) -> Bool {
            guard let position = position(of: hash, values) else { return false }
            created.withUnsafeBufferPointer { entries in
                Unmanaged.passUnretained(entries[position].series)._withUnsafeGuaranteedRef(body)
            }
            return true
        }

        /// The series with these values, if it exists.
        func series(of hash: Int, _ values: DeclaredValues) -> Series? {
            guard let position = position(of: hash, values) else { return nil }
            return created[position].series
        }

        private static func matches(_ labels: [Label], _ values: DeclaredValues) -> Bool {
            for position in labels.indices where labels[position].value != values[position] {
                return false
            }
            return true
        }
    }

    /// The label name of the overflow series.
    static var overflowLabelName: String { "otel_metric_overflow" }

    let context: MetricContext
    let labelNames: [String]
    let cardinalityLimit: Int
    /// This table's seed for `LabelHash`.
    private let hashSeed = UInt64.random(in: .min ... .max)
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
        unlabeled = labelNames.isEmpty ? Entry(labels: [], series: makeSeries()) : nil
    }

    /// Finds or creates the series for `labels`.
    func lookup(_ labels: some LabelValues) -> SeriesLookup<Series> {
        if let unlabeled {
            if let unknown = labels.givenNames.first { return .rejected(.unknown(unknown)) }
            return .series(unlabeled.series)
        }
        let found = withDeclaredOrder(labels) { values, hash -> SeriesLookup<Series> in
            if let series = state.read({ $0.series(of: hash, values) }) {
                return .series(series)
            }
            return state.write { state in
                if let position = state.position(of: hash, values) {
                    return .series(state.created[position].series)
                }
                if state.sorted.count >= cardinalityLimit {
                    return .overflow(overflowSeries(state))
                }
                let labels = labelNames.indices.map { Label(name: labelNames[$0], value: values[$0] ?? "") }
                if let revived = revive(hash: hash, labels: labels, in: state) { return .series(revived) }
                insert(Entry(labels: labels, series: makeSeries()), hash: hash, into: state)
                return .series(state.created[state.created.count - 1].series)
            }
        }
        switch found {
        case .success(let lookup): return lookup
        case .failure(let problem): return .rejected(problem)
        }
    }

    /// Runs `body` on the series for `labels`; reports refused labels and overflow instead of trapping.
    @inline(__always)
    func record(_ labels: some LabelValues, _ body: (Series) -> Void) {
        // An existing series (the common case) is recorded while the read lock is held, through an
        // unretained reference (the table keeps it alive meanwhile), which saves an atomic retain and
        // release per call. New series and refused labels take the full lookup.
        if unlabeled == nil {
            let recorded = withDeclaredOrder(labels) { values, hash in
                state.read { $0.recordExisting(hash, values, body) }
            }
            if case .success(true) = recorded { return }
        }
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
        let found = withDeclaredOrder(labels) { values, hash in
            state.read { $0.series(of: hash, values) }
        }
        return try? found.get()
    }

    /// Removes the series for `labels`; returns whether one existed. The series starts over, and comes
    /// back when recorded again (through the labels or a handle held from before).
    @discardableResult
    func remove(_ labels: [String: String]) -> Bool {
        guard unlabeled == nil else { return false }
        let removed = withDeclaredOrder(labels) { values, hash in
            state.write { state in
                guard let position = state.position(of: hash, values) else { return false }
                let removed = state.created.remove(at: position)
                state.index.remove(at: position)
                state.sorted.removeAll { $0.series === removed.series }
                removed.series.restart()
                state.removed.removeAll { $0.series == nil }
                state.removed.append(Removed(hash: hash, seriesLabels: removed.seriesLabels, series: removed.series))
                return true
            }
        }
        return (try? removed.get()) ?? false
    }

    /// Brings back removed series that a handle recorded into, and forgets those nobody holds; called
    /// at each collection.
    func reviveRecordedSeries() {
        guard state.read({ !$0.removed.isEmpty }) else { return }
        state.write { state in
            for removed in state.removed {
                guard let series = removed.series, series.hasData, state.sorted.count < cardinalityLimit,
                    !state.created.contains(where: { $0.labels == removed.seriesLabels.labels })
                else { continue }
                insert(Entry(seriesLabels: removed.seriesLabels, series: series), hash: removed.hash, into: state)
            }
            state.removed.removeAll { removed in
                guard let series = removed.series else { return true }
                return state.created.contains { $0.series === series }
            }
        }
    }

    private func insert(_ entry: Entry, hash: Int, into state: State) {
        state.created.append(entry)
        state.index.append(hash)
        state.sorted.insert(entry, at: insertionIndex(for: entry, in: state.sorted))
    }

    /// The removed series with these labels, put back in the table, if a handle still holds it.
    private func revive(hash: Int, labels: [Label], in state: State) -> Series? {
        guard let position = state.removed.firstIndex(where: { $0.hash == hash && $0.seriesLabels.labels == labels }) else {
            return nil
        }
        let removed = state.removed.remove(at: position)
        guard let series = removed.series else { return nil }
        insert(Entry(seriesLabels: removed.seriesLabels, series: series), hash: hash, into: state)
        return series
    }

    /// One point per series in output order, with the value `read` takes from its series. Entries are
    /// read in place: copying each one out retained and released its labels and series.
    func points(_ read: (Series) -> MetricValue) -> [MetricPoint] {
        reviveRecordedSeries()
        return orderedEntries().withUnsafeBufferPointer { entries in
            entries.indices.map { index in
                MetricPoint(
                    seriesLabels: entries[index].seriesLabels, startTimeNanos: entries[index].startTimeNanos,
                    value: read(entries[index].series))
            }
        }
    }

    /// Every series in output order. The sorted list is shared, not copied: a later insertion copies
    /// it once if a snapshot still holds it.
    func orderedEntries() -> [Entry] {
        if let unlabeled { return [unlabeled] }
        return state.read { state in
            guard let overflow = state.overflow else { return state.sorted }
            return state.sorted + [overflow]
        }
    }

    /// Calls `body` with the values of `labels` by declared position and their hash, without allocating.
    private func withDeclaredOrder<Found>(
        _ labels: some LabelValues, _ body: (DeclaredValues, _ hash: Int) -> Found
    ) -> Result<Found, LabelProblem> {
        guard labels.count == labelNames.count else { return .failure(problem(with: labels)) }
        return labels.withValues(declaredAs: labelNames) { values in
            // As many labels as declared names, and each declared name found: exactly the declared set.
            var hasher = LabelHash(seed: hashSeed)
            for position in labelNames.indices {
                guard let value = values[position] else { return .failure(problem(with: labels)) }
                hasher.combine(value)
            }
            return .success(body(values, hasher.finalize()))
        }
    }

    /// What is wrong with a label set that does not match the declaration: a missing name first.
    private func problem(with labels: some LabelValues) -> LabelProblem {
        if let missing = labelNames.first(where: { labels.value(named: $0) == nil }) { return .missing(missing) }
        let given = labels.givenNames
        if let unknown = given.first(where: { !labelNames.contains($0) }) { return .unknown(unknown) }
        return .duplicate(given.enumerated().first { given[..<$0.offset].contains($0.element) }?.element ?? "")
    }

    private func overflowSeries(_ state: State) -> Series {
        if let overflow = state.overflow { return overflow.series }
        let entry = Entry(labels: [Label(name: Self.overflowLabelName, value: "true")], series: makeSeries())
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
