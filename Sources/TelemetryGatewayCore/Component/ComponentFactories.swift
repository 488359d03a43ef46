import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// The component types a configuration may use, each with the parser of its section (kept next to its
/// code). `standard` has every type this gateway ships; tests add their own (an in-memory exporter).
package struct ComponentFactories: Sendable {
    /// Reads a component's located section (`isEmpty` when it has no keys) into a definition.
    package typealias Parse<Definition> = @Sendable (ConfigNode) throws(ConfigError) -> Definition

    /// Receiver types.
    package var receivers: [String: Parse<ReceiverDefinition>]
    /// Processor types.
    package var processors: [String: Parse<ProcessorDefinition>]
    /// Exporter types.
    package var exporters: [String: Parse<ExporterDefinition>]
    /// Connector types.
    package var connectors: [String: Parse<ConnectorDefinition>] = [:]

    /// Every type this gateway ships.
    package static let standard = ComponentFactories(
        receivers: ["otlp": OTLPReceiverFactory.definition],
        processors: [
            "memory_limiter": MemoryLimiterProcessorFactory.definition,
            "probabilistic_sampler": SamplingProcessorFactory.probabilistic,
            "sampler": SamplingProcessorFactory.sampler,
            "batch": BatchProcessorFactory.definition,
            "tail_sampling": TailSamplingProcessorFactory.definition,
            "transform": TransformProcessorFactory.definition,
            "filter": FilterProcessorFactory.definition,
            "attributes": AttributesProcessorFactory.definition,
            "resource": ResourceProcessorFactory.definition,
            "redaction": RedactionProcessorFactory.definition,
        ],
        exporters: [
            "otlp": OTLPExporterFactory.definition,
            "otlphttp": OTLPExporterFactory.definition,
            "debug": DebugExporterFactory.definition,
            "prometheus": PrometheusExporterFactory.definition,
            "statsd": StatsDExporterFactory.definition,
            "cloudwatch": CloudWatchExporterFactory.definition,
            "datadog": DatadogExporterFactory.definition,
            "loadbalancing": LoadBalancingExporterFactory.definition,
        ],
        connectors: [
            "routing": RoutingConnectorFactory.definition,
            "spanmetrics": SpanMetricsConnectorFactory.definition,
            "count": CountConnectorFactory.definition,
        ])

    /// These factories and an exporter type `type` whose entries `make` builds from their ids (for tests).
    package func adding(exporter type: String, _ make: @escaping @Sendable (ComponentID) -> any GatewayExporter) -> ComponentFactories {
        var copy = self
        let definition = ExporterDefinition(signals: Set(OTLPSignal.allCases)) { context in make(context.id) }
        copy.exporters[type] = { _ in definition }
        return copy
    }

    /// These factories and a connector type `type` with `definition` (for tests).
    package func adding(connector type: String, _ definition: ConnectorDefinition) -> ComponentFactories {
        var copy = self
        copy.connectors[type] = { _ in definition }
        return copy
    }

    /// These factories and an exporter type `type` that is always `exporter` (for tests).
    package func adding(exporter type: String, _ exporter: any GatewayExporter) -> ComponentFactories {
        var copy = self
        let definition = ExporterDefinition(signals: exporter.signals) { _ in exporter }
        copy.exporters[type] = { _ in definition }
        return copy
    }
}
