import Logging
import Telemetry
import TelemetryConfig
import TelemetryExporters
import TelemetryOTLP

/// The running gateway: receiver, sampling, forwarding, folded metrics, Prometheus endpoint.
final class Gateway: Sendable {
    /// One forwarded request holds at most this many bytes.
    static let batchBytes = 4 << 20

    let receiverPort: Int
    let prometheusPort: Int?
    private let server: OTLPHTTPServer
    private let forwarder: Forwarder
    private let pipeline: MetricsPipeline
    private let prometheus: PrometheusExporter?
    private let logger: Logger

    init(configuration: TelemetryConfiguration, logger: Logger) throws {
        self.logger = logger
        let selfMetrics = MetricsCollector(logger: logger)
        let resource = Resource(
            serviceName: configuration.serviceName, extra: configuration.resourceAttributes.mapValues { .string($0) })
        let exporters = try BuiltExporters(configuration.exporters, resource: resource, selfMetrics: selfMetrics, logger: logger)
        forwarder = Forwarder(
            exporters: exporters, configurations: configuration.exporters, batchBytes: Self.batchBytes,
            scheduleDelay: configuration.batch.scheduleDelay, selfMetrics: selfMetrics, logger: logger)
        let store = ReceivedMetricsStore()
        // OTLP upstreams and debug exporters get what was received as is; the others get folded series.
        let otlpNames = Set(exporters.otlp.map(\.configuration.name) + exporters.debug.map(\.name))
        let folded = exporters.metrics.filter { !otlpNames.contains($0.name) }
        pipeline = MetricsPipeline(
            collector: store, exporters: folded, interval: configuration.metricsInterval, selfMetrics: selfMetrics,
            logger: logger)
        if let endpoint = configuration.prometheus {
            let exporter = try PrometheusExporter(
                prefix: endpoint.prefix, port: endpoint.port, host: endpoint.host, collector: nil, logger: logger)
            exporter.register(store)
            if configuration.selfMetrics { exporter.register(selfMetrics) }
            prometheus = exporter
            prometheusPort = exporter.boundPort
        } else {
            prometheus = nil
            prometheusPort = nil
        }
        let processor = GatewayRequestProcessor(
            receiver: configuration.receiver, sampler: TraceRequestSampler(sampler: configuration.sampler),
            forwarder: forwarder, store: store, metrics: GatewayMetrics(collector: selfMetrics))
        server = try OTLPHTTPServer(
            host: configuration.receiver.host, port: configuration.receiver.port, processor: processor, logger: logger)
        receiverPort = server.port
        logStartup(configuration, folded: folded.map(\.name))
    }

    /// Stops receiving, then flushes every queue within `timeout`; returns whether everything went out.
    func shutdown(timeout: Duration) -> Bool {
        server.close()
        let forwarded = forwarder.shutdown(timeout: timeout)
        let exported = pipeline.shutdown(timeout: timeout)
        prometheus?.shutdown()
        logger.info("telemetry-gateway stopped", metadata: ["flushed": "\(forwarded && exported)"])
        return forwarded && exported
    }

    private func logStartup(_ configuration: TelemetryConfiguration, folded: [String]) {
        logger.info(
            "telemetry-gateway listening",
            metadata: [
                "otlp": "http://\(configuration.receiver.host):\(receiverPort)/v1/{traces,metrics,logs}",
                "prometheus": "\(prometheusPort.map { "http://\(configuration.prometheus?.host ?? ""):\($0)/metrics" } ?? "off")",
                "sampler": "\(configuration.sampler)",
                "auth": "\(configuration.receiver.bearerToken == nil ? "none" : "bearer token")",
            ])
        for signal in OTLPSignal.allCases {
            logger.info("forwarding \(signal.rawValue)", metadata: ["to": "\(forwarder.destinations[signal] ?? [])"])
        }
        logger.info("metrics folded for", metadata: ["exporters": "\(folded)"])
    }
}
