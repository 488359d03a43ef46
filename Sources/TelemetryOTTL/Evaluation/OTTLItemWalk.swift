import TelemetryOTLPData

/// Visits every item of a context in a request, building the `OTTLItem` for each (resource, scope and
/// parents shared), in order.
public enum OTTLItemWalk {
    /// Calls `body` for every item of `context` in `request`.
    public static func forEach(_ context: OTTLContext, in request: EditableRequest, _ body: (OTTLItem) throws -> Void) rethrows {
        switch request.signal {
        case .traces:
            for resourceSpans in request.resourceSpans {
                let resource = resourceSpans.resource
                if context == .resource { try body(OTTLItem(resource: resource)) ; continue }
                for scopeSpans in resourceSpans.scopeSpans {
                    let scope = scopeSpans.scope
                    if context == .scope { try body(OTTLItem(resource: resource, scope: scope)) ; continue }
                    for span in scopeSpans.spans {
                        if context == .span { try body(OTTLItem(resource: resource, scope: scope, span: span)) ; continue }
                        guard context == .spanevent else { continue }
                        for (index, event) in span.events.enumerated() {
                            try body(OTTLItem(resource: resource, scope: scope, span: span, spanEvent: (event, index)))
                        }
                    }
                }
            }
        case .metrics:
            for resourceMetrics in request.resourceMetrics {
                let resource = resourceMetrics.resource
                if context == .resource { try body(OTTLItem(resource: resource)) ; continue }
                for scopeMetrics in resourceMetrics.scopeMetrics {
                    let scope = scopeMetrics.scope
                    if context == .scope { try body(OTTLItem(resource: resource, scope: scope)) ; continue }
                    for metric in scopeMetrics.metrics {
                        if context == .metric { try body(OTTLItem(resource: resource, scope: scope, metric: metric)) ; continue }
                        guard context == .datapoint else { continue }
                        for point in metric.dataPoints { try body(OTTLItem(resource: resource, scope: scope, metric: metric, dataPoint: point)) }
                    }
                }
            }
        case .logs:
            for resourceLogs in request.resourceLogs {
                let resource = resourceLogs.resource
                if context == .resource { try body(OTTLItem(resource: resource)) ; continue }
                for scopeLogs in resourceLogs.scopeLogs {
                    let scope = scopeLogs.scope
                    if context == .scope { try body(OTTLItem(resource: resource, scope: scope)) ; continue }
                    guard context == .log else { continue }
                    for record in scopeLogs.logRecords { try body(OTTLItem(resource: resource, scope: scope, log: record)) }
                }
            }
        }
    }

    /// The contexts a signal's items can be visited in.
    public static func contexts(of signal: OTLPSignal) -> [OTTLContext] {
        switch signal {
        case .traces: [.resource, .scope, .span, .spanevent]
        case .metrics: [.resource, .scope, .metric, .datapoint]
        case .logs: [.resource, .scope, .log]
        }
    }
}
