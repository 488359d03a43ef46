import TelemetryConfig
import TelemetryOTLPData
import TelemetryYAML

/// Makes `redaction` processors: the Collector's redaction of resource, scope, span, span event, log
/// record and data point attributes and of log bodies, for traces, metrics and logs.
enum RedactionProcessorFactory {
    /// The definition of a `redaction` section.
    static func definition(_ node: ConfigNode) throws(ConfigError) -> ProcessorDefinition {
        let redactor = AttributeRedactor(settings: try RedactionSettings.parse(node))
        let edit = RequestEdit { request, _ throws(EditFailure) in
            do throws(EditMemoryRefused) {
                try redact(request, with: redactor)
            } catch {
                throw .memory(error)
            }
            return [:]
        }
        var definition = ProcessorDefinition(signals: Set(OTLPSignal.allCases)) { context throws(GatewayError) in
            EditingProcessor(context: context, edits: [.traces: edit, .metrics: edit, .logs: edit])
        }
        definition.decodesPayloads = true
        return definition
    }

    /// Redacts every attribute map of `request` the Collector's processor visits (span links are not
    /// among them), and log bodies.
    static func redact(_ request: EditableRequest, with redactor: AttributeRedactor) throws(EditMemoryRefused) {
        let workspace = RedactionWorkspace(session: request.session)
        for resource in request.resourceSpans {
            try redactor.redact(resource.resource.attributes, workspace: workspace)
            for scope in resource.scopeSpans {
                try redactor.redact(scope.scope.attributes, workspace: workspace)
                for span in scope.spans {
                    try redactor.redact(span.attributes, workspace: workspace)
                    for event in span.events { try redactor.redact(event.attributes, workspace: workspace) }
                }
            }
        }
        for resource in request.resourceMetrics {
            try redactor.redact(resource.resource.attributes, workspace: workspace)
            for scope in resource.scopeMetrics {
                try redactor.redact(scope.scope.attributes, workspace: workspace)
                for metric in scope.metrics {
                    for point in metric.dataPoints { try redactor.redact(point.attributes, workspace: workspace) }
                }
            }
        }
        for resource in request.resourceLogs {
            try redactor.redact(resource.resource.attributes, workspace: workspace)
            for scope in resource.scopeLogs {
                try redactor.redact(scope.scope.attributes, workspace: workspace)
                for record in scope.logRecords {
                    try redactor.redact(record.attributes, workspace: workspace)
                    try LogBodyRedactor(redactor: redactor).redact(record, workspace: workspace)
                }
            }
        }
    }
}
