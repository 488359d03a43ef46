import Telemetry
import TelemetryConfig
import TelemetryOTLPData

/// How each processor type reads its section.
enum ProcessorDefinitions {
    /// `memory_limiter`: `limit_mib` or `limit_percentage` (one is required), `spike_limit_mib` or
    /// `spike_limit_percentage` (default 20% of the limit), `check_interval` (accepted for Collector
    /// compatibility; the budget is checked on every request, so it changes nothing).
    static func memoryLimiter(_ node: ConfigNode?) throws(ConfigError) -> ProcessorDefinition {
        guard let node else { throw ConfigError(file: "", path: "memory_limiter", line: 0, column: 0, message: "give limit_mib") }
        let fields = try node.mapping(allowed: [
            "check_interval", "limit_mib", "spike_limit_mib", "limit_percentage", "spike_limit_percentage",
        ])
        _ = try fields["check_interval"]?.duration()
        let total = ContainerMemory.limitBytes() ?? PhysicalMemory.bytes
        let limit: Int
        if let mib = fields["limit_mib"] {
            limit = try mib.int(in: 1...(1 << 30)) << 20
        } else if let percentage = fields["limit_percentage"] {
            limit = Int(Double(total) * Double(try percentage.int(in: 1...100)) / 100)
        } else {
            throw node.error("give limit_mib or limit_percentage")
        }
        var spike = limit / 5
        if let mib = fields["spike_limit_mib"] {
            spike = try mib.int(in: 0...(1 << 30)) << 20
        } else if let percentage = fields["spike_limit_percentage"] {
            spike = Int(Double(total) * Double(try percentage.int(in: 0...100)) / 100)
        }
        guard spike < limit else {
            throw (fields["spike_limit_mib"] ?? fields["spike_limit_percentage"] ?? node).error("must be below the limit")
        }
        let softLimit = limit - spike
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            MemoryLimiterProcessor(budget: context.budget, softLimitBytes: softLimit, metrics: context.metrics, name: context.id.description)
        }
        definition.memoryLimitBytes = limit
        return definition
    }

    /// `probabilistic_sampler`: `sampling_percentage` (0–100), `mode` (`proportional`, the only mode:
    /// OTEP 235 consistent sampling on the trace's randomness).
    static func probabilisticSampler(_ node: ConfigNode?) throws(ConfigError) -> ProcessorDefinition {
        guard let node else {
            throw ConfigError(file: "", path: "probabilistic_sampler", line: 0, column: 0, message: "give sampling_percentage")
        }
        let fields = try node.mapping(allowed: ["sampling_percentage", "mode", "hash_seed"])
        if let seed = fields["hash_seed"] {
            throw seed.error("not supported: decisions follow OTEP 235 consistent sampling (the trace's randomness), not a hash seed")
        }
        _ = try fields["mode"]?.choice(["proportional"])
        let percentage = try fields.required("sampling_percentage").double(in: 0...100)
        return sampling(.traceIDRatio(percentage / 100))
    }

    /// `sampler`: the library's samplers, as in its own configuration (`type: trace_id_ratio`,
    /// `rate_limiting`, `rules`, `parent_based`…), decided per trace.
    static func sampler(_ node: ConfigNode?) throws(ConfigError) -> ProcessorDefinition {
        guard let node else { throw ConfigError(file: "", path: "sampler", line: 0, column: 0, message: "give a sampler type") }
        return sampling(try SamplerParser.parse(node))
    }

    private static func sampling(_ sampler: Sampler) -> ProcessorDefinition {
        var definition = ProcessorDefinition(signals: [.traces]) { context throws(GatewayError) in
            TraceSamplingProcessor(sampler: sampler, name: context.id.description, metrics: context.metrics)
        }
        definition.decodesPayloads = true
        return definition
    }

    /// `batch`: `timeout`, `send_batch_size`, `send_batch_max_size` (see `BatchProcessor`).
    static func batch(_ node: ConfigNode?) throws(ConfigError) -> ProcessorDefinition {
        var settings = BatchSettings()
        if let node, case .mapping = node.node {
            let fields = try node.mapping(allowed: ["timeout", "send_batch_size", "send_batch_max_size"])
            if let timeout = fields["timeout"] { settings.timeout = try timeout.duration() }
            if let size = fields["send_batch_size"] { settings.sendBatchSize = try size.int(in: 1...10_000_000) }
            if let size = fields["send_batch_max_size"] {
                settings.sendBatchMaxSize = try size.int(in: 0...10_000_000)
                if settings.sendBatchMaxSize > 0, settings.sendBatchMaxSize < settings.sendBatchSize {
                    throw size.error("must be 0 or at least send_batch_size (\(settings.sendBatchSize))")
                }
            }
        }
        let batch = settings
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { _ throws(GatewayError) in
            BatchProcessor(settings: batch)
        }
        definition.batch = batch
        return definition
    }
}
