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

import TelemetryExporters

extension PrometheusExporter {
    /// The sample names (`x_total`, `x_bucket`, …) this exporter renders for `collector`.
    public func renderedSampleNames(_ collector: MetricsCollector) -> [String] {
        register(collector)
        return metricsText(format: .openMetrics).split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            return line.split(separator: " ").first.map { String($0.split(separator: "{")[0]) }
        }
    }
}
