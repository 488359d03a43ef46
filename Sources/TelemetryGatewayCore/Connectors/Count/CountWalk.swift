import TelemetryOTLPData
import TelemetryOTTL

/// One pass over a decoded request that counts its items, a tally per kind and resource group (as the
/// Collector's `connector.go`): resource groups that counted nothing are left out.
struct CountWalk {
    let settings: CountSettings
    /// What counts of items without timestamps are stamped with.
    let nowNanos: UInt64

    private func tally(_ kind: CountKind) -> CountTally {
        CountTally(settings.metrics[kind] ?? [])
    }

    /// The counts of spans and span events.
    func traces(_ request: EditableRequest, charge: (Int) -> Bool) throws(CountFailure) -> [CountedResource] {
        var counted: [CountedResource] = []
        for group in request.resourceSpans {
            let resource = group.resource
            var spans = tally(.spans)
            var events = tally(.spanevents)
            let (spansAbove, eventsAbove) = (spans.lookUpAll(in: resource.attributes), events.lookUpAll(in: resource.attributes))
            for scopeGroup in group.scopeSpans {
                let scope = scopeGroup.scope
                let sharedSpans = spans.shared(scope: scope.attributes, resource: spansAbove)
                let sharedEvents = events.shared(scope: scope.attributes, resource: eventsAbove)
                for span in scopeGroup.spans {
                    spans.see(span.startTime.value)
                    spans.see(span.endTime.value)
                    let item = OTTLItem(resource: resource, scope: scope, span: span)
                    try spans.count(item, own: span.attributes, shared: sharedSpans, charge: charge)
                    for (index, event) in span.events.enumerated() {
                        events.see(event.time.value)
                        let eventItem = OTTLItem(resource: resource, scope: scope, span: span, spanEvent: (event, index))
                        try events.count(eventItem, own: event.attributes, shared: sharedEvents, charge: charge)
                    }
                }
            }
            append(resource, [spans, events], to: &counted)
        }
        return counted
    }

    /// The counts of metrics and data points.
    func metrics(_ request: EditableRequest, charge: (Int) -> Bool) throws(CountFailure) -> [CountedResource] {
        var counted: [CountedResource] = []
        for group in request.resourceMetrics {
            let resource = group.resource
            var metrics = tally(.metrics)
            var points = tally(.datapoints)
            let pointsAbove = points.lookUpAll(in: resource.attributes)
            for scopeGroup in group.scopeMetrics {
                let scope = scopeGroup.scope
                let sharedMetrics = metrics.defaultsOnly()
                let sharedPoints = points.shared(scope: scope.attributes, resource: pointsAbove)
                for metric in scopeGroup.metrics {
                    try metrics.count(OTTLItem(resource: resource, scope: scope, metric: metric), own: nil, shared: sharedMetrics, charge: charge)
                    guard metric.type != .none else { throw .failed("metric \"\(metric.name.value)\": invalid metric type: Empty") }
                    for point in metric.dataPoints {
                        points.see(point.time.value)
                        let item = OTTLItem(resource: resource, scope: scope, metric: metric, dataPoint: point)
                        try points.count(item, own: point.attributes, shared: sharedPoints, charge: charge)
                    }
                }
            }
            append(resource, [metrics, points], to: &counted)
        }
        return counted
    }

    /// The counts of log records.
    func logs(_ request: EditableRequest, charge: (Int) -> Bool) throws(CountFailure) -> [CountedResource] {
        var counted: [CountedResource] = []
        for group in request.resourceLogs {
            let resource = group.resource
            var records = tally(.logs)
            let recordsAbove = records.lookUpAll(in: resource.attributes)
            for scopeGroup in group.scopeLogs {
                let scope = scopeGroup.scope
                let sharedRecords = records.shared(scope: scope.attributes, resource: recordsAbove)
                for record in scopeGroup.logRecords {
                    records.see(record.time.value)
                    try records.count(
                        OTTLItem(resource: resource, scope: scope, log: record), own: record.attributes, shared: sharedRecords, charge: charge)
                }
            }
            append(resource, [records], to: &counted)
        }
        return counted
    }

    private func append(_ resource: ResourceRef, _ tallies: [CountTally], to counted: inout [CountedResource]) {
        guard tallies.contains(where: { !$0.isEmpty }) else { return }
        counted.append(CountedResource(resource: resource, metrics: tallies.flatMap { $0.output(nowNanos: nowNanos) }))
    }
}
