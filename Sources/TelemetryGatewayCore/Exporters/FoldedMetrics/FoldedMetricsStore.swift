import Telemetry
import TelemetryExporters
import TelemetryOTLPData

/// Received OTLP metrics folded into per-series state, so pull and push backends (Prometheus, StatsD,
/// CloudWatch, Datadog) see cumulative values (see `FoldedSeries` for the rules), under names that keep
/// the exposition valid (`ExpositionNames`).
///
/// Bounded: at most `maxFamilies` metrics and `maxSeriesPerFamily` label sets each (beyond, the
/// `otel_metric_overflow="true"` series), and at most `maxBytes` bytes (counted by `FoldedStoreBytes`,
/// never less than what is allocated), every one reserved in the memory budget before a family, series
/// or larger value is added and given back when it goes; series not updated for `expiration` are
/// forgotten (checked at most once a second as points arrive, and at every collection). Refused, and
/// counted by reason: exponential histograms (`unsupported_kind`), a name whose kind changed
/// (`kind_conflict`), a name whose exposed samples would clash with another metric's (`name_conflict`),
/// beyond the family limit (`family_limit`), beyond the byte limit or the budget (`memory_limit`), and
/// points not newer than the series' last (`out_of_order`).
public final class FoldedMetricsStore: MetricsSource {
    /// What folding a request did.
    public struct Outcome: Sendable, Equatable {
        /// Points folded.
        public var accepted = 0
        /// Points refused, by reason.
        public var refused: [String: Int] = [:]
    }

    private struct Family: Sendable {
        let kind: MetricKind
        var help: String
        /// The bytes charged for the family without its series.
        var bytes: Int
        var series: [[Label]: FoldedSeries] = [:]
    }

    private struct State: Sendable {
        var families: [String: Family] = [:]
        /// Every exposed sample name → the family that owns it.
        var owners: [String: String] = [:]
        /// The bytes charged for everything kept.
        var bytes = 0
        /// When expired series are next looked for as points arrive (monotonic).
        var nextPruneNanos: UInt64 = 0
    }

    /// The most metric names kept.
    public let maxFamilies: Int
    /// The most label sets per metric.
    public let maxSeriesPerFamily: Int
    /// How long a series is kept without updates.
    public let expiration: Duration
    /// The most bytes kept (as `FoldedStoreBytes` counts them).
    public let maxBytes: Int
    private let clock: any GatewayClock
    private let state = LockedValue(State())
    /// The store's reservation in the memory budget: always `State.bytes`.
    private let lease: MemoryLease?

    /// The share of the memory budget one store may hold by default, so that folded series can never
    /// starve the receivers: a quarter.
    public static let defaultBudgetShare = 4

    /// Creates an empty store reading time from `clock`, charging what it keeps in `budget` (by default
    /// a budget of its own, without limit), up to `maxBytes` (by default a quarter of the budget).
    public init(
        maxFamilies: Int = 10_000, maxSeriesPerFamily: Int = 2000, expiration: Duration = .seconds(300),
        budget: MemoryBudget = MemoryBudget(limitBytes: .max), maxBytes: Int? = nil, clock: any GatewayClock = SystemGatewayClock()
    ) {
        self.maxFamilies = max(1, maxFamilies)
        self.maxSeriesPerFamily = max(1, maxSeriesPerFamily)
        self.expiration = expiration
        self.maxBytes = max(0, maxBytes ?? budget.limitBytes / Self.defaultBudgetShare)
        lease = budget.reserve(0)
        self.clock = clock
    }

    /// The bytes charged for what the store keeps.
    public var bytes: Int { state.withLock { $0.bytes } }

    /// Folds every data point of a decoded request.
    public func fold(_ view: MetricsView) -> Outcome {
        var outcome = Outcome()
        let now = clock.monotonicNanos
        let wallNow = clock.wallNanos
        state.withLock { state in
            if now >= state.nextPruneNanos {
                prune(&state, now: now)
                state.nextPruneNanos = now.addingSaturated(1_000_000_000)
            }
            for resource in view.resourceMetrics {
                let service = resource.resource.serviceName
                for scope in resource.scopeMetrics {
                    for metric in scope.metrics {
                        fold(metric, service: service, into: &state, outcome: &outcome, now: now, wallNow: wallNow)
                    }
                }
            }
        }
        return outcome
    }

    public func collectAll() -> MetricsSnapshot {
        let now = clock.monotonicNanos
        let families = state.withLock { state -> [String: Family] in
            prune(&state, now: now)
            return state.families
        }
        let result = families.keys.sorted().compactMap { name -> MetricFamily? in
            guard let family = families[name] else { return nil }
            let points = family.series.keys.sorted { $0.lexicographicallyPrecedes($1) { ($0.name, $0.value) < ($1.name, $1.value) } }
                .compactMap { labels -> MetricPoint? in
                    guard let series = family.series[labels] else { return nil }
                    let value: MetricValue =
                        switch (family.kind, series.value) {
                        case (.counter, .number(let number)): .counter(number)
                        case (_, .histogram(let data)): .histogram(data)
                        case (_, .summary(let data)): .summary(data)
                        case (_, .number(let number)): .gauge(number)
                        }
                    return MetricPoint(labels: labels, startTimeNanos: series.startTimeNanos, value: value)
                }
            return MetricFamily(name: name, help: family.help, kind: family.kind, labelNames: [], points: points)
        }
        return MetricsSnapshot(families: result, timestampNanos: clock.wallNanos)
    }

    private func fold(
        _ metric: MetricView, service: String?, into state: inout State, outcome: inout Outcome, now: UInt64, wallNow: UInt64
    ) {
        let help = metric.description
        func add(
            _ kind: MetricKind, _ header: PointHeader, _ value: FoldedSeries.Value, _ change: FoldedSeries.Change
        ) {
            guard !header.noRecordedValue else { return }
            guard let name = ExpositionNames.metricName(metric.name) else {
                outcome.refused["invalid_name", default: 0] += 1
                return
            }
            let labels = ExpositionNames.labels(header.attributes, service: service, kind: kind)
            let time = header.timeUnixNano != 0 ? header.timeUnixNano : wallNow
            if let reason = update(
                name, kind, help, labels, value, change, start: header.startTimeUnixNano, time: time, now: now, state: &state)
            {
                outcome.refused[reason, default: 0] += 1
            } else {
                outcome.accepted += 1
            }
        }
        switch metric.data {
        case .empty:
            outcome.refused["empty", default: 0] += 1
        case .gauge(let points):
            for point in points { add(.gauge, point.header, .number(point.value ?? .nan), .replace) }
        case .sum(let points, let temporality, let isMonotonic):
            let change: FoldedSeries.Change = temporality == .delta ? .add : .replace
            for point in points { add(isMonotonic ? .counter : .gauge, point.header, .number(point.value ?? .nan), change) }
        case .histogram(let points, let temporality):
            let change: FoldedSeries.Change = temporality == .delta ? .add : .replace
            for point in points {
                let counts = point.bucketCounts.isEmpty ? Array(repeating: 0, count: point.explicitBounds.count) + [point.count] : point.bucketCounts
                let value = HistogramValue(
                    bounds: point.explicitBounds, bucketCounts: counts, sum: point.sum ?? 0, min: point.min, max: point.max)
                add(.histogram, point.header, .histogram(value), change)
            }
        case .exponentialHistogram(let points, _):
            outcome.refused["unsupported_kind", default: 0] += points.count
        case .summary(let points):
            for point in points {
                let quantiles = point.quantiles.map { QuantileValue(quantile: $0.quantile, value: $0.value) }
                add(.summary, point.header, .summary(SummaryValue(quantiles: quantiles, sum: point.sum, count: point.count)), .replace)
            }
        }
    }

    /// Applies one point; returns the refusal reason, or `nil` when it was folded.
    private func update(
        _ name: String, _ kind: MetricKind, _ help: String, _ labels: [Label], _ value: FoldedSeries.Value,
        _ change: FoldedSeries.Change, start: UInt64, time: UInt64, now: UInt64, state: inout State
    ) -> String? {
        // A new family is charged with its first series, so that a refused one leaves nothing behind.
        var firstSeriesCharged = false
        if state.families[name] == nil {
            guard state.families.count < maxFamilies else { return "family_limit" }
            let names = PrometheusNames.exposedNames(name, kind: kind)
            guard names.allSatisfy({ state.owners[$0] == nil }) else { return "name_conflict" }
            let familyBytes = FoldedStoreBytes.family(name, help: help, exposedNames: names, entryBytes: Self.familyEntryBytes)
            guard charge(familyBytes + FoldedStoreBytes.series(labels, value), &state) else { return "memory_limit" }
            firstSeriesCharged = true
            for exposed in names { state.owners[exposed] = name }
            state.families[name] = Family(kind: kind, help: help, bytes: familyBytes)
        }
        guard var family = state.families[name], family.kind == kind else { return "kind_conflict" }
        state.families[name] = nil  // edited in place below, without copying the series table
        defer { state.families[name] = family }
        if !help.isEmpty, help != family.help {
            let grown = FoldedStoreBytes.string(help) - FoldedStoreBytes.string(family.help)
            if charge(grown, &state) {
                family.help = help
                family.bytes += grown
            }
        }
        var key = labels
        if family.series[key] == nil, family.series.count >= maxSeriesPerFamily {
            key = [Label(name: "otel_metric_overflow", value: "true")]
        }
        guard var series = family.series[key] else {
            guard firstSeriesCharged || charge(FoldedStoreBytes.series(key, value), &state) else { return "memory_limit" }
            family.series[key] = FoldedSeries(
                startTimeNanos: start == 0 ? time : start, lastTimeNanos: time, touchedNanos: now, value: value)
            return nil
        }
        let valueBytes = FoldedStoreBytes.value(series.value)
        // A cumulative point with a new start time restarts the series (the source restarted).
        if change == .replace, kind != .gauge, start != 0, start != series.startTimeNanos {
            series = FoldedSeries(startTimeNanos: start, lastTimeNanos: 0, touchedNanos: now, value: value)
        }
        guard series.apply(value, change: change, start: start, time: time, now: now) else { return "out_of_order" }
        guard charge(FoldedStoreBytes.value(series.value) - valueBytes, &state) else { return "memory_limit" }
        family.series[key] = series
        return nil
    }

    /// A family's entry in the store, with its series table's own header.
    private static let familyEntryBytes = FoldedStoreBytes.entry(String.self, Family.self) + 128

    /// Adds `bytes` (negative: gives them back) to what the store holds and its reservation; false (and
    /// nothing changes) when that would pass `maxBytes` or the budget.
    private func charge(_ bytes: Int, _ state: inout State) -> Bool {
        let target = state.bytes + bytes
        guard bytes <= 0 || target <= maxBytes else { return false }
        guard let lease, lease.resize(to: target) else { return false }
        state.bytes = target
        return true
    }

    /// Forgets the series not updated for `expiration`, and the families left without series.
    private func prune(_ state: inout State, now: UInt64) {
        let cutoff = now.subtractingSaturated(expiration.nanoseconds)
        for name in Array(state.families.keys) {
            guard let expired = state.families[name]?.series.filter({ $0.value.touchedNanos < cutoff }), !expired.isEmpty,
                var family = state.families.removeValue(forKey: name)  // edited without copying its series table
            else { continue }
            for labels in expired.keys { family.series[labels] = nil }
            _ = charge(-expired.reduce(0) { $0 + FoldedStoreBytes.series($1.key, $1.value.value) }, &state)
            state.families[name] = family
            if family.series.isEmpty { remove(name, from: &state) }
        }
    }

    private func remove(_ name: String, from state: inout State) {
        guard let family = state.families.removeValue(forKey: name) else { return }
        _ = charge(-family.bytes, &state)
        for exposed in PrometheusNames.exposedNames(name, kind: family.kind) where state.owners[exposed] == name {
            state.owners[exposed] = nil
        }
    }
}
