/// Validation of Prometheus-compatible metric and label names.
enum MetricNames {
    /// Checks a metric name against `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func validateMetricName(_ name: String) throws(MetricsError) {
        guard isValid(name, allowColon: true) else {
            throw MetricsError(
                .invalidMetricName,
                "invalid metric name \"\(name)\": must match [a-zA-Z_:][a-zA-Z0-9_:]*")
        }
    }

    /// Checks label names: the Prometheus pattern, no `__` prefix, no duplicates, none reserved by the kind.
    static func validateLabelNames(_ labels: [String], metric: String, kind: MetricKind) throws(MetricsError) {
        var seen = Set<String>()
        for label in labels {
            guard isValid(label, allowColon: false) else {
                throw MetricsError(
                    .invalidLabelName,
                    "metric \"\(metric)\": invalid label name \"\(label)\": must match [a-zA-Z_][a-zA-Z0-9_]*")
            }
            guard !label.hasPrefix("__") else {
                throw MetricsError(
                    .invalidLabelName,
                    "metric \"\(metric)\": label name \"\(label)\" is reserved (names starting with __ are internal)")
            }
            if let reserved = reservedLabel(for: kind), label == reserved {
                throw MetricsError(
                    .invalidLabelName,
                    "metric \"\(metric)\": label name \"\(label)\" is reserved for \(kind) samples")
            }
            guard seen.insert(label).inserted else {
                throw MetricsError(.duplicateLabelName, "metric \"\(metric)\": label \"\(label)\" is declared twice")
            }
        }
    }

    private static func reservedLabel(for kind: MetricKind) -> String? {
        switch kind {
        case .histogram: "le"
        case .summary: "quantile"
        case .counter, .gauge: nil
        }
    }

    private static func isValid(_ name: String, allowColon: Bool) -> Bool {
        var isFirst = true
        for byte in name.utf8 {
            let isLetter = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let allowed = isLetter || byte == UInt8(ascii: "_") || (allowColon && byte == UInt8(ascii: ":"))
                || (!isFirst && isDigit)
            guard allowed else { return false }
            isFirst = false
        }
        return !isFirst
    }
}
