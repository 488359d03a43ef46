/// Cutting one decoded request several ways (the `routing` connector): each cut keeps some of its items,
/// is encoded, and is undone, so the next cut starts from the request as decoded.
extension EditableRequest {
    /// The request with only the items (spans, data points or log records, numbered from 0 in request
    /// order) that `keep` picks, groups left empty dropped (a metric without data points too), encoded —
    /// the output's size charged by `reserve` (which throws to refuse) before it is packed; nil when
    /// nothing is kept. The request is left as it was before the call.
    public func encoded(keepingItems keep: (_ index: Int) -> Bool, reservingOutput reserve: (_ bytes: Int) throws(EditMemoryRefused) -> Void)
        throws(EditMemoryRefused) -> OTLPPayload?
    {
        defer { session.undoAll() }
        var index = -1
        do {
            switch signal {
            case .traces:
                for resource in resourceSpans { for scope in resource.scopeSpans { try scope.spans.removeAll { _ in index += 1; return !keep(index) } } }
            case .metrics:
                for resource in resourceMetrics {
                    for scope in resource.scopeMetrics { for metric in scope.metrics { try metric.dataPoints.removeAll { _ in index += 1; return !keep(index) } } }
                }
            case .logs:
                for resource in resourceLogs { for scope in resource.scopeLogs { try scope.logRecords.removeAll { _ in index += 1; return !keep(index) } } }
            }
        } catch let error as EditMemoryRefused {
            throw error
        } catch {
            throw EditMemoryRefused(bytes: 0)  // removing throws nothing else
        }
        try removeEmptyGroups(metricsWithoutPoints: true)
        return try encoded(reservingOutput: reserve)
    }
}
