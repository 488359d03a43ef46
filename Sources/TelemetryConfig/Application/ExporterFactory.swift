import Logging
import Telemetry
import TelemetryExporters
import TelemetryOTLP
import TelemetryOTLPData
import TelemetryYAML

/// The exporters a configuration lists, built once and shared by the trace, metric and log pipelines.
package struct BuiltExporters {
    package var spans: [(name: String, exporter: any SpanExporter)] = []
    package var metrics: [(name: String, exporter: any MetricsExporter)] = []
    package var logs: [(name: String, exporter: any LogRecordExporter)] = []

    package init(
        _ configurations: [ExporterConfiguration], resource: Resource, selfMetrics: MetricsCollector, logger: Logger
    )
        throws(ConfigError)
    {
        for configuration in configurations {
            let name = configuration.name
            switch configuration.settings {
            case .otlp(let endpoint, let headers, let compression, let gzipLevel, let timeout, let temporality, let retry, _):
                let exporter = OTLPExporter(
                    endpoint: endpoint, headers: headers, compression: compression, gzipLevel: gzipLevel, timeout: timeout, retry: retry,
                    temporality: temporality, resource: resource, name: name, selfMetrics: selfMetrics, logger: logger)
                add(configuration, spanExporter: exporter, metricsExporter: exporter, logExporter: exporter)
            case .statsd(let host, let port, let prefix, let tags, let maxDatagramBytes):
                add(configuration, spanExporter: nil, metricsExporter: StatsDExporter(
                    host: host, port: port, prefix: prefix, dogStatsDTags: tags, maxDatagramBytes: maxDatagramBytes,
                    name: name, selfMetrics: selfMetrics))
            case .cloudwatch(let namespace, let region, let endpoint):
                add(configuration, spanExporter: nil, metricsExporter: CloudWatchExporter(
                    namespace: namespace, region: region, endpoint: endpoint, name: name, selfMetrics: selfMetrics,
                    logger: logger))
            case .datadog(let apiKey, let appKey, let prefix, let site, let endpoint):
                add(configuration, spanExporter: nil, metricsExporter: DatadogExporter(
                    apiKey: apiKey, appKey: appKey, prefix: prefix, site: site, endpoint: endpoint, name: name,
                    selfMetrics: selfMetrics, logger: logger))
            case .debug(let path):
                let exporter: DebugExporter
                do {
                    exporter = try DebugExporter(path: path, logger: logger)
                } catch {
                    throw configuration.location.error("cannot open the file: \(error)")
                }
                add(configuration, spanExporter: exporter, metricsExporter: exporter, logExporter: exporter)
            }
        }
    }

    private mutating func add(
        _ configuration: ExporterConfiguration, spanExporter: (any SpanExporter)?, metricsExporter: any MetricsExporter,
        logExporter: (any LogRecordExporter)? = nil
    ) {
        if let spanExporter, configuration.takesTraces { spans.append((configuration.name, spanExporter)) }
        if configuration.takesMetrics { metrics.append((configuration.name, metricsExporter)) }
        if let logExporter, configuration.takesLogs { logs.append((configuration.name, logExporter)) }
    }
}
