import Telemetry
import TelemetryOTLPData

/// What the policies need to know about a buffered trace, gathered span by span as it arrives.
struct TraceFacts: Sendable {
    /// Spans received.
    var spanCount = 0
    /// The earliest start and the latest end of any span (ns since the epoch).
    var earliestStart = UInt64.max
    var latestEnd: UInt64 = 0
    /// The root span's duration, once it arrived.
    var rootDuration: UInt64?
    /// Bit `i` is set when some span matched predicate `i`.
    var matched: UInt64 = 0
    /// The trace state of the root span (or of the first span, until the root arrives).
    var traceState = ""

    /// The trace's duration: latest end minus earliest start (0 before any span).
    var duration: UInt64 { latestEnd > earliestStart ? latestEnd - earliestStart : 0 }

    /// Adds one span.
    mutating func add(_ span: SpanView, resource: AttributeList, predicates: [SpanPredicate]) {
        if spanCount == 0 || span.isRoot { traceState = span.traceState }
        spanCount += 1
        let (start, end) = (span.startTimeUnixNano, span.endTimeUnixNano)
        earliestStart = min(earliestStart, start)
        latestEnd = max(latestEnd, end)
        if span.isRoot { rootDuration = end > start ? end - start : 0 }
        for (index, predicate) in predicates.enumerated() where matched & (1 << index) == 0 {
            if predicate.matches(span, resource: resource) { matched |= 1 << index }
        }
    }

    /// Adds the facts of more spans of the same trace.
    mutating func merge(_ other: TraceFacts) {
        if spanCount == 0 || other.rootDuration != nil { traceState = other.traceState }
        spanCount += other.spanCount
        earliestStart = min(earliestStart, other.earliestStart)
        latestEnd = max(latestEnd, other.latestEnd)
        rootDuration = other.rootDuration ?? rootDuration
        matched |= other.matched
    }

    /// The facts of each trace in `view`.
    static func gather(_ view: TracesView, predicates: [SpanPredicate]) -> [TraceID: TraceFacts] {
        var facts: [TraceID: TraceFacts] = [:]
        for resourceSpans in view.resourceSpans {
            let resource = resourceSpans.resource.attributes
            for scope in resourceSpans.scopeSpans {
                for span in scope.spans {
                    guard let traceID = span.traceID else { continue }
                    facts[traceID, default: TraceFacts()].add(span, resource: resource, predicates: predicates)
                }
            }
        }
        return facts
    }
}
