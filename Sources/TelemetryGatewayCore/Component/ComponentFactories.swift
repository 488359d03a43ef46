import TelemetryConfig

/// The component types a configuration may use, each with the parser of its section (kept next to its
/// code). `standard` has every type this gateway ships; tests add their own (an in-memory exporter).
package struct ComponentFactories: Sendable {
    /// Reads a component's section (`nil` when it is empty) into a definition.
    package typealias Parse<Definition> = @Sendable (ConfigNode?) throws(ConfigError) -> Definition

    /// Receiver types.
    package var receivers: [String: Parse<ReceiverDefinition>]
    /// Processor types.
    package var processors: [String: Parse<ProcessorDefinition>]
    /// Exporter types.
    package var exporters: [String: Parse<ExporterDefinition>]

    /// Every type this gateway ships.
    package static let standard = ComponentFactories(
        receivers: ["otlp": OTLPReceiver.definition],
        processors: [
            "memory_limiter": ProcessorDefinitions.memoryLimiter,
            "probabilistic_sampler": ProcessorDefinitions.probabilisticSampler,
            "sampler": ProcessorDefinitions.sampler,
            "batch": ProcessorDefinitions.batch,
            "tail_sampling": TailSamplingConfig.definition,
        ],
        exporters: [
            "otlp": ExporterDefinitions.otlp,
            "otlphttp": ExporterDefinitions.otlp,
            "debug": ExporterDefinitions.debug,
            "prometheus": ExporterDefinitions.prometheus,
            "statsd": ExporterDefinitions.statsd,
            "cloudwatch": ExporterDefinitions.cloudwatch,
            "datadog": ExporterDefinitions.datadog,
            "loadbalancing": LoadBalancingConfig.definition,
        ])

    /// These factories and an exporter type `type` that is always `exporter` (for tests).
    package func adding(exporter type: String, _ exporter: any GatewayExporter) -> ComponentFactories {
        var copy = self
        let definition = ExporterDefinition(signals: exporter.signals) { _ in exporter }
        copy.exporters[type] = { _ in definition }
        return copy
    }
}
