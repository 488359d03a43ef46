import TelemetryOTLPData
import TelemetryYAML

/// `attributes` settings, in the Collector's shape: `actions` (required) applied in order to each
/// span's, log record's or data point's attributes, and the optional `include` / `exclude` blocks that
/// pick which of them (include is checked first; an item it does not match, or exclude matches, is left
/// alone).
struct AttributesSettings: Sendable {
    let actions: [AttributeAction]
    let include: MatchProperties?
    let exclude: MatchProperties?

    /// Reads an `attributes` section.
    static func parse(_ node: ConfigNode) throws(ConfigError) -> AttributesSettings {
        guard !node.isEmpty else { throw node.error("missing required field \"actions\"") }
        let fields = try node.mapping(allowed: ["actions", "include", "exclude"])
        guard let list = fields["actions"], !list.isEmpty, !(try list.sequence().isEmpty) else {
            throw (fields["actions"] ?? node).error("missing required field \"actions\"")
        }
        let actions = try AttributeActionsParser.parse(list)
        func block(_ name: String) throws(ConfigError) -> MatchProperties? {
            guard let block = fields[name] else { return nil }
            guard !block.isEmpty else { throw block.error("unrecognized match_type: '', valid types are: [regexp strict]") }
            return try MatchPropertiesParser.parse(block)
        }
        return AttributesSettings(actions: actions, include: try block("include"), exclude: try block("exclude"))
    }

    /// Why `include` or `exclude` cannot select items of `signal` (the Collector's text), nil when both can.
    func refusal(for signal: OTLPSignal) -> String? {
        for (name, block) in [("include", include), ("exclude", exclude)] {
            guard let block else { continue }
            let reason: String? =
                switch signal {
                case .traces: block.refusalForSpans
                case .logs: block.refusalForLogs
                case .metrics: block.refusalForMetrics
                }
            if let reason { return "\(name): \(reason)" }
        }
        return nil
    }

    /// Applies the actions to every span include/exclude pick.
    func editSpans(_ request: EditableRequest, _ metadata: RequestMetadata = .empty) throws(EditMemoryRefused) {
        for resource in request.resourceSpans {
            let attributes = resource.resource.attributes
            guard include?.matchesResource(attributes) ?? true else { continue }
            let excludedResource = exclude?.matchesResource(attributes) ?? false
            for group in resource.scopeSpans {
                guard include?.matchesScope(group.scope) ?? true else { continue }
                let excludedScope = excludedResource && (exclude?.matchesScope(group.scope) ?? false)
                for span in group.spans {
                    if let include, !include.matchesSpan(span) { continue }
                    if excludedScope, let exclude, exclude.matchesSpan(span) { continue }
                    try apply(to: span.attributes, metadata)
                }
            }
        }
    }

    /// Applies the actions to every log record include/exclude pick.
    func editLogs(_ request: EditableRequest, _ metadata: RequestMetadata = .empty) throws(EditMemoryRefused) {
        for resource in request.resourceLogs {
            let attributes = resource.resource.attributes
            guard include?.matchesResource(attributes) ?? true else { continue }
            let excludedResource = exclude?.matchesResource(attributes) ?? false
            for group in resource.scopeLogs {
                guard include?.matchesScope(group.scope) ?? true else { continue }
                let excludedScope = excludedResource && (exclude?.matchesScope(group.scope) ?? false)
                for record in group.logRecords {
                    if let include, !include.matchesLog(record) { continue }
                    if excludedScope, let exclude, exclude.matchesLog(record) { continue }
                    try apply(to: record.attributes, metadata)
                }
            }
        }
    }

    /// Applies the actions to every data point of every metric include/exclude pick.
    func editMetrics(_ request: EditableRequest, _ metadata: RequestMetadata = .empty) throws(EditMemoryRefused) {
        for resource in request.resourceMetrics {
            let attributes = resource.resource.attributes
            guard include?.matchesResource(attributes) ?? true else { continue }
            let excludedResource = exclude?.matchesResource(attributes) ?? false
            for group in resource.scopeMetrics {
                for metric in group.metrics {
                    if let include, !include.matchesMetric(metric) { continue }
                    if excludedResource, let exclude, exclude.matchesMetric(metric) { continue }
                    for point in metric.dataPoints { try apply(to: point.attributes, metadata) }
                }
            }
        }
    }

    private func apply(to attributes: AttributesRef, _ metadata: RequestMetadata) throws(EditMemoryRefused) {
        for action in actions { try action.apply(to: attributes, metadata: metadata) }
    }
}

/// Makes `attributes` processors: traces, metrics and logs, each for the signals its include/exclude
/// blocks can select (as the Collector, a block with `services` cannot be used in a metrics pipeline).
enum AttributesProcessorFactory {
    /// The definition of an `attributes` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        let settings = try AttributesSettings.parse(node)
        var edits: [OTLPSignal: RequestEdit] = [:]
        var refusals: [OTLPSignal: String] = [:]
        for signal in OTLPSignal.allCases {
            if let reason = settings.refusal(for: signal) {
                refusals[signal] = reason
                continue
            }
            edits[signal] = RequestEdit { request, metadata throws(EditFailure) in
                do throws(EditMemoryRefused) {
                    switch signal {
                    case .traces: try settings.editSpans(request, metadata)
                    case .logs: try settings.editLogs(request, metadata)
                    case .metrics: try settings.editMetrics(request, metadata)
                    }
                } catch {
                    throw .memory(error)
                }
                return [:]
            }
        }
        guard !edits.isEmpty else {
            let reasons = OTLPSignal.allCases.compactMap { signal in refusals[signal].map { "\(signal.rawValue): \($0)" } }
            throw node.error("include/exclude cannot select items of any signal (\(reasons.joined(separator: "; ")))")
        }
        let ready = edits
        var definition = ProcessorDefinition(signals: Set(ready.keys), refusedSignals: refusals) { context throws(GatewayError) in
            EditingProcessor(context: context, edits: ready)
        }
        definition.decodesPayloads = true
        return definition
    }
}
