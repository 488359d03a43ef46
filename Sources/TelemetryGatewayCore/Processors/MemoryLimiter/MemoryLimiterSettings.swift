import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData

/// `memory_limiter`'s settings: `limit_mib` or `limit_percentage` (one is required), `spike_limit_mib` or
/// `spike_limit_percentage` (default 20% of the limit), `check_interval` (accepted for Collector
/// compatibility; the budget is checked on every request, so it changes nothing).
struct MemoryLimiterSettings: Sendable {
    /// The hard limit of the memory budget.
    var limitBytes: Int
    /// The headroom kept below it.
    var spikeBytes: Int

    /// Above this many bytes held, new data is refused.
    var softLimitBytes: Int { limitBytes - spikeBytes }

    /// Reads a `memory_limiter` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> MemoryLimiterSettings {
        guard !node.isEmpty else { throw node.error("give limit_mib") }
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
        return MemoryLimiterSettings(limitBytes: limit, spikeBytes: spike)
    }
}

/// Makes `memory_limiter` processors.
enum MemoryLimiterProcessorFactory {
    /// The definition of a `memory_limiter` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        let settings = try MemoryLimiterSettings.parse(node)
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            MemoryLimiterProcessor(
                budget: context.budget, softLimitBytes: settings.softLimitBytes, metrics: context.metrics, name: context.id.description)
        }
        definition.memoryLimitBytes = settings.limitBytes
        return definition
    }
}
