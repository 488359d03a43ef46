import TelemetryOTLPData
import TelemetryOTTL

/// The units a route's context decides on in a request — each resource, span, metric, data point or log
/// record — with the range of items (spans, data points or log records, numbered from 0 in request
/// order, as `EditableRequest.encoded(keepingItems:reservingOutput:)` numbers them) each holds.
enum RoutingUnits {
    /// Calls `body` for every unit of `context` in `request`, in order (none when the signal has no such
    /// context).
    static func forEach(_ context: OTTLContext, in request: EditableRequest, _ body: (OTTLItem, Range<Int>) throws -> Void) rethrows {
        var next = 0
        func take(_ count: Int) -> Range<Int> {
            defer { next += count }
            return next..<(next + count)
        }
        switch request.signal {
        case .traces:
            for resourceSpans in request.resourceSpans {
                let resource = resourceSpans.resource
                if context == .resource {
                    try body(OTTLItem(resource: resource), take(resourceSpans.scopeSpans.reduce(0) { $0 + $1.spans.count }))
                    continue
                }
                for scopeSpans in resourceSpans.scopeSpans {
                    let scope = scopeSpans.scope
                    for span in scopeSpans.spans { try body(OTTLItem(resource: resource, scope: scope, span: span), take(1)) }
                }
            }
        case .metrics:
            for resourceMetrics in request.resourceMetrics {
                let resource = resourceMetrics.resource
                if context == .resource {
                    let points = resourceMetrics.scopeMetrics.reduce(0) { total, scope in scope.metrics.reduce(total) { $0 + $1.dataPoints.count } }
                    try body(OTTLItem(resource: resource), take(points))
                    continue
                }
                for scopeMetrics in resourceMetrics.scopeMetrics {
                    let scope = scopeMetrics.scope
                    for metric in scopeMetrics.metrics {
                        if context == .metric {
                            try body(OTTLItem(resource: resource, scope: scope, metric: metric), take(metric.dataPoints.count))
                            continue
                        }
                        for point in metric.dataPoints { try body(OTTLItem(resource: resource, scope: scope, metric: metric, dataPoint: point), take(1)) }
                    }
                }
            }
        case .logs:
            for resourceLogs in request.resourceLogs {
                let resource = resourceLogs.resource
                if context == .resource {
                    try body(OTTLItem(resource: resource), take(resourceLogs.scopeLogs.reduce(0) { $0 + $1.logRecords.count }))
                    continue
                }
                for scopeLogs in resourceLogs.scopeLogs {
                    let scope = scopeLogs.scope
                    for record in scopeLogs.logRecords { try body(OTTLItem(resource: resource, scope: scope, log: record), take(1)) }
                }
            }
        }
    }
}
