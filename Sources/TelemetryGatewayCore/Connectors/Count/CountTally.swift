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

    private let metrics: [CountMetric]
    private var points: [[CountedPoint]]
    private var positions: [[[Value]: Int]]
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
    mutating func count(_ item: OTTLItem, layers makeLayers: () -> [AttributesRef], charge: (Int) -> Bool) throws(CountFailure) {
        var made: [AttributesRef]?  // only when some metric is kept by attributes
        for (index, metric) in metrics.enumerated() {
            var values: [OTLPKeyValue] = []
            if !metric.attributes.isEmpty {
                let layers = made ?? makeLayers()
                made = layers
                values.reserveCapacity(metric.attributes.count)
                for attribute in metric.attributes {
                    guard let value = Self.lookUp(attribute, in: layers) else { break }
                    values.append(OTLPKeyValue(key: attribute.key, value: value))
                }
                guard values.count == metric.attributes.count else { continue }
            }
            guard try matches(metric, item) else { continue }
            try increment(index, values, charge: charge)
        }
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

    private mutating func increment(_ index: Int, _ values: [OTLPKeyValue], charge: (Int) -> Bool) throws(CountFailure) {
        let key = values.map(\.value).map(Self.key)
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

    private static func lookUp(_ attribute: CountMetric.Attribute, in layers: [AttributesRef]) -> OTLPValue? {
        for layer in layers {
            guard let position = layer.index(of: attribute.key) else { continue }
            // pdata's `Value.Str()` of anything but a string is "" (the Collector writes that).
            let value = layer.scalarValue(at: position)
            return value == .empty ? .string("") : value
        }
        return attribute.defaultValue
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
