import Logging
import Telemetry
import TelemetryHTTP

/// swift-log records exported as OpenTelemetry logs over OTLP, each tied to the span it was written in.
///
/// ```swift
/// let logs = OpenTelemetryLogs(serviceName: "orders")
/// LoggingSystem.bootstrap { label in logs.handler(label: label) }
/// let logger = Logger(label: "orders.worker")
/// logger.info("order processed", metadata: ["order_id": "42"])
/// logs.shutdown()
/// ```
/// Records go through a `BatchLogProcessor` (bounded; a full batch is exported at once; drops counted
/// in `telemetry_exporter_dropped_items_total{signal="logs"}`). Parameters left out come from the
/// OpenTelemetry environment (`OTEL_BLRP_*`, `OTEL_EXPORTER_OTLP_LOGS_*` and `OTEL_EXPORTER_OTLP_*`,
/// `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`), else OpenTelemetry's defaults (2048, 512, 1 s,
/// 30 s; `http://localhost:4318/v1/logs`). `OTEL_SDK_DISABLED=true` makes handlers drop everything.
///
/// Diagnostics of the pipeline itself (a full queue, a failing export) go to `logger`, which should
/// not be a logger of this pipeline; they are rate-limited either way.
public final class OpenTelemetryLogs: Sendable {
    /// The resource records are exported under.
    public let resource: Resource
    /// Handlers made by `handler(label:)` start at this level.
    public let level: Logger.Level
    private let processor: LogProcessorFanout?

    /// Creates the pipeline and starts its export worker.
    ///
    /// - Parameters:
    ///   - serviceName: `service.name` of the resource.
    ///   - exporter: where records go (default: an `OTLPExporter` configured from the environment).
    ///   - batch: queue and batch settings (default: `OTEL_BLRP_*`, else 2048, 512, 1 s, 30 s).
    ///   - level: the lowest level recorded by the handlers it makes.
    ///   - resourceAttributes: extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES` overrides them).
    ///   - selfMetrics: where the pipeline's self-metrics are recorded.
    public convenience init(
        serviceName: String, exporter: (any LogRecordExporter)? = nil, batch: BatchConfiguration? = nil,
        level: Logger.Level = .info, resourceAttributes: [String: AttributeValue] = [:],
        selfMetrics: MetricsCollector = ExporterSelfMetrics.defaultCollector,
        logger: Logger = Logger(label: "swift-telemetry.logs")
    ) {
        self.init(
            serviceName: serviceName, exporters: exporter.map { [(name: "otlp", exporter: $0)] } ?? [], batch: batch,
            level: level, resourceAttributes: resourceAttributes, selfMetrics: selfMetrics, logger: logger,
            environment: .process(logger: logger))
    }

    /// Creates the pipeline with one batch processor (own queue and worker) per named exporter; with
    /// no exporters, an `OTLPExporter` from the environment.
    package convenience init(
        serviceName: String, exporters: [(name: String, exporter: any LogRecordExporter)], batch: BatchConfiguration?,
        level: Logger.Level, resourceAttributes: [String: AttributeValue], selfMetrics: MetricsCollector, logger: Logger
    ) {
        self.init(
            serviceName: serviceName, exporters: exporters, batch: batch, level: level, resourceAttributes: resourceAttributes,
            selfMetrics: selfMetrics, logger: logger, environment: .process(logger: logger))
    }

    init(
        serviceName: String, exporters: [(name: String, exporter: any LogRecordExporter)], batch: BatchConfiguration?,
        level: Logger.Level, resourceAttributes: [String: AttributeValue], selfMetrics: MetricsCollector, logger: Logger,
        environment: OTLPEnvironment
    ) {
        let resource = OpenTelemetryResources.fromEnvironment(environment, serviceName: serviceName, attributes: resourceAttributes)
        self.resource = resource
        self.level = level
        guard !environment.sdkDisabled else {
            logger.info("OTEL_SDK_DISABLED=true: log records are not recorded or exported")
            processor = nil
            return
        }
        let named = exporters.isEmpty
            ? [(name: "otlp", exporter: OTLPExporter(
                endpoint: nil, headers: nil, compression: nil, timeout: nil, tls: nil, retry: RetryPolicy(), temporality: .cumulative,
                resource: nil, name: "otlp", selfMetrics: selfMetrics, logger: logger, environment: environment) as any LogRecordExporter)]
            : exporters
        let configuration = environment.logBatch(over: batch ?? .logDefaults)
        processor = LogProcessorFanout(named.map { entry in
            BatchLogProcessor(
                exporter: entry.exporter, resource: resource, configuration: configuration, name: entry.name,
                selfMetrics: selfMetrics, logger: logger)
        })
    }

    /// A swift-log handler for `label` that records into this pipeline (for `LoggingSystem.bootstrap`).
    public func handler(label: String) -> any LogHandler {
        guard let processor else { return SwiftLogNoOpLogHandler(label) }
        return TelemetryLogHandler(label: label, processor: processor, logLevel: level)
    }

    /// Blocks until every record made before the call is exported, or the export timeout passes.
    @discardableResult
    public func forceFlush(timeout: Duration? = nil) -> Bool {
        processor?.forceFlush(timeout: timeout) ?? true
    }

    /// Flushes (bounded by the export timeout), then stops; later records are dropped and counted.
    @discardableResult
    public func shutdown(timeout: Duration? = nil) -> Bool {
        processor?.shutdown(timeout: timeout) ?? true
    }
}
