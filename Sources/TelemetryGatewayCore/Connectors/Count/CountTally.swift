import TelemetryOTLPData
import TelemetryOTTL

/// Why a request could not be counted.
enum CountFailure: Error {
    /// The memory budget refused what counting needed.
    case memory
    /// A condition failed (the Collector evaluates them with `propagate`) or a metric has no data type.
    case failed(String)
}

/// The counts of one kind's metrics over one resource group of a request (the Collector's `counter`):
/// a point per distinct attribute set, and the span of item timestamps seen. Distinct sets are at most
/// the items of the request, and each is charged before it is stored.
struct CountTally {
    /// An attribute value as it is counted by: strings, integers, and doubles by their bits (as pdata's
    /// map hash, so every NaN is one value).
    private enum Value: Hashable {
        case string(String), int(Int64), double(UInt64)
    }

    /// The value of each metric's attributes found above the items (the scope's, else the resource's), per
    /// metric and attribute: looked up once per scope, so an item costs only its own attributes.
    typealias Shared = [[(id: Int, value: OTLPValue)?]]

    private let metrics: [CountMetric]
    private var points: [[CountedPoint]]
    /// Each attribute set by the ids of its values.
    private var positions: [[[Int]: Int]]
    /// Each distinct value seen, by id: a value is hashed once where it is read (an item's own, or once per
    /// scope for the scope's and resource's), never once per item that shares it.
    private var interned: [Value: Int] = [:]
    private var earliest: UInt64 = 0
    private var latest: UInt64 = 0

    /// A tally of `metrics`, empty.
    init(_ metrics: [CountMetric]) {
        self.metrics = metrics
        points = Array(repeating: [], count: metrics.count)
        positions = Array(repeating: [:], count: metrics.count)
    }

    /// Whether nothing was counted.
    var isEmpty: Bool { points.allSatisfy(\.isEmpty) }

    /// Takes an item's timestamp into the points' start and end (zero is no timestamp).
    mutating func see(_ nanos: Int64) {
        let time = UInt64(truncatingIfNeeded: nanos)
        guard time != 0 else { return }
        earliest = earliest == 0 ? time : min(earliest, time)
        latest = max(latest, time)
    }

    /// Counts `item` in every metric whose attributes it has — looked up in `layers` in order (the item's,
    /// its scope's, its resource's), then the default — and whose conditions one matches (ORed, in
    /// order; a condition that fails before one matched fails the request). `charge` is asked for the
    /// bytes of each new attribute set before it is stored.
    mutating func count(_ item: OTTLItem, own: AttributesRef?, shared: Shared, charge: (Int) -> Bool) throws(CountFailure) {
        for (index, metric) in metrics.enumerated() {
            var values: [OTLPKeyValue] = []
            var ids: [Int] = []
            if !metric.attributes.isEmpty {
                values.reserveCapacity(metric.attributes.count)
                ids.reserveCapacity(metric.attributes.count)
                for (position, attribute) in metric.attributes.enumerated() {
                    if let value = own.flatMap({ Self.lookUp(attribute.key, in: $0) }) {
                        ids.append(intern(value))
                        values.append(OTLPKeyValue(key: attribute.key, value: value))
                    } else if let found = shared[index][position] {
                        ids.append(found.id)
                        values.append(OTLPKeyValue(key: attribute.key, value: found.value))
                    } else {
                        break
                    }
                }
                guard values.count == metric.attributes.count else { continue }
            }
            guard try matches(metric, item) else { continue }
            try increment(index, ids, values, charge: charge)
        }
    }

    /// The values of the metrics' attributes in `scope`, else in `resource` (already looked up with
    /// `lookUpAll`), else their defaults: once per scope.
    mutating func shared(scope: AttributesRef?, resource: [[OTLPValue?]]) -> Shared {
        var shared: Shared = []
        shared.reserveCapacity(metrics.count)
        for (index, metric) in metrics.enumerated() {
            var values: [(id: Int, value: OTLPValue)?] = []
            for (position, attribute) in metric.attributes.enumerated() {
                let found = scope.flatMap { Self.lookUp(attribute.key, in: $0) } ?? resource[index][position] ?? attribute.defaultValue
                if let found { values.append((intern(found), found)) } else { values.append(nil) }
            }
            shared.append(values)
        }
        return shared
    }

    /// The metrics' attributes' defaults alone (`metric.count` looks nowhere else).
    mutating func defaultsOnly() -> Shared {
        shared(scope: nil, resource: metrics.map { $0.attributes.map { _ in nil } })
    }

    /// The values of the metrics' attributes in `layer` (nil where absent): once per resource.
    func lookUpAll(in layer: AttributesRef) -> [[OTLPValue?]] {
        metrics.map { metric in metric.attributes.map { Self.lookUp($0.key, in: layer) } }
    }

    private mutating func intern(_ value: OTLPValue) -> Int {
        let key = Self.key(value)
        if let id = interned[key] { return id }
        interned[key] = interned.count
        return interned.count - 1
    }

    /// The counted metrics (those with points), their points stamped with the earliest and latest
    /// timestamps seen, or `nowNanos` when none was.
    func output(nowNanos: UInt64) -> [CountedMetric] {
        let (start, end) = earliest == 0 ? (nowNanos, nowNanos) : (earliest, latest)
        return metrics.indices.compactMap { index in
            points[index].isEmpty
                ? nil
                : CountedMetric(name: metrics[index].name, description: metrics[index].description, startNanos: start, timeNanos: end, points: points[index])
        }
    }

    private func matches(_ metric: CountMetric, _ item: OTTLItem) throws(CountFailure) -> Bool {
        guard !metric.conditions.isEmpty else { return true }
        for condition in metric.conditions {
            do {
                if try condition.condition(item) { return true }
            } catch {
                if error.memoryRefusal != nil { throw .memory }
                throw .failed("failed to eval condition: \(condition.text), \(error.message)")
            }
        }
        return false
    }

    private mutating func increment(_ index: Int, _ key: [Int], _ values: [OTLPKeyValue], charge: (Int) -> Bool) throws(CountFailure) {
        if let position = positions[index][key] {
            points[index][position].count += 1
            return
        }
        // The stored set twice (point and key), a dictionary slot, and the arrays' own overhead.
        let bytes = 128 + values.reduce(0) { $0 + 64 + $1.key.utf8.count + 2 * Self.textBytes($1.value) }
        guard charge(bytes) else { throw .memory }
        positions[index][key] = points[index].count
        points[index].append(CountedPoint(attributes: values, count: 1))
    }

    private static func lookUp(_ key: String, in layer: AttributesRef) -> OTLPValue? {
        guard let position = layer.index(of: key) else { return nil }
        // pdata's `Value.Str()` of anything but a string is "" (the Collector writes that).
        let value = layer.scalarValue(at: position)
        return value == .empty ? .string("") : value
    }

    private static func key(_ value: OTLPValue) -> Value {
        switch value {
        case .int(let number): .int(number)
        case .double(let number): .double(number.bitPattern)
        case .string(let text): .string(text)
        case .empty, .bool, .bytes, .array, .map: .string("")
        }
    }

    private static func textBytes(_ value: OTLPValue) -> Int {
        if case .string(let text) = value { return text.utf8.count }
        return 8
    }
}
