import Telemetry
import TelemetryConfig
import TelemetryYAML
import TelemetryOTLPData
import TelemetryOTTL

/// Reads a `tail_sampling` section, in the Collector's shape: `decision_wait` (30s),
/// `decision_wait_after_root_received` (1s; 0s waits the full `decision_wait`), `num_traces` (50000),
/// `expected_new_traces_per_sec` (accepted; allocation adapts by itself), `maximum_trace_size_bytes`
/// (8 MiB), `maximum_buffered_bytes` (64 MiB, this gateway's byte budget for the whole buffer),
/// `decision_cache: {sampled_cache_size, non_sampled_cache_size}` (100000 each), `sample_on_first_match`
/// and `policies` (see `PolicyReader`).
struct TailSamplingSettings: Sendable {
    /// The policies, in order.
    let policies: [TailSamplingPolicy]
    /// The span conditions the policies test.
    let predicates: [SpanPredicate]
    /// Waits, sizes and byte budgets.
    let limits: TailSamplingLimits

    /// Reads a `tail_sampling` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> TailSamplingSettings {
        let fields = try node.mapping(allowed: [
            "decision_wait", "decision_wait_after_root_received", "num_traces", "expected_new_traces_per_sec",
            "maximum_trace_size_bytes", "maximum_buffered_bytes", "decision_cache", "sample_on_first_match", "policies",
        ])
        var limits = TailSamplingLimits()
        if let wait = fields["decision_wait"] {
            limits.decisionWaitNanos = try wait.duration().nanoseconds
            guard limits.decisionWaitNanos > 0 else { throw wait.error("must be more than 0s") }
        }
        if let wait = fields["decision_wait_after_root_received"] {
            limits.afterRootNanos = ["0", "0s", "0ms"].contains(try wait.string()) ? nil : try wait.duration().nanoseconds
        }
        if let count = fields["num_traces"] { limits.maxTraces = try count.int(in: 1...10_000_000) }
        _ = try fields["expected_new_traces_per_sec"]?.int(in: 0...Int.max)
        if let bytes = fields["maximum_buffered_bytes"] { limits.maxBufferedBytes = try bytes.int(in: 1 << 16...(1 << 40)) }
        if let bytes = fields["maximum_trace_size_bytes"] {
            limits.maxTraceBytes = try bytes.int(in: 1024...(1 << 40))
            guard limits.maxTraceBytes <= limits.maxBufferedBytes else { throw bytes.error("must not exceed maximum_buffered_bytes") }
        } else {
            limits.maxTraceBytes = min(limits.maxTraceBytes, limits.maxBufferedBytes)
        }
        if let cache = fields["decision_cache"] {
            let sizes = try cache.mapping(allowed: ["sampled_cache_size", "non_sampled_cache_size"])
            if let size = sizes["sampled_cache_size"] { limits.sampledCacheSize = try size.int(in: 0...10_000_000) }
            if let size = sizes["non_sampled_cache_size"] { limits.nonSampledCacheSize = try size.int(in: 0...100_000_000) }
        }
        if let flag = fields["sample_on_first_match"] { limits.sampleOnFirstMatch = try flag.bool() }
        let list = try fields.required("policies")
        var reader = PolicyReader()
        let policies = try reader.policies(try list.sequence(), depth: 0)
        guard !policies.isEmpty else { throw list.error("give at least one policy") }
        return TailSamplingSettings(policies: policies, predicates: reader.predicates, limits: limits)
    }
}

/// Makes `tail_sampling` processors.
enum TailSamplingProcessorFactory {
    /// The definition of a `tail_sampling` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        guard !node.isEmpty else { throw node.error("give policies") }
        let settings = try TailSamplingSettings.parse(node)
        var definition = ProcessorDefinition(signals: [.traces]) { context throws(GatewayError) in
            TailSamplingProcessor(settings: settings, name: context.id.description, metrics: context.metrics, budget: context.budget)
        }
        definition.decodesPayloads = true
        return definition
    }
}

/// Reads policies: `name`, `type` and the section named after the type. Span-level checks become
/// predicates, numbered in the order read (at most 64 per processor).
struct PolicyReader {
    private(set) var predicates: [SpanPredicate] = []
    private var patternCount = 0
    /// The most regular expressions (`string_attribute` values with `enabled_regex_matching`) one processor takes.
    static let maxPatterns = 64
    /// `and`, `drop` and `composite` may hold sub-policies, and a composite's sub-policy may be an `and`.
    static let maxDepth = 2
    static let types = [
        "always_sample", "latency", "numeric_attribute", "probabilistic", "status_code", "string_attribute", "rate_limiting",
        "span_count", "boolean_attribute", "trace_state", "and", "drop", "composite",
    ]

    mutating func policies(_ nodes: [ConfigNode], depth: Int) throws(ConfigError) -> [TailSamplingPolicy] {
        var policies: [TailSamplingPolicy] = []
        for node in nodes {
            let policy = try self.policy(node, depth: depth)
            if policies.contains(where: { $0.name == policy.name }) { throw node.error("two policies are named \"\(policy.name)\"") }
            policies.append(policy)
        }
        return policies
    }

    private mutating func policy(_ node: ConfigNode, depth: Int) throws(ConfigError) -> TailSamplingPolicy {
        let fields = try node.mapping(allowed: ["name", "type"] + Self.types + ["ottl_condition", "bytes_limiting"])
        let name = try fields.required("name").string()
        let typeNode = try fields.required("type")
        let typeName = try typeNode.string()
        guard Self.types.contains(typeName) else {
            throw typeNode.error("unknown or unsupported policy type \"\(typeName)\"; supported: \(Self.types.joined(separator: ", "))")
        }
        for (key, value) in fields.entries where key != "name" && key != "type" && key != typeName {
            throw value.error("a \(typeName) policy takes its settings under \"\(typeName)\", not \"\(key)\"")
        }
        let section = fields[typeName]
        func settings(_ allowed: [String]) throws(ConfigError) -> ConfigMapping {
            guard let section else { throw node.error("give the \(typeName) settings under \"\(typeName)\"") }
            return try section.mapping(allowed: allowed)
        }
        let rule: TailSamplingRule
        switch typeName {
        case "always_sample":
            rule = .alwaysSample
        case "latency":
            let latency = try settings(["threshold_ms", "upper_threshold_ms", "duration_of"])
            let lower = try latency["threshold_ms"]?.int(in: 0...Int(Int32.max)) ?? 0
            let upper = try latency["upper_threshold_ms"]?.int(in: 0...Int(Int32.max)) ?? 0
            guard lower > 0 || upper > 0 else { throw node.error("give threshold_ms or upper_threshold_ms") }
            if upper > 0, upper <= lower, let field = latency["upper_threshold_ms"] { throw field.error("must be above threshold_ms") }
            let rootOnly = try latency["duration_of"]?.choice(["trace", "root_span"]) == "root_span"
            rule = .latency(lower: UInt64(lower) * 1_000_000, upper: upper > 0 ? UInt64(upper) * 1_000_000 : nil, rootSpanOnly: rootOnly)
        case "numeric_attribute":
            let numeric = try settings(["key", "min_value", "max_value", "invert_match"])
            let min = try numeric["min_value"]?.double(in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
            let max = try numeric["max_value"]?.double(in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
            guard min != nil || max != nil else { throw node.error("give min_value, max_value or both") }
            if let min, let max, max < min, let field = numeric["max_value"] { throw field.error("must not be below min_value") }
            rule = try predicate(.numericAttribute(key: try numeric.required("key").string(), min: min, max: max), numeric, node)
        case "probabilistic":
            let probabilistic = try settings(["sampling_percentage", "hash_salt"])
            _ = try probabilistic["hash_salt"]?.string()
            let percentage = try probabilistic.required("sampling_percentage").double(in: 0...100)
            rule = .probabilistic(.traceIDRatio(percentage / 100))
        case "status_code":
            let status = try settings(["status_codes"])
            let codes = try status.required("status_codes").sequence()
            guard !codes.isEmpty else { throw node.error("give at least one of ERROR, OK, UNSET") }
            var set = Set<Int>()
            for code in codes { set.insert(["UNSET": 0, "OK": 1, "ERROR": 2][try code.choice(["ERROR", "OK", "UNSET"])] ?? 0) }
            rule = try predicate(.statusCode(set), nil, node)
        case "string_attribute":
            let string = try settings(["key", "values", "enabled_regex_matching", "cache_max_size", "invert_match"])
            let valueNodes = try string.required("values").sequence()
            guard !valueNodes.isEmpty else { throw node.error("give at least one value") }
            _ = try string["cache_max_size"]?.int(in: 0...Int.max)
            var values = Set<String>()
            var patterns: [LinearRegex] = []
            let regex = try string["enabled_regex_matching"]?.bool() ?? false
            for valueNode in valueNodes {
                let text = try valueNode.string()
                guard regex else {
                    values.insert(text)
                    continue
                }
                patterns.append(try pattern(text, valueNode))
            }
            rule = try predicate(.stringAttribute(key: try string.required("key").string(), values: values, patterns: patterns), string, node)
        case "rate_limiting":
            let rate = try settings(["spans_per_second"])
            rule = .rateLimiting(SpanRateWindow(limit: try rate.required("spans_per_second").int(in: 1...Int(Int32.max))))
        case "span_count":
            let count = try settings(["min_spans", "max_spans"])
            let min = try count["min_spans"]?.int(in: 0...Int(Int32.max)) ?? 0
            let max = try count["max_spans"]?.int(in: 0...Int(Int32.max)) ?? 0
            if max > 0, max < min, let field = count["max_spans"] { throw field.error("must not be below min_spans") }
            rule = .spanCount(min: min, max: max > 0 ? max : nil)
        case "boolean_attribute":
            let boolean = try settings(["key", "value", "invert_match"])
            rule = try predicate(
                .booleanAttribute(key: try boolean.required("key").string(), value: try boolean.required("value").bool()), boolean, node)
        case "trace_state":
            let state = try settings(["key", "values"])
            let values = try state.required("values").sequence()
            guard !values.isEmpty else { throw node.error("give at least one value") }
            var set = Set<String>()
            for value in values { set.insert(try value.string()) }
            rule = try predicate(.traceState(key: try state.required("key").string(), values: set), nil, node)
        case "and", "drop":
            let key = typeName == "and" ? "and_sub_policy" : "drop_sub_policy"
            let group = try settings([key])
            let subPolicies = try nested(try group.required(key), depth: depth, node: node)
            rule = typeName == "and" ? .and(subPolicies) : .drop(subPolicies)
        default:
            rule = try composite(try settings(["max_total_spans_per_second", "policy_order", "composite_sub_policy", "rate_allocation"]), depth: depth, node: node)
        }
        return TailSamplingPolicy(name: name, rule: rule)
    }

    /// Compiles a `string_attribute` value as an RE2 expression; at most `maxPatterns` per processor, so their
    /// RE2 memory stays within `maxPatterns` × `LinearRegex.defaultMaxMemory` (16 MiB) whatever clients send.
    private mutating func pattern(_ text: String, _ node: ConfigNode) throws(ConfigError) -> LinearRegex {
        guard patternCount < Self.maxPatterns else {
            throw node.error("too many regular expressions (at most \(Self.maxPatterns) per tail_sampling processor)")
        }
        do {
            let compiled = try LinearRegex(pattern: text)
            patternCount += 1
            return compiled
        } catch {
            throw node.error("not a valid regular expression (RE2 syntax, as the Collector's): \(error.description)")
        }
    }

    /// Registers `predicate` and returns the rule checking it (inverted when `invert_match` says so).
    private mutating func predicate(_ predicate: SpanPredicate, _ fields: ConfigMapping?, _ node: ConfigNode) throws(ConfigError) -> TailSamplingRule {
        guard predicates.count < 64 else { throw node.error("too many attribute, status and trace state policies (at most 64)") }
        predicates.append(predicate)
        return .predicate(index: predicates.count - 1, invert: try fields?["invert_match"]?.bool() ?? false)
    }

    private mutating func nested(_ list: ConfigNode, depth: Int, node: ConfigNode) throws(ConfigError) -> [TailSamplingPolicy] {
        guard depth < Self.maxDepth else { throw node.error("policies nest at most \(Self.maxDepth) levels deep") }
        let policies = try policies(try list.sequence(), depth: depth + 1)
        guard !policies.isEmpty else { throw list.error("give at least one sub-policy") }
        return policies
    }

    /// `composite`: sub-policies in `policy_order` (every sub-policy named once), each allowed its
    /// `rate_allocation` percent of `max_total_spans_per_second`; sub-policies without an allocation
    /// share what the allocations leave.
    private mutating func composite(_ fields: ConfigMapping, depth: Int, node: ConfigNode) throws(ConfigError) -> TailSamplingRule {
        let total = try fields.required("max_total_spans_per_second").int(in: 1...Int(Int32.max))
        let subPolicies = try nested(try fields.required("composite_sub_policy"), depth: depth, node: node)
        var ordered = subPolicies
        if let orderNode = fields["policy_order"] {
            var names: [String] = []
            for item in try orderNode.sequence() { names.append(try item.string()) }
            guard Set(names) == Set(subPolicies.map(\.name)), names.count == subPolicies.count else {
                throw orderNode.error("must name every composite_sub_policy exactly once")
            }
            ordered = names.compactMap { name in subPolicies.first { $0.name == name } }
        }
        var percents: [String: Int] = [:]
        if let allocations = fields["rate_allocation"] {
            for item in try allocations.sequence() {
                let entry = try item.mapping(allowed: ["policy", "percent"])
                let policy = try entry.required("policy").string()
                guard subPolicies.contains(where: { $0.name == policy }) else { throw item.error("no composite_sub_policy is named \"\(policy)\"") }
                percents[policy] = try entry.required("percent").int(in: 0...100)
            }
            guard percents.values.reduce(0, +) <= 100 else { throw allocations.error("the percentages add up to more than 100") }
        }
        let unallocated = ordered.filter { percents[$0.name] == nil }.count
        let remainder = 100 - percents.values.reduce(0, +)
        return .composite(CompositeAllocation(subPolicies: ordered.map { policy in
            let share = percents[policy.name].map(Double.init) ?? Double(remainder) / Double(max(1, unallocated))
            return (policy, SpanRateWindow(limit: Int(Double(total) * share / 100)))
        }))
    }
}
