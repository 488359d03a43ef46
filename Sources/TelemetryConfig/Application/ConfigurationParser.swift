import Logging
import Telemetry
import TelemetryYAML

/// Reads the top level of a configuration file.
enum ConfigurationParser {
    static let sections = ["service", "sampling", "batch", "metrics", "logs", "exporters", "prometheus", "self_metrics"]

    static func parse(_ root: ConfigNode) throws(ConfigError) -> TelemetryConfiguration {
        let top = try root.mapping(allowed: sections)
        let service = try top["service"]?.mapping(allowed: ["name", "resource"])
        let sampler = try top["sampling"].map { node throws(ConfigError) in try SamplerParser.parse(node) }
        var exporters: [ExporterConfiguration] = []
        var warnings: [ConfigError] = []
        for (index, node) in try (top["exporters"]?.sequence() ?? []).enumerated() {
            let exporter = try ExporterParser.parse(node, index: index, warnings: &warnings)
            if exporters.contains(where: { $0.name == exporter.name }) {
                throw node.error("exporter name \"\(exporter.name)\" is used twice; give each a distinct name:")
            }
            exporters.append(exporter)
        }
        return TelemetryConfiguration(
            serviceName: try service?["name"]?.string() ?? "unknown_service:swift",
            resourceAttributes: try service?["resource"]?.stringMap() ?? [:],
            sampler: sampler ?? .parentBased(root: .alwaysOn),
            batch: try batch(top["batch"], defaults: BatchConfiguration()),
            logs: try logs(top["logs"]),
            metricsInterval: try top["metrics"]?.mapping(allowed: ["interval"])["interval"]?.duration() ?? .seconds(60),
            exporters: exporters,
            prometheus: try prometheus(top["prometheus"]),
            selfMetrics: try top["self_metrics"]?.mapping(allowed: ["enabled"])["enabled"]?.bool() ?? true,
            warnings: warnings)
    }

    private static func batch(_ node: ConfigNode?, defaults: BatchConfiguration) throws(ConfigError) -> BatchConfiguration {
        guard let node else { return defaults }
        let fields = try node.mapping(allowed: ["max_queue_size", "max_export_batch_size", "schedule_delay", "export_timeout"])
        let queue = try fields["max_queue_size"]?.int(in: 1...10_000_000) ?? defaults.maxQueueSize
        let batchSize = try fields["max_export_batch_size"]?.int(in: 1...1_000_000) ?? defaults.maxExportBatchSize
        if batchSize > queue, let node = fields["max_export_batch_size"] {
            throw node.error("must not exceed max_queue_size (\(queue))")
        }
        return BatchConfiguration(
            maxQueueSize: queue, maxExportBatchSize: batchSize,
            scheduleDelay: try fields["schedule_delay"]?.duration() ?? defaults.scheduleDelay,
            exportTimeout: try fields["export_timeout"]?.duration() ?? defaults.exportTimeout)
    }

    private static func logs(_ node: ConfigNode?) throws(ConfigError) -> LogsConfiguration {
        guard let node else { return LogsConfiguration() }
        let fields = try node.mapping(allowed: ["level", "batch"])
        let levels = Logger.Level.allCases.map(\.rawValue)
        return LogsConfiguration(
            level: try fields["level"].map { node throws(ConfigError) in Logger.Level(rawValue: try node.choice(levels)) ?? .info } ?? .info,
            batch: try batch(fields["batch"], defaults: .logDefaults))
    }

    private static func prometheus(_ node: ConfigNode?) throws(ConfigError) -> PrometheusEndpointConfiguration? {
        guard let node else { return nil }
        let fields = try node.mapping(allowed: ["enabled", "endpoint", "prefix"])
        guard try fields["enabled"]?.bool() ?? true else { return nil }
        let endpoint = try fields["endpoint"].map { node throws(ConfigError) in try EndpointSettings.parse(node) }
            ?? EndpointSettings(host: "127.0.0.1", port: 9464)
        return PrometheusEndpointConfiguration(
            host: endpoint.host, port: endpoint.port, prefix: try fields["prefix"]?.string() ?? "",
            location: (fields["endpoint"] ?? node).location)
    }
}
