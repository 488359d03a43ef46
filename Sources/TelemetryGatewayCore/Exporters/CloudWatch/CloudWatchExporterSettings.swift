import TelemetryConfig
import TelemetryYAML
import TelemetryExporters

/// `cloudwatch`'s settings: `namespace` and `region` (required), `endpoint`, and the push keys;
/// credentials come from the `AWS_*` environment variables, never from the file.
struct CloudWatchExporterSettings: Sendable {
    /// The CloudWatch namespace.
    var namespace: String
    /// The AWS region.
    var region: String
    /// Another endpoint than the region's (a test server, a VPC endpoint).
    var endpoint: String?
    /// Interval and expiration.
    var push = PushSettings()

    /// Reads a `cloudwatch` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> CloudWatchExporterSettings {
        guard !node.isEmpty else { throw node.error("give namespace and region") }
        let fields = try node.mapping(allowed: ["namespace", "region", "endpoint", "interval", "metric_expiration"])
        var settings = CloudWatchExporterSettings(
            namespace: try fields.required("namespace").string(), region: try fields.required("region").string())
        settings.endpoint = try fields["endpoint"].map { node throws(ConfigError) in try EndpointSettings.url(node) }
        settings.push = try PushSettings.parse(fields)
        return settings
    }
}

/// Makes `cloudwatch` exporters: folded metrics pushed with `PutMetricData`.
enum CloudWatchExporterFactory {
    /// The definition of a `cloudwatch` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        let settings = try CloudWatchExporterSettings.parse(node)
        return settings.push.definition { context in
            CloudWatchExporter(
                namespace: settings.namespace, region: settings.region, endpoint: settings.endpoint, name: context.id.description,
                selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }
}
