import Synchronization

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
/// Lookups hash the label values in declared order straight from the caller's labels and find the
/// series in a `SeriesDirectory` without taking a lock (`ReaderGate` keeps a replaced directory alive
/// until no reader can see it), so recording into an existing series allocates nothing and waits for
/// nothing. Creating, removing and listing series take the table's lock. Series are kept sorted by
/// label values for deterministic output; beyond `cardinalityLimit` label sets, measurements go to one
/// overflow series labelled `otel_metric_overflow="true"`.
///
/// A removed series starts over (empty, new start time) and leaves the output, but a handle may still
/// hold it: the table remembers it weakly, and brings it back (rather than creating a twin) when its
/// labels are recorded again, or at the next collection once a handle has recorded into it. Nothing
/// recorded through a stale handle is lost, and a series nobody holds is forgotten.
final class SeriesTable<Series: TableSeries>: @unchecked Sendable {
    // @unchecked: `directory` is replaced only under `state`'s lock, and freed only after the gate's wait.

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

    /// What the lock guards: the series in output order, the overflow series, the removed ones.
    private struct State: @unchecked Sendable {  // @unchecked: only used under `state`'s lock
        var sorted: [Entry] = []
        var overflow: Entry?
        var removed: [Removed] = []
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
    private let state = LockedValue(State())
    private let gate = ReaderGate.shared
    /// `labelNames` where the recording path reads them without retaining an array.
    private let declaredNames: UnsafeMutableBufferPointer<String>
    /// The current directory, retained once by the table.
    private let directory: Atomic<Unmanaged<SeriesDirectory<Series>>>

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
        directory = Atomic(.passRetained(SeriesDirectory(labelCount: labelNames.count, capacity: 8)))
        declaredNames = .allocate(capacity: labelNames.count)
        _ = declaredNames.initialize(from: labelNames)
    }

    deinit {
        directory.load(ordering: .acquiring).release()
        declaredNames.deinitialize()
        declaredNames.deallocate()
    }

    /// Finds or creates the series for `labels`.
    func lookup(_ labels: some LabelValues) -> SeriesLookup<Series> {
        if let unlabeled {
            if let unknown = labels.givenNames.first { return .rejected(.unknown(unknown)) }
            return .series(unlabeled.series)
        }
        let found = withDeclaredOrder(labels) { values, hash -> SeriesLookup<Series> in
            if let series = readExisting(hash, values, { $0.takeUnretainedValue() }) {
                return .series(series)
            }
            return state.withLock { state in
                // The directory changes only under this lock: no gate is needed to read it here.
                if let series = directory.load(ordering: .acquiring).takeUnretainedValue().find(hash, values) {
                    return .series(series.takeUnretainedValue())
                }
                if state.sorted.count >= cardinalityLimit {
                    return .overflow(overflowSeries(&state))
                }
                let labels = labelNames.indices.map { Label(name: labelNames[$0], value: values[$0] ?? "") }
                if let revived = revive(hash: hash, labels: labels, in: &state) { return .series(revived) }
                let entry = Entry(labels: labels, series: makeSeries())
                insert(entry, hash: hash, into: &state)
                return .series(entry.series)
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
        recordAnyOrder(labels, body)
    }

    @inline(__always)
    private func recordAnyOrder(_ labels: some LabelValues, _ body: (Series) -> Void) {
        // An existing series (the common case) is recorded inside the reader gate, through an
        // unretained reference (the directory keeps it alive meanwhile): no lock, no retain, no release.
        // New series and refused labels take the full lookup.
        if unlabeled == nil {
            let recorded = withDeclaredOrder(labels) { values, hash in
                readExisting(hash, values) { series in
                    series._withUnsafeGuaranteedRef(body)
                    return true
                } ?? false
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

    /// Runs `body` on the series for a literal's labels: straight from the literal when its names are in
    /// declared order and the series exists, else as any other labels.
    @inline(__always)
    func record(_ labels: KeyValuePairs<String, String>, _ body: (Series) -> Void) {
        if unlabeled == nil, labels.hasNames(inOrder: UnsafeBufferPointer(declaredNames)) {
            var hasher = LabelHash(seed: hashSeed)
            for index in 0..<labels.count { hasher.combine(labels[index].value) }
            let recorded = readExisting(hasher.finalize(), labels) { series in
                series._withUnsafeGuaranteedRef(body)
                return true
            }
            if recorded == true { return }
        }
        recordAnyOrder(labels, body)
    }

    /// Finds the series for `labels` without creating it.
    func existing(_ labels: [String: String]) -> Series? {
        if let unlabeled { return labels.isEmpty ? unlabeled.series : nil }
        let found = withDeclaredOrder(labels) { values, hash in
            readExisting(hash, values) { $0.takeUnretainedValue() }
        }
        return try? found.get()
    }

    /// Calls `use` on the existing series for `values` inside the reader gate, without taking the lock.
    @inline(__always)
    private func readExisting<Found>(
        _ hash: Int, _ values: some DeclaredValueSource, _ use: (Unmanaged<Series>) -> Found
    ) -> Found? {
        gate.read {
            directory.load(ordering: .sequentiallyConsistent)._withUnsafeGuaranteedRef { current in
                current.find(hash, values).map(use)
            }
        }
    }

    /// Removes the series for `labels`; returns whether one existed. The series starts over, and comes
    /// back when recorded again (through the labels or a handle held from before).
    @discardableResult
    func remove(_ labels: [String: String]) -> Bool {
        guard unlabeled == nil else { return false }
        let removed = withDeclaredOrder(labels) { values, hash in
            state.withLock { state in
                let current = directory.load(ordering: .acquiring).takeUnretainedValue()
                guard let found = current.find(hash, values)?.takeUnretainedValue(),
                    let position = state.sorted.firstIndex(where: { $0.series === found })
                else { return false }
                replaceDirectory(with: current.copy(capacity: current.capacity, removing: found))
                let removed = state.sorted.remove(at: position)
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
        state.withLock { state in
            guard !state.removed.isEmpty else { return }
            for removed in state.removed {
                guard let series = removed.series, series.hasData, state.sorted.count < cardinalityLimit,
                    !state.sorted.contains(where: { $0.labels == removed.seriesLabels.labels })
                else { continue }
                insert(Entry(seriesLabels: removed.seriesLabels, series: series), hash: removed.hash, into: &state)
            }
            state.removed.removeAll { removed in
                guard let series = removed.series else { return true }
                return state.sorted.contains { $0.series === series }
            }
        }
    }

    private func insert(_ entry: Entry, hash: Int, into state: inout State) {
        var current = directory.load(ordering: .acquiring).takeUnretainedValue()
        if current.isFull {
            current = current.copy(capacity: current.capacity * 2)
            replaceDirectory(with: current)
        }
        current.append(hash: hash, values: entry.labels.lazy.map(\.value), series: entry.series)
        state.sorted.insert(entry, at: insertionIndex(for: entry, in: state.sorted))
    }

    /// Publishes `replacement`, then frees the directory it replaces once no reader can still see it
    /// (called under the lock).
    private func replaceDirectory(with replacement: SeriesDirectory<Series>) {
        let old = directory.exchange(.passRetained(replacement), ordering: .sequentiallyConsistent)
        gate.waitForReaders()
        old.release()
    }

    /// The removed series with these labels, put back in the table, if a handle still holds it.
    private func revive(hash: Int, labels: [Label], in state: inout State) -> Series? {
        guard let position = state.removed.firstIndex(where: { $0.hash == hash && $0.seriesLabels.labels == labels }) else {
            return nil
        }
        let removed = state.removed.remove(at: position)
        guard let series = removed.series else { return nil }
        insert(Entry(seriesLabels: removed.seriesLabels, series: series), hash: hash, into: &state)
        return series
    }

    /// Every series in output order. The sorted list is shared, not copied: a later insertion copies
    /// it once if a snapshot still holds it.
    func orderedEntries() -> [Entry] {
        if let unlabeled { return [unlabeled] }
        return state.withLock { state in
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

    private func overflowSeries(_ state: inout State) -> Series {
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
