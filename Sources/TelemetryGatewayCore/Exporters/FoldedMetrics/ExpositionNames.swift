import Telemetry
import TelemetryExporters
import TelemetryOTLPData

/// Prometheus-safe names for received metrics, so that whatever names clients send, the exposition stays
/// valid. The rules (documented in Config/README.md):
///
/// 1. Every character outside `[a-zA-Z0-9_]` (and `:` in metric names) becomes `_`.
/// 2. A name starting with a digit gets `_` in front (metric names) or `key_` (label names), as
///    Prometheus' OTLP translation does.
/// 3. An empty label name, one starting with `__` (reserved for Prometheus), and the labels a kind or the
///    gateway owns (`le` on histograms, `quantile` on summaries, `service_name`,
///    `otel_metric_overflow`) get `exported_` in front, as Prometheus renames clashing target labels.
/// 4. Attributes whose names end up the same are merged into one label, their values joined with `;` in
///    the order of the original keys.
enum ExpositionNames {
    /// The labels the gateway adds itself.
    static let gatewayLabels: Set<String> = ["service_name", "otel_metric_overflow"]

    /// The metric name for `name`, or `nil` when nothing is left of it.
    static func metricName(_ name: String) -> String? {
        var result = String(name.unicodeScalars.map { isNameCharacter($0, colon: true) ? Character($0) : "_" })
        guard !result.isEmpty else { return nil }
        if let first = result.unicodeScalars.first, ("0"..."9").contains(first) { result = "_" + result }
        return result
    }

    /// The labels of a data point of a `kind` metric: its attributes renamed and merged, plus
    /// `service_name` from the resource, sorted by name.
    static func labels(_ attributes: AttributeList, service: String?, kind: MetricKind) -> [Label] {
        let sorted = attributes.map { (key: $0.key, value: $0.value.text()) }.sorted { $0.key < $1.key }
        var merged: [(name: String, value: String)] = []
        var positions: [String: Int] = [:]
        for attribute in sorted {
            let name = labelName(attribute.key, kind: kind)
            if let position = positions[name] {
                merged[position].value += ";" + attribute.value
            } else {
                positions[name] = merged.count
                merged.append((name, attribute.value))
            }
        }
        if let service { merged.append(("service_name", service)) }
        return merged.map { Label(name: $0.name, value: $0.value) }.sorted { $0.name < $1.name }
    }

    /// A label name for attribute `key` of a `kind` metric (rules 1–3).
    static func labelName(_ key: String, kind: MetricKind) -> String {
        var name = String(key.unicodeScalars.map { isNameCharacter($0, colon: false) ? Character($0) : "_" })
        if let first = name.unicodeScalars.first, ("0"..."9").contains(first) { name = "key_" + name }
        let reserved = name.isEmpty || name.hasPrefix("__") || gatewayLabels.contains(name)
            || (kind == .histogram && name == "le") || (kind == .summary && name == "quantile")
        return reserved ? "exported_" + name : name
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar, colon: Bool) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            || (colon && scalar == ":")
    }
}
