import TelemetryConfig

/// Every component type the gateway knows, with the parser of its section (kept next to its code).
enum ComponentRegistry {
    typealias Parse<Definition> = @Sendable (ConfigNode?) throws(ConfigError) -> Definition

    static let receivers: [String: Parse<ReceiverDefinition>] = ["otlp": OTLPReceiver.definition]

    static let processors: [String: Parse<ProcessorDefinition>] = [
        "memory_limiter": ProcessorDefinitions.memoryLimiter,
        "probabilistic_sampler": ProcessorDefinitions.probabilisticSampler,
        "sampler": ProcessorDefinitions.sampler,
        "batch": ProcessorDefinitions.batch,
    ]

    static let exporters: [String: Parse<ExporterDefinition>] = [
        "otlp": ExporterDefinitions.otlp,
        "otlphttp": ExporterDefinitions.otlp,
        "debug": ExporterDefinitions.debug,
        "prometheus": ExporterDefinitions.prometheus,
        "statsd": ExporterDefinitions.statsd,
        "cloudwatch": ExporterDefinitions.cloudwatch,
        "datadog": ExporterDefinitions.datadog,
    ]
}
