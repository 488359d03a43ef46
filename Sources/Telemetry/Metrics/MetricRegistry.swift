/// What makes two registrations of a name the same metric.
struct MetricDefinition: Equatable, Sendable {
    var kind: MetricKind
    var help: String
    var labelNames: [String]
    var buckets: [Double]?
    var quantiles: [Double]?
    var maxAge: Duration?
    var ageBuckets: Int?

    init(kind: MetricKind, help: String, labelNames: [String]) {
        self.kind = kind
        self.help = help
        self.labelNames = labelNames
    }

    /// A short description for conflict errors.
    var summary: String {
        var text = "\(kind) with labels \(labelNames)"
        if let buckets { text += ", buckets \(buckets)" }
        if let quantiles { text += ", quantiles \(quantiles)" }
        if let maxAge, let ageBuckets { text += ", maxAge \(maxAge) in \(ageBuckets) steps" }
        if !help.isEmpty { text += ", help \"\(help)\"" }
        return text
    }

    /// Every sample (and OpenMetrics family) name this metric exposes, used to detect collisions.
    func sampleNames(for name: String) -> [String] {
        switch kind {
        case .counter:
            let base = name.hasSuffix("_total") ? String(name.dropLast("_total".count)) : name
            return [base, base + "_total"]
        case .gauge:
            return [name]
        case .histogram:
            return [name, name + "_bucket", name + "_sum", name + "_count"]
        case .summary:
            return [name, name + "_sum", name + "_count"]
        }
    }
}

/// One registered metric: its definition, the instrument, and how to snapshot it.
struct MetricRegistration: Sendable {
    let definition: MetricDefinition
    let instrument: any Sendable & AnyObject
    let collect: @Sendable () -> MetricFamily
}

/// All registrations of a collector, and which metric exposes each sample name.
struct MetricRegistry: Sendable {
    var byName: [String: MetricRegistration] = [:]
    var sampleOwners: [String: String] = [:]

    mutating func insert(_ registration: MetricRegistration, name: String) {
        byName[name] = registration
        for sample in registration.definition.sampleNames(for: name) {
            sampleOwners[sample] = name
        }
    }
}
