import Telemetry

/// The names a family exposes in Prometheus text, and what makes names and labels valid there.
public enum PrometheusNames {
    /// Every name a family of `kind` named `name` exposes: its samples and, in OpenMetrics, the family
    /// name itself. Two families must not share any.
    public static func exposedNames(_ name: String, kind: MetricKind) -> [String] {
        switch kind {
        case .counter:
            let base = name.hasSuffix("_total") ? String(name.dropLast(6)) : name
            return [base, base + "_total", base + "_created"]
        case .gauge: return [name]
        case .histogram: return [name, name + "_bucket", name + "_sum", name + "_count", name + "_created"]
        case .summary: return [name, name + "_sum", name + "_count", name + "_created"]
        }
    }

    /// Whether `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValidMetricName(_ name: String) -> Bool { isValid(name, colon: true) }

    /// Whether `name` matches `[a-zA-Z_][a-zA-Z0-9_]*` and does not start with the reserved `__`.
    public static func isValidLabelName(_ name: String) -> Bool { isValid(name, colon: false) && !name.hasPrefix("__") }

    private static func isValid(_ name: String, colon: Bool) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || byte == 0x5F || (colon && byte == 0x3A)
            guard letter || (!first && (0x30...0x39).contains(byte)) else { return false }
            first = false
        }
        return !first
    }
}

/// Keeps a scrape valid whatever a metrics source holds: a family whose name is invalid or whose
/// exposed names clash with an earlier family's is left out, and so is a series with an invalid,
/// repeated or reserved label name (`le` on histograms, `quantile` on summaries). What was left out is
/// reported, so the rest of the scrape still parses.
struct ExpositionCheck {
    private var claimed = Set<String>()
    /// Families and series left out so far (`name` or `name{series}`).
    private(set) var skipped: [String] = []

    /// `family` as it can be exposed under `exposedName`, or `nil` to leave it out.
    mutating func exposable(_ family: MetricFamily, exposedName: String) -> MetricFamily? {
        let names = PrometheusNames.exposedNames(exposedName, kind: family.kind)
        guard PrometheusNames.isValidMetricName(exposedName), names.allSatisfy({ !claimed.contains($0) }) else {
            skipped.append(family.name)
            return nil
        }
        claimed.formUnion(names)
        // A collector's families were checked when their metrics were registered.
        guard !family.labelNamesChecked else { return family }
        let reserved: String? = family.kind == .histogram ? "le" : family.kind == .summary ? "quantile" : nil
        // Series of a collector carry the family's declared names: those are checked once, and a series
        // with exactly those names (compared in place, no set built) needs no check of its own. The points
        // are copied only when some must be left out.
        let declaredValid = Self.areValid(family.labelNames, reserved: reserved)
        let isExposable = { (point: MetricPoint) -> Bool in
            (declaredValid && point.labels.elementsEqual(family.labelNames) { $0.name == $1 })
                || Self.areValid(point.labels.map(\.name), reserved: reserved)
        }
        guard !family.points.allSatisfy(isExposable) else { return family }
        let points = family.points.filter { point in
            let valid = isExposable(point)
            if !valid { skipped.append("\(family.name){\(point.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ","))}") }
            return valid
        }
        return MetricFamily(name: family.name, help: family.help, kind: family.kind, labelNames: family.labelNames, points: points)
    }

    /// Whether `names` are valid label names, none repeated and none `reserved`.
    private static func areValid(_ names: [String], reserved: String?) -> Bool {
        var seen = Set<String>()
        return names.allSatisfy { name in
            PrometheusNames.isValidLabelName(name) && name != reserved && seen.insert(name).inserted
        }
    }
}
