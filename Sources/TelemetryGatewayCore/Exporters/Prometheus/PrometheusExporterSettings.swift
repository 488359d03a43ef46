import TelemetryConfig
import TelemetryYAML

/// `prometheus`'s settings: `endpoint` (host:port, required), `namespace`, `metric_expiration` (5m).
struct PrometheusExporterSettings: Sendable {
    /// Where `/metrics` is served.
    var host: String
    /// Its port.
    var port: Int
    /// The prefix of every exposed name.
    var namespace = ""
    /// How long a series no request updates stays exposed.
    var expiration: Duration = .seconds(300)

    /// Reads a `prometheus` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> PrometheusExporterSettings {
        guard !node.isEmpty else { throw node.error("give an endpoint") }
        let fields = try node.mapping(allowed: ["endpoint", "namespace", "metric_expiration"])
        let endpoint = try EndpointSettings.parse(try fields.required("endpoint"))
        var settings = PrometheusExporterSettings(host: endpoint.host, port: endpoint.port)
        if let namespace = fields["namespace"] { settings.namespace = try namespace.string() }
        if let expiration = fields["metric_expiration"] { settings.expiration = try expiration.duration() }
        return settings
    }
}

/// Makes `prometheus` exporters: folded metrics served for scraping.
enum PrometheusExporterFactory {
    /// The definition of a `prometheus` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        let settings = try PrometheusExporterSettings.parse(node)
        return ExporterDefinition(signals: [.metrics]) { context throws(GatewayError) in
            try PrometheusFoldingExporter(
                name: context.id.description, host: settings.host, port: settings.port, namespace: settings.namespace,
                expiration: settings.expiration, budget: context.budget, selfMetrics: context.selfMetrics, logger: context.logger)
        }
    }
}
