import Telemetry
import TelemetryYAML

/// Reads a sampler from YAML: a mapping with `type` and the keys that type takes.
package enum SamplerParser {
    static let types = ["always_on", "always_off", "trace_id_ratio", "parent_based", "rate_limiting", "rules"]

    package static func parse(_ node: ConfigNode) throws(ConfigError) -> Sampler {
        let common = ["type"]
        let type = try node.mapping(allowed: common + allKeys).required("type").choice(types)
        switch type {
        case "always_on":
            _ = try node.mapping(allowed: common)
            return .alwaysOn
        case "always_off":
            _ = try node.mapping(allowed: common)
            return .alwaysOff
        case "trace_id_ratio":
            let fields = try node.mapping(allowed: common + ["ratio"])
            return .traceIDRatio(try fields.required("ratio").double(in: 0...1))
        case "rate_limiting":
            let fields = try node.mapping(allowed: common + ["traces_per_second"])
            return .rateLimiting(maxTracesPerSecond: try fields.required("traces_per_second").double(in: 0...1_000_000))
        case "parent_based":
            let delegates = ["root", "remote_parent_sampled", "remote_parent_not_sampled", "local_parent_sampled",
                "local_parent_not_sampled"]
            let fields = try node.mapping(allowed: common + delegates)
            func delegate(_ key: String, _ fallback: Sampler) throws(ConfigError) -> Sampler {
                guard let value = fields[key] else { return fallback }
                return try parse(value)
            }
            return .parentBased(
                root: try delegate("root", .alwaysOn),
                remoteParentSampled: try delegate("remote_parent_sampled", .alwaysOn),
                remoteParentNotSampled: try delegate("remote_parent_not_sampled", .alwaysOff),
                localParentSampled: try delegate("local_parent_sampled", .alwaysOn),
                localParentNotSampled: try delegate("local_parent_not_sampled", .alwaysOff))
        default:
            let fields = try node.mapping(allowed: common + ["rules", "default"])
            var rules: [SamplingRule] = []
            for ruleNode in try fields.required("rules").sequence() {
                rules.append(try rule(ruleNode))
            }
            return .rules(rules, fallback: try parse(try fields.required("default")))
        }
    }

    private static let allKeys = [
        "ratio", "traces_per_second", "root", "remote_parent_sampled", "remote_parent_not_sampled",
        "local_parent_sampled", "local_parent_not_sampled", "rules", "default",
    ]

    private static func rule(_ node: ConfigNode) throws(ConfigError) -> SamplingRule {
        let fields = try node.mapping(allowed: ["name", "name_prefix", "attributes", "sampler"])
        if fields["name"] != nil && fields["name_prefix"] != nil {
            throw node.error("give either name or name_prefix, not both")
        }
        let name: SamplingRule.NameMatch =
            if let exact = fields["name"] { .exact(try exact.string()) }
            else if let prefix = fields["name_prefix"] { .prefix(try prefix.string()) }
            else { .any }
        return SamplingRule(
            name: name, attributes: try fields["attributes"]?.stringMap() ?? [:],
            sampler: try parse(try fields.required("sampler")))
    }
}
