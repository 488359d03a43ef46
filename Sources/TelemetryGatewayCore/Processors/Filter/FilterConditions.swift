import TelemetryOTLPData
import TelemetryOTTL

/// The drop conditions of one signal, by context, and how they run over a request: a higher-level match
/// drops the whole subtree and the lower levels are not checked; span events matched are removed (the span
/// stays); a metric whose data points were all dropped is dropped; scopes and resources left empty are
/// removed (the Collector's filter processor).
struct FilterConditions: Sendable {
    /// One condition with its text and error mode.
    struct Condition: Sendable {
        let condition: OTTLCondition
        let text: String
        let errorMode: OTTLErrorMode
    }

    /// The conditions of each context, ORed.
    var byContext: [OTTLContext: [Condition]] = [:]

    var isEmpty: Bool { byContext.values.allSatisfy(\.isEmpty) }

    /// Removes what the conditions match from `request`; the number of items (spans, data points, log
    /// records) dropped.
    func apply(to request: EditableRequest, report: OTTLErrorReport) throws(OTTLError) -> Int {
        let before = request.itemCount
        do {
            switch request.signal {
            case .traces: try filterTraces(request, report)
            case .metrics: try filterMetrics(request, report)
            case .logs: try filterLogs(request, report)
            }
            try request.removeEmptyGroups(metricsWithoutPoints: false)
        } catch let error as OTTLError {
            throw error
        } catch let error as EditMemoryRefused {
            throw .memory(error)
        } catch {
            throw OTTLError("\(error)")
        }
        return before - request.itemCount
    }

    /// Whether any condition of `context` matches `item` (an erroring condition does not match).
    private func matches(_ context: OTTLContext, _ item: OTTLItem, _ report: OTTLErrorReport) throws(OTTLError) -> Bool {
        guard let conditions = byContext[context] else { return false }
        for condition in conditions {
            do {
                if try condition.condition(item) { return true }
            } catch {
                if error.memoryRefusal != nil { throw error }
                switch condition.errorMode {
                case .propagate: throw OTTLError("failed to eval condition: \(condition.text), \(error.message)")
                case .ignore: report(error.message, condition.text)
                case .silent: break
                }
            }
        }
        return false
    }

    private func filterTraces(_ request: EditableRequest, _ report: OTTLErrorReport) throws {
        try request.resourceSpans.removeAll { group in
            let resource = group.resource
            if try matches(.resource, OTTLItem(resource: resource), report) { return true }
            try group.scopeSpans.removeAll { scopeGroup in
                let scope = scopeGroup.scope
                if try matches(.scope, OTTLItem(resource: resource, scope: scope), report) { return true }
                try scopeGroup.spans.removeAll { span in
                    if try matches(.span, OTTLItem(resource: resource, scope: scope, span: span), report) { return true }
                    if byContext[.spanevent] != nil {
                        var index = 0
                        try span.events.removeAll { event in
                            defer { index += 1 }
                            return try matches(.spanevent, OTTLItem(resource: resource, scope: scope, span: span, spanEvent: (event, index)), report)
                        }
                    }
                    return false
                }
                return false
            }
            return false
        }
    }

    private func filterMetrics(_ request: EditableRequest, _ report: OTTLErrorReport) throws {
        try request.resourceMetrics.removeAll { group in
            let resource = group.resource
            if try matches(.resource, OTTLItem(resource: resource), report) { return true }
            try group.scopeMetrics.removeAll { scopeGroup in
                let scope = scopeGroup.scope
                if try matches(.scope, OTTLItem(resource: resource, scope: scope), report) { return true }
                try scopeGroup.metrics.removeAll { metric in
                    if try matches(.metric, OTTLItem(resource: resource, scope: scope, metric: metric), report) { return true }
                    guard byContext[.datapoint] != nil, !metric.dataPoints.isEmpty else { return false }
                    try metric.dataPoints.removeAll { point in
                        try matches(.datapoint, OTTLItem(resource: resource, scope: scope, metric: metric, dataPoint: point), report)
                    }
                    return metric.dataPoints.isEmpty
                }
                return false
            }
            return false
        }
    }

    private func filterLogs(_ request: EditableRequest, _ report: OTTLErrorReport) throws {
        try request.resourceLogs.removeAll { group in
            let resource = group.resource
            if try matches(.resource, OTTLItem(resource: resource), report) { return true }
            try group.scopeLogs.removeAll { scopeGroup in
                let scope = scopeGroup.scope
                if try matches(.scope, OTTLItem(resource: resource, scope: scope), report) { return true }
                try scopeGroup.logRecords.removeAll { record in
                    try matches(.log, OTTLItem(resource: resource, scope: scope, log: record), report)
                }
                return false
            }
            return false
        }
    }
}
