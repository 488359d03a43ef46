import Telemetry
import TelemetryHTTP
import TelemetryOTLP
import TelemetryOTLPData

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

/// Reads one entry of the `exporters` list.
enum ExporterParser {
    static func parse(_ node: ConfigNode, index: Int) throws(ConfigError) -> ExporterConfiguration {
        let common = ["type", "name", "queue_size"]
        let specific: [String: [String]] = [
            "otlp": ["endpoint", "headers", "compression", "compression_level", "timeout", "temporality", "retry", "signals"],
            "statsd": ["host", "port", "prefix", "dogstatsd_tags", "max_datagram_bytes"],
            "cloudwatch": ["namespace", "region", "endpoint"],
            "datadog": ["api_key", "app_key", "prefix", "site", "endpoint"],
            "debug": ["path"],
        ]
        let type = try node.mapping(allowed: common + specific.values.flatMap { $0 }).required("type")
            .choice(ExporterConfiguration.types)
        let fields = try node.mapping(allowed: common + (specific[type] ?? []))
        let name = try fields["name"]?.string() ?? type
        let queueSize = try fields["queue_size"]?.int(in: 1...100_000)
        let settings: ExporterConfiguration.Settings
        switch type {
        case "otlp":
            settings = try otlp(fields)
        case "statsd":
            settings = .statsd(
                host: try fields["host"]?.string() ?? "127.0.0.1", port: try fields["port"]?.int(in: 1...65535) ?? 8125,
                prefix: try fields["prefix"]?.string() ?? "", dogStatsDTags: try fields["dogstatsd_tags"]?.bool() ?? true,
                maxDatagramBytes: try fields["max_datagram_bytes"]?.int(in: 64...65_000) ?? 1432)
        case "cloudwatch":
            settings = .cloudwatch(
                namespace: try fields.required("namespace").string(), region: try fields.required("region").string(),
                endpoint: try fields["endpoint"]?.url())
        case "datadog":
            settings = .datadog(
                apiKey: try fields.required("api_key").secret(), appKey: try fields["app_key"]?.secret() ?? "",
                prefix: try fields["prefix"]?.string() ?? "", site: try fields["site"]?.string() ?? "datadoghq.com",
                endpoint: try fields["endpoint"]?.url())
        default:
            settings = .debug(path: try fields["path"]?.string())
        }
        return ExporterConfiguration(name: name, queueSize: queueSize, settings: settings)
    }

    private static func otlp(_ fields: ConfigMapping) throws(ConfigError) -> ExporterConfiguration.Settings {
        let compression = try fields["compression"]?.choice(["gzip", "none"]) ?? "gzip"
        let temporality = try fields["temporality"]?.choice(["cumulative", "delta"]) ?? "cumulative"
        var signals: Set<String> = ["traces", "metrics", "logs"]
        if let list = fields["signals"] {
            signals = []
            for item in try list.sequence() { signals.insert(try item.choice(["traces", "metrics", "logs"])) }
        }
        return .otlp(
            endpoint: try fields.required("endpoint").url(), headers: try fields["headers"]?.headerMap() ?? [:],
            compression: compression == "gzip" ? .gzip : OTLPExporter.Compression.none,
            gzipLevel: try fields["compression_level"]?.int(in: Gzip.levels) ?? 1,
            timeout: try fields["timeout"]?.duration() ?? .seconds(10),
            temporality: temporality == "delta" ? .delta : .cumulative, retry: try retry(fields["retry"]),
            signals: signals)
    }

    private static func retry(_ node: ConfigNode?) throws(ConfigError) -> RetryPolicy {
        guard let node else { return RetryPolicy() }
        let fields = try node.mapping(allowed: ["max_attempts", "initial_backoff", "max_backoff", "max_elapsed"])
        let defaults = RetryPolicy()
        return RetryPolicy(
            maxAttempts: try fields["max_attempts"]?.int(in: 1...100) ?? defaults.maxAttempts,
            initialBackoff: try fields["initial_backoff"]?.duration() ?? defaults.initialBackoff,
            maxBackoff: try fields["max_backoff"]?.duration() ?? defaults.maxBackoff,
            maxElapsed: try fields["max_elapsed"]?.duration() ?? defaults.maxElapsed)
    }
}
