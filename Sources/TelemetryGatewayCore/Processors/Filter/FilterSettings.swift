import TelemetryOTLPData
import TelemetryOTTL
import TelemetryYAML

/// The `filter` processor's settings, in the Collector's shape: `error_mode` (default `ignore`, the
/// Collector's default since v0.157); the context-inferred lists `trace_conditions`, `metric_conditions`,
/// `log_conditions` (strings, each condition's context inferred from its path prefixes, or groups
/// `{context, conditions, error_mode}`); and the per-context lists `traces: {resource, span, spanevent}`,
/// `metrics: {resource, metric, datapoint}`, `logs: {resource, log_record}` (paths without prefixes).
/// Any condition that matches drops the item.
struct FilterSettings: Sendable {
    /// The conditions of each configured signal.
    let conditions: [OTLPSignal: FilterConditions]

    private struct SignalKeys {
        let signal: OTLPSignal
        let inferred: String
        let legacy: String
        let contexts: [(key: String, context: OTTLContext)]
    }

    private static let signals: [SignalKeys] = [
        SignalKeys(signal: .traces, inferred: "trace_conditions", legacy: "traces", contexts: [("resource", .resource), ("span", .span), ("spanevent", .spanevent)]),
        SignalKeys(
            signal: .metrics, inferred: "metric_conditions", legacy: "metrics", contexts: [("resource", .resource), ("metric", .metric), ("datapoint", .datapoint)]),
        SignalKeys(signal: .logs, inferred: "log_conditions", legacy: "logs", contexts: [("resource", .resource), ("log_record", .log)]),
    ]

    /// Reads a `filter` section.
    static func parse(_ node: ConfigNode, functions: OTTLFunctionTable = .standard) throws(ConfigError) -> FilterSettings {
        guard !node.isEmpty else { throw node.error("give trace_conditions, metric_conditions, log_conditions, traces, metrics or logs") }
        let fields = try node.mapping(allowed: ["error_mode", "spans"] + signals.flatMap { [$0.inferred, $0.legacy] })
        if let spans = fields["spans"] {
            throw spans.error("not supported: the deprecated include/exclude form; write OTTL conditions (trace_conditions or traces.span)")
        }
        let errorMode = try fields["error_mode"].map { node throws(ConfigError) in try OTTLSettings.errorMode(node) } ?? .ignore
        var conditions: [OTLPSignal: FilterConditions] = [:]
        for keys in signals {
            var signal = FilterConditions()
            if let legacy = fields[keys.legacy] {
                let lists = try legacy.mapping(allowed: keys.contexts.map(\.key) + (keys.signal == .traces ? [] : ["include", "exclude", "regexp"]))
                for key in ["include", "exclude", "regexp"] {
                    guard let deprecated = lists[key] else { continue }
                    throw deprecated.error(
                        "not supported: the deprecated include/exclude form; write OTTL conditions (\(keys.inferred))")
                }
                if let inferred = fields[keys.inferred] {
                    throw inferred.error(
                        "cannot use context inferred \(keys.signal == .traces ? "trace" : keys.signal == .metrics ? "metric" : "log") conditions \"\(keys.inferred)\" and the settings "
                            + keys.contexts.map { "\"\(keys.legacy).\($0.key)\"" }.joined(separator: ", ") + " at the same time")
                }
                for (key, context) in keys.contexts {
                    guard let list = lists[key] else { continue }
                    for item in try list.sequence() {
                        try add(item, in: context, errorMode: errorMode, functions: functions, to: &signal)
                    }
                }
            }
            if let inferred = fields[keys.inferred] {
                let allowed = OTTLItemWalk.contexts(of: keys.signal)
                let (basic, advanced) = try OTTLSettings.styledList(inferred)
                for item in basic { try add(item, inferringFrom: allowed, errorMode: errorMode, functions: functions, to: &signal) }
                for group in advanced {
                    let groupFields = try group.mapping(allowed: ["context", "conditions", "error_mode"])
                    let mode = try groupFields["error_mode"].map { node throws(ConfigError) in try OTTLSettings.errorMode(node) } ?? errorMode
                    let context = try groupFields["context"].map { node throws(ConfigError) in try OTTLSettings.context(node, allowed: allowed) }
                    for item in try groupFields.required("conditions").sequence() {
                        if let context {
                            try add(item, in: context, errorMode: mode, functions: functions, to: &signal)
                        } else {
                            try add(item, inferringFrom: allowed, errorMode: mode, functions: functions, to: &signal)
                        }
                    }
                }
            }
            if !signal.isEmpty { conditions[keys.signal] = signal }
        }
        guard !conditions.isEmpty else { throw node.error("give at least one condition") }
        return FilterSettings(conditions: conditions)
    }

    /// A condition in `context` (paths may leave the context out).
    private static func add(
        _ node: ConfigNode, in context: OTTLContext, errorMode: OTTLErrorMode, functions: OTTLFunctionTable, to signal: inout FilterConditions
    ) throws(ConfigError) {
        let (text, tree) = try OTTLSettings.condition(node)
        let compiled = try OTTLSettings.compile(tree, text: text, in: context, functions: functions, at: node)
        signal.byContext[context, default: []].append(FilterConditions.Condition(condition: compiled, text: text, errorMode: errorMode))
    }

    /// A condition whose context its path prefixes name.
    private static func add(
        _ node: ConfigNode, inferringFrom allowed: [OTTLContext], errorMode: OTTLErrorMode, functions: OTTLFunctionTable,
        to signal: inout FilterConditions
    ) throws(ConfigError) {
        let (text, tree) = try OTTLSettings.condition(node)
        let context: OTTLContext
        do {
            context = try OTTLContextInference.infer(statements: [], conditions: [tree], allowed: allowed, functions: functions)
        } catch {
            throw node.error("unable to infer a valid context (\(allowed.map(\.rawValue))) from condition \"\(text)\": \(error)")
        }
        let compiled = try OTTLSettings.compile(tree, text: text, in: context, functions: functions, at: node)
        signal.byContext[context, default: []].append(FilterConditions.Condition(condition: compiled, text: text, errorMode: errorMode))
    }
}

/// Makes `filter` processors.
enum FilterProcessorFactory {
    /// The definition of a `filter` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        let settings = try FilterSettings.parse(node)
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            let name = context.id.description
            let logger = context.logger
            var edits: [OTLPSignal: RequestEdit] = [:]
            for (signal, conditions) in settings.conditions {
                edits[signal] = RequestEdit { request, _ throws(EditFailure) in
                    do throws(OTTLError) {
                        let dropped = try conditions.apply(to: request) { message, condition in
                            logger.warning("\(name): failed to eval condition: \(condition): \(message)")
                        }
                        return ["filtered": dropped]
                    } catch {
                        if let refusal = error.memoryRefusal { throw .memory(refusal) }
                        throw .failed(error.message)
                    }
                }
            }
            return EditingProcessor(context: context, edits: edits)
        }
        definition.decodesPayloads = true
        return definition
    }
}
