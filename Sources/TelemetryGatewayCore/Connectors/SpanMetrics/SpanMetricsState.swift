import Telemetry
import TelemetryOTLPData

/// The `spanmetrics` aggregation: resources, their series (calls, duration histogram, exemplars) and
/// the overflow series, bounded by `aggregation_cardinality_limit` (per resource),
/// `dimensions_cache_size` (series in all) and `resource_metrics_cache_size` (resources). Every byte it
/// holds is charged to the memory budget before it is held: a request whose new series cannot be
/// charged changes nothing.
struct SpanMetricsState {
    /// The attributes of an overflow series (and of the overflow resource).
    static let overflowAttributes: OrderedAttributes = [("otel.metric.overflow", .bool(true))]

    struct Resource {
        let attributes: OrderedAttributes
        let bytes: Int
        /// Ordinary series (not the overflow one).
        var seriesCount = 0
        /// The index of its overflow series, once it has one.
        var overflowSeries: Int?
    }

    struct Series {
        var resource: Int
        /// Whether it is its resource's overflow series.
        let isOverflow: Bool
        let key: String
        let attributes: OrderedAttributes
        let bytes: Int
        var startNanos: UInt64
        var lastSeenNanos: UInt64
        var calls: UInt64 = 0
        var duration: DurationAggregate
        var exemplars: [ComputedExemplar] = []
    }

    /// What one request did: spans counted in ordinary series and in overflow series.
    struct Outcome: Equatable {
        var counted = 0
        var overflowed = 0
    }

    let settings: SpanMetricsSettings
    private(set) var resources: [Resource] = []
    private var resourceIndex: [String: Int] = [:]
    private(set) var series: [Series] = []
    private var seriesIndex: [SeriesKey: Int] = [:]
    /// The resource of spans whose resource found no room.
    private var overflowResource: Int?
    /// Exemplars held.
    private var exemplarCount = 0
    /// What it holds, in bytes (`SpanMetricsCost`).
    private(set) var heldBytes = 0
    /// The wall time of the previous flush: where delta points start.
    private var lastFlushNanos: UInt64?

    private struct SeriesKey: Hashable {
        let resource: Int
        let key: String
    }

    init(settings: SpanMetricsSettings) {
        self.settings = settings
    }

    /// Ordinary series held (in all resources).
    private(set) var ordinarySeriesCount = 0

    /// The most `plan` can add, in bytes: each resource it names that is not held, each new series that
    /// still has room (in `apply`'s order: past the limits a series goes to its resource's overflow series,
    /// charged once a resource), and one exemplar per observation that carries one.
    func growthBound(_ plan: SpanMetricsPlan) -> Int {
        let overflowSeries = SpanMetricsCost.series(key: "", Self.overflowAttributes, settings)
        var globalRoom = max(0, settings.dimensionsCacheSize - ordinarySeriesCount)
        var resourceRoom = max(0, settings.resourceMetricsCacheSize - resourceIndex.count)
        // What the overflow resource and its one series still need (charged once a request).
        var overflowResourceNeeded = overflowResource == nil
        var overflowResourceSeriesNeeded = overflowResource.map { resources[$0].overflowSeries == nil } ?? true
        var newKeys: Set<String> = []
        var bytes = 0
        for resource in plan.resources {
            bytes += resource.observations.reduce(0) { $0 + ($1.exemplar == nil ? 0 : SpanMetricsCost.exemplar) }
            let held = resourceIndex[resource.key]
            if held == nil, resourceRoom == 0, !newKeys.contains(resource.key) {
                // Into the overflow resource, every span in its one overflow series.
                if overflowResourceNeeded { bytes += SpanMetricsCost.resource(key: "", Self.overflowAttributes) }
                if overflowResourceSeriesNeeded, !resource.series.isEmpty { bytes += overflowSeries }
                overflowResourceNeeded = false
                overflowResourceSeriesNeeded = overflowResourceSeriesNeeded && resource.series.isEmpty
                continue
            }
            if held == nil, newKeys.insert(resource.key).inserted { resourceRoom -= 1 }
            if held == nil { bytes += resource.bytes }
            var room = settings.cardinalityLimit > 0 ? settings.cardinalityLimit - (held.map { resources[$0].seriesCount } ?? 0) : Int.max
            var overflows = false
            for planned in resource.series {
                if let held, seriesIndex[SeriesKey(resource: held, key: planned.key)] != nil { continue }
                guard room > 0, globalRoom > 0 else {
                    overflows = true
                    continue
                }
                bytes += planned.bytes
                room -= 1
                globalRoom -= 1
            }
            // A resource held before this request gets an overflow series only if it has none; a new one (perhaps
            // repeated in this request, so sharing its room) may always need one.
            if held == nil || (overflows && held.map({ resources[$0].overflowSeries == nil }) == true) { bytes += overflowSeries }
        }
        return bytes
    }

    /// Adds `plan` (its growth already charged, see `growthBound`), seen at `wallNanos`.
    mutating func apply(_ plan: SpanMetricsPlan, wallNanos: UInt64, monotonicNanos: UInt64) -> Outcome {
        var outcome = Outcome()
        for planned in plan.resources {
            let resource = resourceSlot(planned)
            var slots: [Int] = []
            slots.reserveCapacity(planned.series.count)
            var overflows: [Bool] = []
            overflows.reserveCapacity(planned.series.count)
            for candidate in planned.series {
                let slot = seriesSlot(candidate, resource: resource, wallNanos: wallNanos)
                slots.append(slot.index)
                overflows.append(slot.overflow)
            }
            for observation in planned.observations {
                let slot = slots[observation.series]
                series[slot].calls &+= 1
                series[slot].duration.observe(observation.duration)
                series[slot].lastSeenNanos = monotonicNanos
                if let exemplar = observation.exemplar, settings.exemplarsPerDataPoint.map({ series[slot].exemplars.count < $0 }) ?? true {
                    series[slot].exemplars.append(exemplar)
                    exemplarCount += 1
                    heldBytes += SpanMetricsCost.exemplar
                }
                if overflows[observation.series] { outcome.overflowed += 1 } else { outcome.counted += 1 }
            }
        }
        return outcome
    }

    private mutating func resourceSlot(_ planned: SpanMetricsPlan.Resource) -> Int {
        if let index = resourceIndex[planned.key] { return index }
        if resourceIndex.count >= settings.resourceMetricsCacheSize {
            if let overflowResource { return overflowResource }
            let index = addResource(Resource(attributes: Self.overflowAttributes, bytes: SpanMetricsCost.resource(key: "", Self.overflowAttributes)))
            overflowResource = index
            return index
        }
        let index = addResource(Resource(attributes: planned.attributes, bytes: planned.bytes))
        resourceIndex[planned.key] = index
        return index
    }

    private mutating func addResource(_ resource: Resource) -> Int {
        resources.append(resource)
        heldBytes += resource.bytes
        return resources.count - 1
    }

    private mutating func seriesSlot(
        _ planned: SpanMetricsPlan.Series, resource: Int, wallNanos: UInt64
    ) -> (index: Int, overflow: Bool) {
        let key = SeriesKey(resource: resource, key: planned.key)
        if let index = seriesIndex[key] { return (index, false) }
        let limit = settings.cardinalityLimit
        let full = resource == overflowResource || (limit > 0 && resources[resource].seriesCount >= limit)
            || ordinarySeriesCount >= settings.dimensionsCacheSize
        if full {
            if let index = resources[resource].overflowSeries { return (index, true) }
            let index = addSeries(
                Series(
                    resource: resource, isOverflow: true, key: "", attributes: Self.overflowAttributes,
                    bytes: SpanMetricsCost.series(key: "", Self.overflowAttributes, settings), startNanos: wallNanos,
                    lastSeenNanos: 0, duration: DurationAggregate(settings.histogram)))
            resources[resource].overflowSeries = index
            return (index, true)
        }
        let index = addSeries(
            Series(
                resource: resource, isOverflow: false, key: planned.key, attributes: planned.attributes, bytes: planned.bytes,
                startNanos: wallNanos, lastSeenNanos: 0, duration: DurationAggregate(settings.histogram)))
        seriesIndex[key] = index
        resources[resource].seriesCount += 1
        ordinarySeriesCount += 1
        return (index, false)
    }

    private mutating func addSeries(_ new: Series) -> Int {
        series.append(new)
        heldBytes += new.bytes
        return series.count - 1
    }

    /// The metrics to export at `wallNanos`, then what is kept for the next flush: nothing (delta), or
    /// every series without its exemplars and without those unseen for `metrics_expiration` (cumulative).
    mutating func flush(wallNanos: UInt64, monotonicNanos: UInt64) -> [ComputedResourceMetrics] {
        let delta = settings.temporality == .delta
        var points: [[Int]] = Array(repeating: [], count: resources.count)
        for (index, entry) in series.enumerated() where entry.calls > 0 { points[entry.resource].append(index) }
        var output: [ComputedResourceMetrics] = []
        for (resourceIndex, indexes) in points.enumerated() where !indexes.isEmpty {
            var metrics = [
                ComputedMetric(
                    name: settings.metricName("calls"), temporality: settings.temporality,
                    points: .monotonicSum(indexes.map { point($0, Double(series[$0].calls), wallNanos, delta) }))
            ]
            if let histogram = durationPoints(indexes, wallNanos, delta) {
                metrics.append(
                    ComputedMetric(
                        name: settings.metricName("duration"), unit: settings.unit.rawValue, temporality: settings.temporality,
                        points: histogram))
            }
            output.append(
                ComputedResourceMetrics(attributes: resources[resourceIndex].attributes, scopeName: "spanmetricsconnector", metrics: metrics))
        }
        lastFlushNanos = wallNanos
        if delta {
            self = SpanMetricsState(settings: settings, lastFlushNanos: wallNanos)
        } else {
            forgetExemplarsAndExpired(monotonicNanos: monotonicNanos)
        }
        return output
    }

    private init(settings: SpanMetricsSettings, lastFlushNanos: UInt64) {
        self.settings = settings
        self.lastFlushNanos = lastFlushNanos
    }

    private func point<Value>(_ index: Int, _ value: Value, _ wallNanos: UInt64, _ delta: Bool) -> ComputedPoint<Value> {
        let entry = series[index]
        let start = delta ? lastFlushNanos ?? entry.startNanos : entry.startNanos
        return ComputedPoint(
            attributes: entry.attributes, startTimeUnixNano: start, timeUnixNano: wallNanos, value: value, exemplars: entry.exemplars)
    }

    private func durationPoints(_ indexes: [Int], _ wallNanos: UInt64, _ delta: Bool) -> ComputedMetric.Points? {
        switch settings.histogram {
        case .disabled:
            return nil
        case .explicit:
            return .histogram(indexes.compactMap { index in series[index].duration.explicit.map { point(index, $0, wallNanos, delta) } })
        case .exponential:
            return .exponentialHistogram(
                indexes.compactMap { index in series[index].duration.exponential.map { point(index, $0, wallNanos, delta) } })
        }
    }

    /// Drops every exemplar (they belong to one interval) and, with `metrics_expiration`, every series
    /// unseen for that long (a resource left with none goes too).
    private mutating func forgetExemplarsAndExpired(monotonicNanos: UInt64) {
        if exemplarCount > 0 {
            for index in series.indices { series[index].exemplars = [] }
            heldBytes -= exemplarCount * SpanMetricsCost.exemplar
            exemplarCount = 0
        }
        guard let expiration = settings.expiration else { return }
        let limit = UInt64(expiration.components.seconds) &* 1_000_000_000 &+ UInt64(expiration.components.attoseconds / 1_000_000_000)
        let kept = series.filter { monotonicNanos.subtractingSaturated($0.lastSeenNanos) < limit }
        guard kept.count < series.count else { return }
        rebuild(keeping: kept)
    }

    /// The state holding only `kept` (and their resources).
    private mutating func rebuild(keeping kept: [Series]) {
        let old = self
        self = SpanMetricsState(settings: settings, lastFlushNanos: lastFlushNanos ?? 0)
        let keys = Dictionary(old.resourceIndex.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        var resourceMap: [Int: Int] = [:]
        for entry in kept {
            var moved = entry
            if let mapped = resourceMap[entry.resource] {
                moved.resource = mapped
            } else {
                let source = old.resources[entry.resource]
                moved.resource = addResource(Resource(attributes: source.attributes, bytes: source.bytes))
                resourceMap[entry.resource] = moved.resource
                if entry.resource == old.overflowResource {
                    overflowResource = moved.resource
                } else if let key = keys[entry.resource] {
                    resourceIndex[key] = moved.resource
                }
            }
            let index = addSeries(moved)
            if moved.isOverflow {
                resources[moved.resource].overflowSeries = index
            } else {
                seriesIndex[SeriesKey(resource: moved.resource, key: moved.key)] = index
                resources[moved.resource].seriesCount += 1
                ordinarySeriesCount += 1
            }
        }
    }
}
