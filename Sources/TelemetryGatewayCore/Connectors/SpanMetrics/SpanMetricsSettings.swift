import TelemetryConfig
import TelemetryOTLPData
import TelemetryYAML

/// The `spanmetrics` connector's settings, in the Collector's keys and defaults
/// (`connector/spanmetricsconnector/config.go`, `factory.go`).
public struct SpanMetricsSettings: Sendable {
    /// An extra dimension: a span attribute (else a resource attribute) and the value used when neither has it.
    public struct Dimension: Sendable, Equatable {
        /// The attribute name.
        public var name: String
        /// The value when the attribute is missing; without one the dimension is left out.
        public var defaultValue: String?
    }

    /// How span durations are aggregated.
    public enum HistogramKind: Sendable, Equatable {
        /// Explicit bucket bounds, in the histogram's unit.
        case explicit(bounds: [Double])
        /// An exponential histogram of at most `maxSize` buckets.
        case exponential(maxSize: Int)
        /// No duration histogram (`histogram.disable: true`).
        case disabled
    }

    /// The unit durations are recorded in.
    public enum DurationUnit: String, Sendable, Equatable {
        /// `ms`, the default.
        case milliseconds = "ms"
        /// `s`.
        case seconds = "s"

        /// Nanoseconds per unit.
        var nanoseconds: Double { self == .milliseconds ? 1e6 : 1e9 }
    }

    /// The built-in dimensions, in the order they are written.
    static let builtInDimensions = ["service.name", "span.name", "span.kind", "status.code"]
    /// The Collector's default bounds in milliseconds (`defaultHistogramBucketsMs`).
    static let defaultBoundsMilliseconds: [Double] = [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000]
    /// The Collector's default `exponential.max_size` (go-expohisto's `DefaultMaxSize`).
    static let defaultExponentialMaxSize = 160

    /// `dimensions`.
    public var dimensions: [Dimension] = []
    /// `exclude_dimensions`: built-in dimensions left out.
    public var excludedDimensions: Set<String> = []
    /// `dimensions_cache_size`: the most distinct series held at once (over all resources).
    public var dimensionsCacheSize = 1000
    /// `resource_metrics_cache_size`: the most distinct resources held at once.
    public var resourceMetricsCacheSize = 1000
    /// `resource_metrics_key_attributes`: the resource attributes that tell resources apart (all when empty).
    public var resourceKeyAttributes: [String] = []
    /// `aggregation_cardinality_limit`: the most series per resource (0: no limit of its own).
    public var cardinalityLimit = 0
    /// `aggregation_temporality`.
    public var temporality: AggregationTemporality = .cumulative
    /// `histogram.explicit` / `histogram.exponential` / `histogram.disable`.
    public var histogram: HistogramKind = .explicit(bounds: defaultBoundsMilliseconds)
    /// `histogram.unit`.
    public var unit: DurationUnit = .milliseconds
    /// `namespace`: the prefix of the metric names (`<namespace>.calls`).
    public var namespace = "traces.span.metrics"
    /// `metrics_flush_interval`.
    public var flushInterval: Duration = .seconds(60)
    /// `metrics_expiration`: a series not seen for this long is no longer exported (`nil`: never).
    public var expiration: Duration?
    /// `exemplars.enabled`.
    public var exemplarsEnabled = false
    /// `exemplars.max_per_data_point` (`nil`: no limit of its own; exemplars go at every flush).
    public var exemplarsPerDataPoint: Int?

    /// The defaults.
    public init() {}

    /// The name of metric `name` in the namespace.
    func metricName(_ name: String) -> String {
        namespace.isEmpty ? name : namespace + "." + name
    }

    /// Keys the Collector has that this gateway refuses, and why (documented in Config/README.md).
    static let refusedKeys: [String: String] = [
        "calls_dimensions": "per-metric dimensions are not supported; use dimensions",
        "events": "the events metric is not supported",
        "include_instrumentation_scope": "scope dimensions are not supported",
        "metric_timestamp_cache_size": "not needed: every delta point starts at the previous flush",
    ]

    /// Reads a `spanmetrics` section (empty for the defaults).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> SpanMetricsSettings {
        var settings = SpanMetricsSettings()
        guard !node.isEmpty else { return settings }
        let fields = try node.mapping(allowed: [
            "dimensions", "exclude_dimensions", "dimensions_cache_size", "resource_metrics_cache_size",
            "resource_metrics_key_attributes", "aggregation_temporality", "histogram", "metrics_flush_interval",
            "metrics_expiration", "namespace", "exemplars", "aggregation_cardinality_limit",
        ] + refusedKeys.keys.sorted())
        for (key, value) in fields.entries {
            if let reason = refusedKeys[key] { throw value.error("\(key): \(reason) by this gateway") }
        }
        if let list = fields["dimensions"] { settings.dimensions = try parseDimensions(list) }
        if let list = fields["exclude_dimensions"] {
            for item in try list.sequence() {
                let name = try item.string()
                guard builtInDimensions.contains(name) else {
                    throw item.error("exclude_dimensions: \"\(name)\" is not one of \(builtInDimensions.joined(separator: ", "))")
                }
                settings.excludedDimensions.insert(name)
            }
        }
        if let size = fields["dimensions_cache_size"] {
            settings.dimensionsCacheSize = try positive(size, "invalid cache size", max: 10_000_000)
        }
        if let size = fields["resource_metrics_cache_size"] {
            settings.resourceMetricsCacheSize = try positive(size, "invalid resource metrics cache size", max: 1_000_000)
        }
        if let list = fields["resource_metrics_key_attributes"] {
            settings.resourceKeyAttributes = try list.sequence().map { (item) throws(ConfigError) in try item.string() }
        }
        if let limit = fields["aggregation_cardinality_limit"] {
            let text = try limit.string()
            guard let value = Int(text), (0...10_000_000).contains(value) else {
                throw limit.error("invalid aggregation_cardinality_limit: \(text), the limit should be positive (at most 10000000)")
            }
            settings.cardinalityLimit = value
        }
        if let temporality = fields["aggregation_temporality"] {
            let text = try temporality.choice(["AGGREGATION_TEMPORALITY_CUMULATIVE", "AGGREGATION_TEMPORALITY_DELTA"])
            settings.temporality = text == "AGGREGATION_TEMPORALITY_DELTA" ? .delta : .cumulative
        }
        if let histogram = fields["histogram"] { try parseHistogram(histogram, into: &settings) }
        if let interval = fields["metrics_flush_interval"] { settings.flushInterval = try interval.duration() }
        if let expiration = fields["metrics_expiration"] {
            settings.expiration = ["0", "0s"].contains(expiration.rawText ?? "") ? nil : try expiration.duration()
        }
        if let namespace = fields["namespace"] { settings.namespace = namespace.isEmpty ? "" : try namespace.string() }
        if let exemplars = fields["exemplars"], !exemplars.isEmpty {
            let keys = try exemplars.mapping(allowed: ["enabled", "max_per_data_point"])
            if let enabled = keys["enabled"] { settings.exemplarsEnabled = try enabled.bool() }
            if let most = keys["max_per_data_point"] { settings.exemplarsPerDataPoint = try most.int(in: 1...1000) }
        }
        return settings
    }

    private static func positive(_ node: ConfigNode, _ message: String, max: Int) throws(ConfigError) -> Int {
        let text = try node.string()
        guard let value = Int(text), value > 0, value <= max else {
            throw node.error("\(message): \(text), the maximum number of the items in the cache should be positive (at most \(max))")
        }
        return value
    }

    private static func parseDimensions(_ list: ConfigNode) throws(ConfigError) -> [Dimension] {
        var seen = Set(builtInDimensions)
        var dimensions: [Dimension] = []
        for item in try list.sequence() {
            let keys = try item.mapping(allowed: ["name", "default"])
            let nameNode = try keys.required("name")
            let name = try nameNode.string()
            guard seen.insert(name).inserted else {
                throw nameNode.error("failed validating dimensions: duplicate dimension name \(name)")
            }
            let defaultValue: String? = if let value = keys["default"], !value.isEmpty { try value.string() } else { nil }
            dimensions.append(Dimension(name: name, defaultValue: defaultValue))
        }
        return dimensions
    }

    private static func parseHistogram(_ node: ConfigNode, into settings: inout SpanMetricsSettings) throws(ConfigError) {
        guard !node.isEmpty else { return }
        let keys = try node.mapping(allowed: ["disable", "unit", "explicit", "exponential", "dimensions"])
        if let dimensions = keys["dimensions"] {
            throw dimensions.error("histogram.dimensions: per-metric dimensions are not supported by this gateway; use dimensions")
        }
        if let unit = keys["unit"] {
            settings.unit = DurationUnit(rawValue: try unit.choice(["ms", "s"])) ?? .milliseconds
        }
        if let explicit = keys["explicit"], let exponential = keys["exponential"] {
            _ = explicit
            throw exponential.error("use either `explicit` or `exponential` buckets histogram")
        }
        var buckets: [Double]?
        if let explicit = keys["explicit"], !explicit.isEmpty {
            let explicitKeys = try explicit.mapping(allowed: ["buckets"])
            if let list = explicitKeys["buckets"] { buckets = try parseBuckets(list, unit: settings.unit) }
        }
        let defaults = SpanMetricsSettings.defaultBoundsMilliseconds.map { settings.unit == .seconds ? $0 / 1000 : $0 }
        settings.histogram = .explicit(bounds: buckets ?? defaults)
        if let exponential = keys["exponential"] {
            var maxSize = defaultExponentialMaxSize
            if !exponential.isEmpty, let size = try exponential.mapping(allowed: ["max_size"])["max_size"] {
                maxSize = try size.int(in: 2...16_384)
            }
            settings.histogram = .exponential(maxSize: maxSize)
        }
        if let disable = keys["disable"], try disable.bool() { settings.histogram = .disabled }
    }

    /// Bucket bounds written as Go durations (`100us`, `2ms`, `1s`), in `unit`, strictly increasing.
    private static func parseBuckets(_ list: ConfigNode, unit: DurationUnit) throws(ConfigError) -> [Double] {
        var bounds: [Double] = []
        for item in try list.sequence() {
            let text = try item.string()
            guard let nanoseconds = GoDuration.nanoseconds(text) else {
                throw item.error("expected a duration such as 100us, 2ms, 1.5s or 1m, got \"\(text)\"")
            }
            let bound = nanoseconds / unit.nanoseconds
            if let last = bounds.last, bound <= last {
                throw item.error("histogram bucket bounds must increase: \(text) is not above the bound before it")
            }
            bounds.append(bound)
        }
        guard bounds.count <= 1000 else { throw list.error("at most 1000 histogram bucket bounds") }
        return bounds
    }
}

/// Go's `time.Duration` text for one number and unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), as the
/// Collector's configuration writes bucket bounds.
enum GoDuration {
    /// The nanoseconds `text` means, or `nil` when it is not a non-negative duration of at most a year.
    static func nanoseconds(_ text: String) -> Double? {
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(number) else {
                continue
            }
            let nanoseconds = value * unit.nanoseconds
            return nanoseconds.isFinite && nanoseconds <= 365 * 86_400 * 1e9 ? nanoseconds : nil
        }
        return nil
    }
}

/// Makes `spanmetrics` connectors.
enum SpanMetricsConnectorFactory {
    /// The definition of a `spanmetrics` section: traces → metrics.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ConnectorDefinition {
        let settings = try SpanMetricsSettings.parse(node)
        var definition = ConnectorDefinition(pairs: [SignalPair(.traces, .metrics)]) { context throws(GatewayError) in
            SpanMetricsConnector(settings: settings, name: context.id.description, metrics: context.metrics, budget: context.budget)
        }
        definition.decodesPayloads = true
        return definition
    }
}
