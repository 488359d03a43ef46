import Foundation
import Logging
import Telemetry
import TelemetryExporters
import TelemetryOTLP
import TelemetryYAML

/// Everything an application needs, built from one YAML file: a tracer, a metrics collector, a swift-log
/// backend, and the pipelines that export them to every configured backend.
///
/// ```swift
/// let telemetry = try TelemetryPipeline(configFile: "telemetry.yaml")
/// let counter = try telemetry.collector.counter("jobs_total")
/// LoggingSystem.bootstrap { label in telemetry.logHandler(label: label) }
/// try traceContext(telemetry.tracer, "job") { _ in counter.inc() }
/// telemetry.shutdown()
/// ```
public final class TelemetryPipeline: Sendable {
    /// The configuration it was built from.
    public let configuration: TelemetryConfiguration
    /// The collector the application records metrics into.
    public let collector: MetricsCollector
    /// The collector of the pipeline's own metrics (exposed on the Prometheus endpoint when enabled).
    public let selfMetrics: MetricsCollector
    /// The tracer, sampling and exporting per the configuration.
    public let tracer: OpenTelemetryTracer
    /// The Prometheus endpoint, when configured.
    public let prometheus: PrometheusExporter?
    /// swift-log records as OpenTelemetry logs, to every exporter that takes logs; `nil` when none does.
    public let logs: OpenTelemetryLogs?
    private let metrics: MetricsPipeline

    /// Reads `configFile` and starts the pipelines.
    ///
    /// - Throws: `ConfigError` for a bad file, or when an endpoint cannot be bound or a file opened.
    public convenience init(
        configFile: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "swift-telemetry")
    ) throws(ConfigError) {
        try self.init(configuration: TelemetryConfiguration.load(path: configFile, environment: environment), logger: logger)
    }

    /// Starts the pipelines for an already loaded configuration.
    public init(configuration: TelemetryConfiguration, logger: Logger = Logger(label: "swift-telemetry")) throws(ConfigError) {
        self.configuration = configuration
        for warning in configuration.warnings { logger.warning("\(warning)") }
        collector = MetricsCollector(logger: logger)
        selfMetrics = MetricsCollector(logger: logger)
        let resource = Resource(
            serviceName: configuration.serviceName, extra: configuration.resourceAttributes.mapValues { .string($0) })
        let exporters = try BuiltExporters(
            configuration.exporters, resource: resource, selfMetrics: selfMetrics, logger: logger)
        let queueSizes = Dictionary(
            configuration.exporters.compactMap { exporter in exporter.queueSize.map { (exporter.name, $0) } }, uniquingKeysWith: { $1 })
        let spanExporter: any SpanExporter = SpanFanout(
            exporters.spans, queueSize: 16, queueSizes: queueSizes, selfMetrics: selfMetrics, logger: logger)
        tracer = OpenTelemetryTracer(
            serviceName: configuration.serviceName, exporter: spanExporter, sampler: configuration.sampler,
            batch: configuration.batch, resourceAttributes: resource.attributes, selfMetrics: selfMetrics,
            logger: logger)
        logs = exporters.logs.isEmpty ? nil : OpenTelemetryLogs(
            serviceName: configuration.serviceName, exporters: exporters.logs, batch: configuration.logs.batch,
            level: configuration.logs.level, resourceAttributes: resource.attributes, selfMetrics: selfMetrics, logger: logger)
        metrics = MetricsPipeline(
            collector: collector, exporters: exporters.metrics, interval: configuration.metricsInterval, queueSize: 4,
            queueSizes: queueSizes, selfMetrics: selfMetrics, logger: logger, environment: .process(logger: logger))
        if let endpoint = configuration.prometheus {
            do {
                let exporter = try PrometheusExporter(
                    prefix: endpoint.prefix, port: endpoint.port, host: endpoint.host, collector: collector, logger: logger)
                if configuration.selfMetrics { exporter.register(selfMetrics) }
                prometheus = exporter
            } catch {
                throw endpoint.location.error("cannot listen on \(endpoint.host):\(endpoint.port): \(error)")
            }
        } else {
            prometheus = nil
        }
    }

    /// A swift-log handler recording into the logs pipeline (for `LoggingSystem.bootstrap`); without an
    /// exporter that takes logs, one that drops everything.
    public func logHandler(label: String) -> any LogHandler {
        logs?.handler(label: label) ?? SwiftLogNoOpLogHandler(label)
    }

    /// Exports what is queued and a fresh metrics snapshot; returns whether everything went out in time.
    @discardableResult
    public func flush(timeout: Duration = .seconds(30)) -> Bool {
        let spans = tracer.forceFlush(timeout: timeout)
        let records = logs?.forceFlush(timeout: timeout) ?? true
        return metrics.flush(timeout: timeout) && spans && records
    }

    /// Flushes (bounded by `timeout`) and stops everything.
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(30)) -> Bool {
        let spans = tracer.shutdown(timeout: timeout)
        let records = logs?.shutdown(timeout: timeout) ?? true
        let exported = metrics.shutdown(timeout: timeout)
        prometheus?.shutdown()
        return spans && exported && records
    }
}
