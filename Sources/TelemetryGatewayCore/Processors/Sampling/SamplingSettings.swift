import Telemetry
import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// `probabilistic_sampler`'s settings: `sampling_percentage` (0–100, required), `mode` (`proportional`,
/// the only mode: OTEP 235 consistent sampling on the trace's randomness); `hash_seed` is refused.
struct ProbabilisticSamplerSettings: Sendable {
    /// The share of traces kept, 0–100.
    var samplingPercentage: Double

    /// Reads a `probabilistic_sampler` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> ProbabilisticSamplerSettings {
        guard !node.isEmpty else { throw node.error("give sampling_percentage") }
        let fields = try node.mapping(allowed: ["sampling_percentage", "mode", "hash_seed"])
        if let seed = fields["hash_seed"] {
            throw seed.error("not supported: decisions follow OTEP 235 consistent sampling (the trace's randomness), not a hash seed")
        }
        _ = try fields["mode"]?.choice(["proportional"])
        return ProbabilisticSamplerSettings(samplingPercentage: try fields.required("sampling_percentage").double(in: 0...100))
    }
}

/// Makes `probabilistic_sampler` processors and `sampler` processors (the library's samplers, as in its
/// own configuration: `type: trace_id_ratio`, `rate_limiting`, `rules`, `parent_based`…, decided per trace).
enum SamplingProcessorFactory {
    /// The definition of a `probabilistic_sampler` section.
    static func probabilistic(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        definition(.traceIDRatio(try ProbabilisticSamplerSettings.parse(node).samplingPercentage / 100))
    }

    /// The definition of a `sampler` section.
    static func sampler(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        guard !node.isEmpty else { throw node.error("give a sampler type") }
        return definition(try SamplerParser.parse(node))
    }

    private static func definition(_ sampler: Sampler) -> ProcessorDefinition {
        var definition = ProcessorDefinition(signals: [.traces]) { context throws(GatewayError) in
            TraceSamplingProcessor(sampler: sampler, name: context.id.description, metrics: context.metrics)
        }
        definition.decodesPayloads = true
        return definition
    }
}
