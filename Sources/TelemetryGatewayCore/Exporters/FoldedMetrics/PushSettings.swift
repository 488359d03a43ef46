import Telemetry
import TelemetryConfig
import TelemetryYAML

/// The keys every pushing folded-metrics exporter (`statsd`, `cloudwatch`, `datadog`) shares:
/// `interval` (60s) between pushes, and `metric_expiration` (5m) after which a series no request updates
/// is dropped.
struct PushSettings: Sendable {
    /// Time between pushes.
    var interval: Duration = .seconds(60)
    /// How long a series no request updates is kept.
    var expiration: Duration = .seconds(300)

    /// Reads `interval` and `metric_expiration` of a section.
    static func parse(_ fields: ConfigMapping) throws(ConfigError) -> PushSettings {
        var settings = PushSettings()
        if let interval = fields["interval"] { settings.interval = try interval.duration() }
        if let expiration = fields["metric_expiration"] { settings.expiration = try expiration.duration() }
        return settings
    }

    /// The definition of a metrics exporter that folds requests and pushes them through what `make` builds.
    func definition(_ make: @escaping @Sendable (BuildContext) -> any MetricsExporter) -> ExporterDefinition {
        let settings = self
        return ExporterDefinition(signals: [.metrics]) { context throws(GatewayError) in
            PushFoldingExporter(
                name: context.id.description, exporter: make(context), interval: settings.interval, expiration: settings.expiration,
                budget: context.budget, selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }
}
