internal import COTLP
internal import CProtobufC

/// What becomes of one span when a trace request is filtered.
public enum SpanVerdict: Sendable, Equatable {
    /// Left out.
    case drop
    /// Kept as it is.
    case keep
    /// Kept with this W3C trace state.
    case keepWithTraceState(String)
}

extension TracesView {
    /// The request with only the spans `verdict` keeps (resources and scopes left without spans are left
    /// out too), and the number kept. The original bytes are reused when every span is kept unchanged;
    /// `nil` when nothing is kept.
    public func filtered(_ verdict: (SpanView) throws -> SpanVerdict) rethrows -> (payload: OTLPPayload?, kept: Int) {
        let arena = ProtobufArena()
        var kept = 0
        var changed = false
        var keptResources: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ResourceSpans>] = []
        for resourceSpans in resourceSpans {
            var keptScopes: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ScopeSpans>] = []
            for scopeSpans in resourceSpans.scopeSpans {
                var keptSpans: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span>] = []
                for span in scopeSpans.spans {
                    switch try verdict(span) {
                    case .drop:
                        changed = true
                    case .keep:
                        keptSpans.append(span.pointer)
                    case .keepWithTraceState(let traceState):
                        let copy = arena.allocate(Opentelemetry__Proto__Trace__V1__Span.self)
                        copy.initialize(to: span.pointer.pointee)
                        copy.pointee.trace_state = arena.string(traceState)
                        keptSpans.append(copy)
                        changed = true
                    }
                }
                guard !keptSpans.isEmpty else { continue }
                kept += keptSpans.count
                let copy = arena.allocate(Opentelemetry__Proto__Trace__V1__ScopeSpans.self)
                copy.initialize(to: scopeSpans.pointer.pointee)
                copy.pointee.n_spans = keptSpans.count
                copy.pointee.spans = arena.pointers(keptSpans)
                keptScopes.append(copy)
            }
            guard !keptScopes.isEmpty else { continue }
            let copy = arena.allocate(Opentelemetry__Proto__Trace__V1__ResourceSpans.self)
            copy.initialize(to: resourceSpans.pointer.pointee)
            copy.pointee.n_scope_spans = keptScopes.count
            copy.pointee.scope_spans = arena.pointers(keptScopes)
            keptResources.append(copy)
        }
        guard kept > 0 else { return (nil, 0) }
        guard changed else { return (payload, kept) }
        let request = owner.typed(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
        let output = arena.allocate(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
        output.initialize(to: request.pointee)
        output.pointee.n_resource_spans = keptResources.count
        output.pointee.resource_spans = arena.pointers(keptResources)
        return (OTLPPayload(encoded: packMessage(output), signal: .traces, itemCount: kept), kept)
    }
}
