import TelemetryOTLPData
import TelemetryYAML

/// Makes `resource` processors: the `attributes` actions (the attributes processor's, see
/// `AttributeAction`) applied to the resource of every group, in traces, metrics and logs; `from_attribute`
/// reads the resource's own attributes. A resource is shared by the items under it, so it is edited once.
enum ResourceProcessorFactory {
    /// The definition of a `resource` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        guard !node.isEmpty else { throw node.error("missing required field \"attributes\"") }
        let fields = try node.mapping(allowed: ["attributes"])
        guard let list = fields["attributes"], !list.isEmpty, !(try list.sequence().isEmpty) else {
            throw (fields["attributes"] ?? node).error("missing required field \"attributes\"")
        }
        let actions = try AttributeActionsParser.parse(list)
        let edit = RequestEdit { request, metadata throws(EditFailure) in
            do throws(EditMemoryRefused) {
                for resource in request.resourceSpans { try apply(actions, to: resource.resource.attributes, metadata) }
                for resource in request.resourceMetrics { try apply(actions, to: resource.resource.attributes, metadata) }
                for resource in request.resourceLogs { try apply(actions, to: resource.resource.attributes, metadata) }
            } catch {
                throw .memory(error)
            }
            return [:]
        }
        let edits = Dictionary(uniqueKeysWithValues: OTLPSignal.allCases.map { ($0, edit) })
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            EditingProcessor(context: context, edits: edits)
        }
        definition.decodesPayloads = true
        return definition
    }

    private static func apply(
        _ actions: [AttributeAction], to attributes: AttributesRef, _ metadata: RequestMetadata
    ) throws(EditMemoryRefused) {
        for action in actions { try action.apply(to: attributes, metadata: metadata) }
    }
}
