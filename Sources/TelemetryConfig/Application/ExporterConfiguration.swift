import Telemetry
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData
import TelemetryYAML

/// One configured exporter: its name (the `exporter` self-metric label), queue size and settings.
public struct ExporterConfiguration: Sendable {
    /// The exporter types a configuration may list.
    public static let types = ["otlp", "statsd", "cloudwatch", "datadog", "debug"]

    /// The settings of each exporter type.
    public enum Settings: Sendable {
        /// An OTLP/HTTP upstream; receives the listed signals (`traces`, `metrics`, `logs`).
        case otlp(
            endpoint: String, headers: [String: String], compression: OTLPExporter.Compression, gzipLevel: Int, timeout: Duration,
            temporality: AggregationTemporality, retry: RetryPolicy, signals: Set<String>)
        /// StatsD or DogStatsD over UDP.
        case statsd(host: String, port: Int, prefix: String, dogStatsDTags: Bool, maxDatagramBytes: Int)
        /// CloudWatch `PutMetricData`.
        case cloudwatch(namespace: String, region: String, endpoint: String?)
        /// Datadog metrics API v2.
        case datadog(apiKey: String, appKey: String, prefix: String, site: String, endpoint: String?)
        /// Writes a summary of what it receives to a file (JSON lines), or to the log without a path.
        case debug(path: String?)
    }

    /// Whether this exporter takes log records (OTLP when `logs` is among its signals, and debug).
    public var takesLogs: Bool {
        switch settings {
        case .otlp(_, _, _, _, _, _, _, let signals): signals.contains("logs")
        case .debug: true
        default: false
        }
    }

    /// The name, unique within the configuration.
    public var name: String
    /// Batches (spans) or snapshots (metrics) that may wait for this exporter; `nil` for the defaults
    /// (16 batches, 4 snapshots).
    public var queueSize: Int?
    /// The type-specific settings.
    public var settings: Settings
    /// Where it is configured (its `path` for `debug`), to locate an error found when it is built.
    package var location: ConfigLocation

    /// Whether this exporter takes spans.
    public var takesTraces: Bool {
        switch settings {
        case .otlp(_, _, _, _, _, _, _, let signals): signals.contains("traces")
        case .debug: true
        case .statsd, .cloudwatch, .datadog: false
        }
    }

    /// Whether this exporter takes metrics.
    public var takesMetrics: Bool {
        if case .otlp(_, _, _, _, _, _, _, let signals) = settings { return signals.contains("metrics") }
        return true
    }
}

/// Reads one entry of the `exporters` list. The keys are the gateway's (the Collector's) for the same
/// exporters; the format's older keys are deprecated aliases (see `ExporterAliases`).
enum ExporterParser {
    static let specific: [String: [String]] = [
        "otlp": ["endpoint", "headers", "compression", "compression_level", "timeout", "temporality", "retry_on_failure", "signals"]
            + [ExporterAliases.retry.old],
        "statsd": ["endpoint", "prefix", "dogstatsd_tags", "max_datagram_bytes", ExporterAliases.host.old, ExporterAliases.port.old],
        "cloudwatch": ["namespace", "region", "endpoint"],
        "datadog": ["api", "app_key", "prefix", "metrics", ExporterAliases.apiKey.old, ExporterAliases.site.old, ExporterAliases.datadogEndpoint.old],
        "debug": ["path"],
    ]

    static func parse(_ node: ConfigNode, index: Int, warnings: inout [ConfigError]) throws(ConfigError) -> ExporterConfiguration {
        let common = ["type", "name", "queue_size"]
        let type = try node.mapping(allowed: common + specific.values.flatMap { $0 }).required("type")
            .choice(ExporterConfiguration.types)
        let fields = try node.mapping(allowed: common + (specific[type] ?? []))
        let name = try fields["name"]?.string() ?? type
        let queueSize = try fields["queue_size"]?.int(in: 1...100_000)
        let settings: ExporterConfiguration.Settings
        switch type {
        case "otlp":
            settings = try otlp(fields, warnings: &warnings)
        case "statsd":
            settings = try statsd(fields, warnings: &warnings)
        case "cloudwatch":
            settings = .cloudwatch(
                namespace: try fields.required("namespace").string(), region: try fields.required("region").string(),
                endpoint: try fields["endpoint"].map { node throws(ConfigError) in try EndpointSettings.url(node) })
        case "datadog":
            settings = try datadog(fields, warnings: &warnings)
        default:
            settings = .debug(path: try fields["path"]?.string())
        }
        return ExporterConfiguration(name: name, queueSize: queueSize, settings: settings, location: (fields["path"] ?? node).location)
    }

    private static func otlp(_ fields: ConfigMapping, warnings: inout [ConfigError]) throws(ConfigError) -> ExporterConfiguration.Settings {
        let compression = try fields["compression"]?.choice(["gzip", "none"]) ?? "gzip"
        let temporality = try fields["temporality"]?.choice(["cumulative", "delta"]) ?? "cumulative"
        var signals: Set<String> = ["traces", "metrics", "logs"]
        if let list = fields["signals"] {
            signals = []
            for item in try list.sequence() { signals.insert(try item.choice(["traces", "metrics", "logs"])) }
        }
        var retry = RetryPolicy()
        if let old = try fields.deprecated(ExporterAliases.retry, replacement: fields["retry_on_failure"], warnings: &warnings) {
            retry = try ExporterAliases.retryPolicy(old)
        } else if let node = fields["retry_on_failure"] {
            retry = try RetrySettings.parse(node)
        }
        return .otlp(
            endpoint: try EndpointSettings.url(try fields.required("endpoint")),
            headers: try fields["headers"].map { node throws(ConfigError) in try HeaderSettings.parse(node) } ?? [:],
            compression: compression == "gzip" ? .gzip : OTLPExporter.Compression.none,
            gzipLevel: try fields["compression_level"]?.int(in: Gzip.levels) ?? 1,
            timeout: try fields["timeout"]?.duration() ?? .seconds(10),
            temporality: temporality == "delta" ? .delta : .cumulative, retry: retry, signals: signals)
    }

    private static func statsd(_ fields: ConfigMapping, warnings: inout [ConfigError]) throws(ConfigError) -> ExporterConfiguration.Settings {
        var endpoint = EndpointSettings(host: "127.0.0.1", port: 8125)
        let newEndpoint = fields["endpoint"]
        if let host = try fields.deprecated(ExporterAliases.host, replacement: newEndpoint, warnings: &warnings) {
            endpoint.host = try host.string()
        }
        if let port = try fields.deprecated(ExporterAliases.port, replacement: newEndpoint, warnings: &warnings) {
            endpoint.port = try port.int(in: 1...65535)
        }
        if let newEndpoint { endpoint = try EndpointSettings.parse(newEndpoint) }
        return .statsd(
            host: endpoint.host, port: endpoint.port, prefix: try fields["prefix"]?.string() ?? "",
            dogStatsDTags: try fields["dogstatsd_tags"]?.bool() ?? true,
            maxDatagramBytes: try fields["max_datagram_bytes"]?.int(in: StatsDLimits.datagramBytes) ?? StatsDLimits.defaultDatagramBytes)
    }

    private static func datadog(_ fields: ConfigMapping, warnings: inout [ConfigError]) throws(ConfigError) -> ExporterConfiguration.Settings {
        let api = try fields["api"]?.mapping(allowed: ["key", "site"])
        let apiKey = try fields.deprecated(ExporterAliases.apiKey, replacement: api?["key"], warnings: &warnings)
        let site = try fields.deprecated(ExporterAliases.site, replacement: api?["site"], warnings: &warnings)
        let metrics = try fields["metrics"]?.mapping(allowed: ["endpoint"])
        let endpoint = try fields.deprecated(ExporterAliases.datadogEndpoint, replacement: metrics?["endpoint"], warnings: &warnings)
        let keyNode: ConfigNode
        if let apiKey {
            keyNode = apiKey
        } else if let api {
            keyNode = try api.required("key")
        } else {
            keyNode = try fields.required("api")
        }
        return .datadog(
            apiKey: try keyNode.secret(), appKey: try fields["app_key"]?.secret() ?? "",
            prefix: try fields["prefix"]?.string() ?? "", site: try (site ?? api?["site"])?.string() ?? "datadoghq.com",
            endpoint: try (endpoint ?? metrics?["endpoint"]).map { node throws(ConfigError) in try EndpointSettings.url(node) })
    }
}
