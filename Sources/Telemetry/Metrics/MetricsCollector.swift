import Logging

/// The registry of a process's metrics: creates instruments and takes immutable snapshots of them all.
///
/// ```swift
/// let collector = MetricsCollector()
/// let executions = try collector.counter("pipeline_executions_total", help: "Total pipeline executions",
///                                        labels: ["pipeline_name", "status"])
/// let snapshot = collector.collectAll()
/// ```
/// Registering the same definition twice returns the existing instrument; a name reused with another
/// kind, help, label set, buckets or quantiles throws. Every collector also reports its own
/// self-metrics: `telemetry_rejected_measurements_total{metric,reason}` and
/// `telemetry_cardinality_overflow_total{metric}`.
public final class MetricsCollector: Sendable {
    /// Label sets kept per metric when no other limit is given.
    public static let defaultCardinalityLimit = 2000

    /// Label sets kept per metric before measurements go to the overflow series.
    public let cardinalityLimit: Int
    private let registry = LockedValue(MetricRegistry())
    let issues: RecordingIssues
    private let summaryClock: @Sendable () -> UInt64
    private let collectHooks = LockedValue([(id: String, hook: @Sendable () -> Void)]())

    /// Creates an empty collector.
    ///
    /// - Parameters:
    ///   - cardinalityLimit: label sets kept per metric (at least 1) unless a registration sets its own.
    ///   - logger: where refused measurements and overflows are logged, once per metric and reason.
    public convenience init(
        cardinalityLimit: Int = MetricsCollector.defaultCardinalityLimit,
        logger: Logger = Logger(label: "swift-telemetry.metrics")
    ) {
        self.init(cardinalityLimit: cardinalityLimit, logger: logger, summaryClock: WallClock.monotonicNanos)
    }

    init(cardinalityLimit: Int, logger: Logger, summaryClock: @escaping @Sendable () -> UInt64) {
        if cardinalityLimit < 1 {
            logger.warning("cardinalityLimit \(cardinalityLimit) is below 1; using 1")
        }
        self.cardinalityLimit = Swift.max(1, cardinalityLimit)
        self.summaryClock = summaryClock
        let unlimited = Int.max
        let rejected = TelemetryCounter(
            name: RecordingIssues.rejectedName, help: "Measurements not recorded because of invalid labels or values",
            labelNames: ["metric", "reason"], cardinalityLimit: unlimited, issues: nil)
        let overflow = TelemetryCounter(
            name: RecordingIssues.overflowName,
            help: "Measurements recorded in the overflow series because the cardinality limit was reached",
            labelNames: ["metric"], cardinalityLimit: unlimited, issues: nil)
        issues = RecordingIssues(rejected: rejected, overflow: overflow, logger: logger)
        registry.withLock { registry in
            for counter in [rejected, overflow] {
                registry.insert(
                    MetricRegistration(
                        definition: MetricDefinition(kind: .counter, help: counter.help, labelNames: counter.labelNames),
                        instrument: counter, collect: counter.collect),
                    name: counter.name)
            }
        }
    }

    /// Registers (or returns the already registered) counter `name`.
    ///
    /// - Throws: `MetricsError` for an invalid metric or label name, or a conflicting registration.
    public func counter(
        _ name: String, help: String = "", labels: [String] = [], cardinalityLimit: Int? = nil
    ) throws(MetricsError) -> TelemetryCounter {
        let limit = try resolvedLimit(cardinalityLimit, metric: name)
        return try register(name, MetricDefinition(kind: .counter, help: help, labelNames: labels)) {
            TelemetryCounter(name: name, help: help, labelNames: labels, cardinalityLimit: limit, issues: issues)
        } collect: { $0.collect() }
    }

    /// Registers (or returns the already registered) gauge `name`.
    ///
    /// - Throws: `MetricsError` for an invalid metric or label name, or a conflicting registration.
    public func gauge(
        _ name: String, help: String = "", labels: [String] = [], cardinalityLimit: Int? = nil
    ) throws(MetricsError) -> TelemetryGauge {
        let limit = try resolvedLimit(cardinalityLimit, metric: name)
        return try register(name, MetricDefinition(kind: .gauge, help: help, labelNames: labels)) {
            TelemetryGauge(name: name, help: help, labelNames: labels, cardinalityLimit: limit, issues: issues)
        } collect: { $0.collect() }
    }

    /// Registers (or returns the already registered) histogram `name`.
    ///
    /// - Parameter buckets: finite, strictly increasing upper bounds; `+Inf` is always added.
    /// - Throws: `MetricsError` for invalid names or buckets, or a conflicting registration.
    public func histogram(
        _ name: String, help: String = "", labels: [String] = [], buckets: [Double] = TelemetryHistogram.defaultBuckets,
        cardinalityLimit: Int? = nil
    ) throws(MetricsError) -> TelemetryHistogram {
        let limit = try resolvedLimit(cardinalityLimit, metric: name)
        let bounds = try TelemetryHistogram.validatedBuckets(buckets, metric: name)
        var definition = MetricDefinition(kind: .histogram, help: help, labelNames: labels)
        definition.buckets = bounds
        return try register(name, definition) {
            TelemetryHistogram(
                name: name, help: help, labelNames: labels, buckets: bounds, cardinalityLimit: limit, issues: issues)
        } collect: { $0.collect() }
    }

    /// Registers (or returns the already registered) summary `name`.
    ///
    /// - Parameters:
    ///   - quantiles: distinct values in 0...1 to report.
    ///   - maxAge: the sliding window the quantiles cover (default 10 minutes).
    ///   - ageBuckets: the number of steps the window slides in (default 5).
    /// - Throws: `MetricsError` for invalid names, quantiles or window, or a conflicting registration.
    public func summary(
        _ name: String, help: String = "", labels: [String] = [], quantiles: [Double] = TelemetrySummary.defaultQuantiles,
        maxAge: Duration = TelemetrySummary.defaultMaxAge, ageBuckets: Int = TelemetrySummary.defaultAgeBuckets,
        cardinalityLimit: Int? = nil
    ) throws(MetricsError) -> TelemetrySummary {
        let limit = try resolvedLimit(cardinalityLimit, metric: name)
        try TelemetrySummary.validate(quantiles: quantiles, maxAge: maxAge, ageBuckets: ageBuckets, metric: name)
        var definition = MetricDefinition(kind: .summary, help: help, labelNames: labels)
        definition.quantiles = quantiles
        definition.maxAge = maxAge
        definition.ageBuckets = ageBuckets
        return try register(name, definition) {
            TelemetrySummary(
                name: name, help: help, labelNames: labels, quantiles: quantiles, maxAge: maxAge,
                ageBuckets: ageBuckets, cardinalityLimit: limit, issues: issues, clock: summaryClock)
        } collect: { $0.collect() }
    }

    /// Takes an immutable snapshot of every registered metric, families ordered by name.
    public func collectAll() -> MetricsSnapshot {
        for entry in collectHooks.withLock({ $0 }) { entry.hook() }
        let collectors = registry.withLock { $0.byName.values.map(\.collect) }
        let families = collectors.map { $0() }.sorted { $0.name < $1.name }
        return MetricsSnapshot(families: families, timestampNanos: WallClock.nowNanos())
    }

    /// Runs `hook` at the start of every `collectAll()`, to refresh values read from elsewhere; a second
    /// hook with the same `id` is ignored (returns false), so registering the same instruments twice
    /// does not count twice.
    @discardableResult
    package func addCollectHook(id: String, _ hook: @escaping @Sendable () -> Void) -> Bool {
        collectHooks.withLock { hooks in
            guard !hooks.contains(where: { $0.id == id }) else { return false }
            hooks.append((id, hook))
            return true
        }
    }

    private func resolvedLimit(_ limit: Int?, metric: String) throws(MetricsError) -> Int {
        guard let limit else { return cardinalityLimit }
        guard limit >= 1 else {
            throw MetricsError(
                .invalidConfiguration, "metric \"\(metric)\": cardinalityLimit must be at least 1, got \(limit)")
        }
        return limit
    }

    private func register<Instrument: Sendable & AnyObject>(
        _ name: String, _ definition: MetricDefinition, make: () -> Instrument,
        collect: @escaping @Sendable (Instrument) -> MetricFamily
    ) throws(MetricsError) -> Instrument {
        try MetricNames.validateMetricName(name)
        try MetricNames.validateLabelNames(definition.labelNames, metric: name, kind: definition.kind)
        let result: Result<Instrument, MetricsError> = registry.withLock { registry in
            if let existing = registry.byName[name] {
                guard existing.definition == definition, let instrument = existing.instrument as? Instrument else {
                    return .failure(
                        MetricsError(
                            .conflictingRegistration,
                            "metric \"\(name)\" is already registered as \(existing.definition.summary); "
                                + "cannot register it as \(definition.summary)"))
                }
                return .success(instrument)
            }
            let sampleNames = definition.sampleNames(for: name)
            if let taken = sampleNames.first(where: { registry.sampleOwners[$0] != nil }),
                let owner = registry.sampleOwners[taken]
            {
                return .failure(
                    MetricsError(
                        .sampleNameCollision,
                        "metric \"\(name)\" would expose \"\(taken)\", which metric \"\(owner)\" already exposes"))
            }
            let instrument = make()
            registry.insert(
                MetricRegistration(definition: definition, instrument: instrument, collect: { collect(instrument) }),
                name: name)
            return .success(instrument)
        }
        return try result.get()
    }
}
