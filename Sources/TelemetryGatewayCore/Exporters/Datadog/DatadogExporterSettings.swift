import TelemetryConfig
import TelemetryYAML
import TelemetryExporters

/// `datadog`'s settings: `api.key` (required, never empty), `api.site` (`datadoghq.com`), `app_key`,
/// `metrics.endpoint`, `prefix`, and the push keys.
struct DatadogExporterSettings: Sendable {
    /// The API key (never logged).
    var apiKey: String
    /// The application key, if any (never logged).
    var appKey = ""
    /// The Datadog site.
    var site = "datadoghq.com"
    /// Another endpoint than the site's.
    var endpoint: String?
    /// The prefix of every metric name.
    var prefix = ""
    /// Interval and expiration.
    var push = PushSettings()

    /// Reads a `datadog` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> DatadogExporterSettings {
        guard !node.isEmpty else { throw node.error("give api.key") }
        let fields = try node.mapping(allowed: ["api", "app_key", "metrics", "prefix", "interval", "metric_expiration"])
        let api = try fields.required("api").mapping(allowed: ["key", "site"])
        var settings = DatadogExporterSettings(apiKey: try api.required("key").secret())
        if let site = api["site"] { settings.site = try site.string() }
        if let appKey = fields["app_key"] { settings.appKey = try appKey.secret() }
        settings.endpoint = try fields["metrics"]?.mapping(allowed: ["endpoint"])["endpoint"].map { node throws(ConfigError) in try EndpointSettings.url(node) }
        if let prefix = fields["prefix"] { settings.prefix = try prefix.string() }
        settings.push = try PushSettings.parse(fields)
        return settings
    }
}

/// Makes `datadog` exporters: folded metrics pushed to the metrics API v2.
enum DatadogExporterFactory {
    /// The definition of a `datadog` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        let settings = try DatadogExporterSettings.parse(node)
        return settings.push.definition { context in
            DatadogExporter(
                apiKey: settings.apiKey, appKey: settings.appKey, prefix: settings.prefix, site: settings.site,
                endpoint: settings.endpoint, name: context.id.description, selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }
}
