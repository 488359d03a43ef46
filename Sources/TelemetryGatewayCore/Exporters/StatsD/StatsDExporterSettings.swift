import TelemetryConfig
import TelemetryYAML
import TelemetryExporters

/// `statsd`'s settings: `endpoint` (host:port, required), `prefix`, `dogstatsd_tags` (true),
/// `max_datagram_bytes` (1432; at most 65,507, the largest UDP payload over IPv4), and the push keys.
struct StatsDExporterSettings: Sendable {
    /// The StatsD server.
    var host: String
    /// Its port.
    var port: Int
    /// The prefix of every metric name.
    var prefix = ""
    /// Whether labels are sent as DogStatsD tags.
    var dogStatsDTags = true
    /// The largest datagram sent.
    var maxDatagramBytes = StatsDLimits.defaultDatagramBytes
    /// Interval and expiration.
    var push = PushSettings()

    /// Reads a `statsd` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> StatsDExporterSettings {
        guard !node.isEmpty else { throw node.error("give an endpoint") }
        let fields = try node.mapping(allowed: ["endpoint", "prefix", "dogstatsd_tags", "max_datagram_bytes", "interval", "metric_expiration"])
        let endpoint = try EndpointSettings.parse(try fields.required("endpoint"))
        var settings = StatsDExporterSettings(host: endpoint.host, port: endpoint.port)
        if let prefix = fields["prefix"] { settings.prefix = try prefix.string() }
        if let tags = fields["dogstatsd_tags"] { settings.dogStatsDTags = try tags.bool() }
        if let size = fields["max_datagram_bytes"] { settings.maxDatagramBytes = try size.int(in: StatsDLimits.datagramBytes) }
        settings.push = try PushSettings.parse(fields)
        return settings
    }
}

/// Makes `statsd` exporters: folded metrics pushed as StatsD/DogStatsD datagrams.
enum StatsDExporterFactory {
    /// The definition of a `statsd` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        let settings = try StatsDExporterSettings.parse(node)
        return settings.push.definition { context in
            StatsDExporter(
                host: settings.host, port: settings.port, prefix: settings.prefix, dogStatsDTags: settings.dogStatsDTags,
                maxDatagramBytes: settings.maxDatagramBytes, name: context.id.description, selfMetrics: context.selfMetrics)
        }
    }
}
