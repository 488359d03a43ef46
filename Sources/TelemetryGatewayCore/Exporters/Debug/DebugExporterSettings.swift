import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// `debug`'s settings: `verbosity` (`basic`, the default, or `detailed`).
struct DebugExporterSettings: Sendable {
    /// How much of each request is logged.
    var verbosity = DebugForwardingExporter.Verbosity.basic

    /// Reads a `debug` section (empty for the defaults).
    static func parse(_ node: ConfigNode) throws(ConfigError) -> DebugExporterSettings {
        var settings = DebugExporterSettings()
        guard node.isMapping else { return settings }
        let fields = try node.mapping(allowed: ["verbosity"])
        if let level = fields["verbosity"] {
            settings.verbosity = DebugForwardingExporter.Verbosity(rawValue: try level.choice(["basic", "detailed"])) ?? .basic
        }
        return settings
    }
}

/// Makes `debug` exporters.
enum DebugExporterFactory {
    /// The definition of a `debug` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ExporterDefinition {
        let settings = try DebugExporterSettings.parse(node)
        return ExporterDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            DebugForwardingExporter(
                name: context.id.description, verbosity: settings.verbosity, budget: context.budget, selfMetrics: context.selfMetrics,
                logger: context.logger)
        }
    }
}
