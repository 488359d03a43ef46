import Telemetry

extension MetricsCollector {
    /// The value of the counter or gauge series `name{labels}` right now, or `nil` when it does not exist.
    public func currentValue(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        guard let family = collectAll().family(named: name) else { return nil }
        for point in family.points where Dictionary(uniqueKeysWithValues: point.labels.map { ($0.name, $0.value) }) == labels {
            switch point.value {
            case .counter(let value), .gauge(let value): return value
            case .histogram, .summary: return nil
            }
        }
        return nil
    }
}
