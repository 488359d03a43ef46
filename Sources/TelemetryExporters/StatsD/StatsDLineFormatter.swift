import Telemetry

/// Turns metric snapshots (already converted to deltas) into StatsD lines.
///
/// Mapping, with `p` the prefix and labels as DogStatsD tags (`|#k:v`) or, in plain StatsD, as name
/// segments in declared order:
/// - counter → `p.name:<increase since last export>|c` (nothing when it did not increase)
/// - gauge → `p.name:<value>|g`; a negative value is sent as `p.name:0|g` then `p.name:-v|g`, because a
///   leading sign alone means "adjust" in StatsD
/// - histogram → `p.name.count:<Δcount>|c`, `p.name.sum:<Δsum>|c`
/// - summary → `p.name.count:<Δcount>|c`, `p.name.sum:<Δsum>|c`, and each quantile as a gauge
///   `p.name.p50`, `p.name.p99`, `p.name.p999`, …
/// Names keep `[A-Za-z0-9_.]`; anything else becomes `_`. Tag values lose `,|#` and newlines.
struct StatsDLineFormatter: Sendable {
    let prefix: String
    let useTags: Bool

    func lines(_ snapshot: MetricsSnapshot) -> [String] {
        var lines: [String] = []
        for family in snapshot.families {
            for point in family.points {
                let (name, tags) = nameAndTags(family.name, point.labels)
                switch point.value {
                case .counter(let delta):
                    if delta > 0 { lines.append(line(name, number(delta), "c", tags)) }
                case .gauge(let value):
                    guard value.isFinite else { continue }
                    if value < 0 { lines.append(line(name, "0", "g", tags)) }
                    lines.append(line(name, number(value), "g", tags))
                case .histogram(let data):
                    appendCountAndSum(name, data.count, data.sum, tags, into: &lines)
                case .summary(let data):
                    appendCountAndSum(name, data.count, data.sum, tags, into: &lines)
                    for quantile in data.quantiles where quantile.value.isFinite {
                        lines.append(line(name + "." + Self.quantileSuffix(quantile.quantile), number(quantile.value), "g", tags))
                    }
                }
            }
        }
        return lines
    }

    /// `0.5` → `p50`, `0.99` → `p99`, `0.999` → `p999`, `1` → `p100`.
    static func quantileSuffix(_ quantile: Double) -> String {
        var digits = String(Int((quantile * 1000).rounded()))
        while digits.count > 2, digits.hasSuffix("0") { digits.removeLast() }
        return "p" + (quantile >= 1 ? "100" : digits)
    }

    private func appendCountAndSum(_ name: String, _ count: UInt64, _ sum: Double, _ tags: String, into lines: inout [String]) {
        guard count > 0 else { return }
        lines.append(line(name + ".count", String(count), "c", tags))
        if sum.isFinite { lines.append(line(name + ".sum", number(sum), "c", tags)) }
    }

    private func line(_ name: String, _ value: String, _ type: String, _ tags: String) -> String {
        "\(name):\(value)|\(type)\(tags)"
    }

    private func nameAndTags(_ name: String, _ labels: [Label]) -> (String, String) {
        var full = Self.sanitizedName(prefix.isEmpty ? name : prefix + "." + name)
        guard !labels.isEmpty else { return (full, "") }
        if useTags {
            let tags = labels.map { "\(Self.sanitizedName($0.name)):\(Self.sanitizedTagValue($0.value))" }
            return (full, "|#" + tags.joined(separator: ","))
        }
        for label in labels { full += "." + Self.sanitizedName(label.value) }
        return (full, "")
    }

    static func sanitizedName(_ text: String) -> String {
        String(text.map { character in
            character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ".")
                ? character : "_"
        })
    }

    static func sanitizedTagValue(_ text: String) -> String {
        String(text.map { ",|#\n\r".contains($0) ? "_" : $0 })
    }

    private func number(_ value: Double) -> String {
        if value.rounded(.towardZero) == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
