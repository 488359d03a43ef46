internal import COTLP
internal import CProtobufC
import Telemetry

/// The spans of one trace taken from a request, as a request of their own (with their resources and
/// scopes).
public struct TraceFragment: Sendable {
    /// The trace.
    public let traceID: TraceID
    /// A trace request holding only this trace's spans.
    public let payload: OTLPPayload
}

extension TracesView {
    /// The request split by trace id, traces in order of first appearance; spans without a valid
    /// 16-byte trace id are left out. A request of one trace is returned as it is, without re-encoding.
    public func splitByTrace() -> [TraceFragment] {
        typealias ScopeGroup = (resource: Int, scope: Int, spans: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span>])
        var indexByTrace: [TraceID: Int] = [:]
        var traces: [(id: TraceID, groups: [ScopeGroup])] = []
        var resources: [ResourceSpansView] = []
        var scopes: [ScopeSpansView] = []
        var leftOut = 0
        for resource in resourceSpans {
            resources.append(resource)
            for scope in resource.scopeSpans {
                scopes.append(scope)
                for span in scope.spans {
                    guard let traceID = span.traceID else {
                        leftOut += 1
                        continue
                    }
                    let index = indexByTrace[traceID] ?? {
                        traces.append((traceID, []))
                        indexByTrace[traceID] = traces.count - 1
                        return traces.count - 1
                    }()
                    if traces[index].groups.last?.scope == scopes.count - 1 {
                        traces[index].groups[traces[index].groups.count - 1].spans.append(span.pointer)
                    } else {
                        traces[index].groups.append((resources.count - 1, scopes.count - 1, [span.pointer]))
                    }
                }
            }
        }
        if traces.count == 1, leftOut == 0 { return [TraceFragment(traceID: traces[0].id, payload: payload)] }
        let request = owner.typed(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
        let totalBytes = max(1, payload.bytes.count)
        return traces.map { trace in
            let arena = ProtobufArena()
            var keptResources: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ResourceSpans>] = []
            var keptScopes: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ScopeSpans>] = []
            var spanCount = 0
            func closeResource(_ resource: Int) {
                let copy = arena.allocate(Opentelemetry__Proto__Trace__V1__ResourceSpans.self)
                copy.initialize(to: resources[resource].pointer.pointee)
                copy.pointee.n_scope_spans = keptScopes.count
                copy.pointee.scope_spans = arena.pointers(keptScopes)
                keptResources.append(copy)
                keptScopes = []
            }
            for (position, group) in trace.groups.enumerated() {
                let copy = arena.allocate(Opentelemetry__Proto__Trace__V1__ScopeSpans.self)
                copy.initialize(to: scopes[group.scope].pointer.pointee)
                copy.pointee.n_spans = group.spans.count
                copy.pointee.spans = arena.pointers(group.spans)
                keptScopes.append(copy)
                spanCount += group.spans.count
                let nextResource = position + 1 < trace.groups.count ? trace.groups[position + 1].resource : nil
                if nextResource != group.resource { closeResource(group.resource) }
            }
            let output = arena.allocate(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
            output.initialize(to: request.pointee)
            output.pointee.n_resource_spans = keptResources.count
            output.pointee.resource_spans = arena.pointers(keptResources)
            let bytes = packMessage(output)
            let estimate = Int(Double(payload.decodedBytesEstimate) * Double(bytes.count) / Double(totalBytes)) + bytes.count
            return TraceFragment(
                traceID: trace.id,
                payload: OTLPPayload(signal: .traces, bytes: bytes, itemCount: spanCount, decodedBytesEstimate: estimate))
        }
    }
}

extension OTLPPayload {
    /// One request holding every item of `payloads` (at least one, all of one signal), by concatenation.
    public static func joined(_ payloads: [OTLPPayload]) -> OTLPPayload {
        precondition(!payloads.isEmpty, "nothing to join")
        if payloads.count == 1 { return payloads[0] }
        return OTLPPayload(
            signal: payloads[0].signal, bytes: concatenated(payloads), itemCount: payloads.reduce(0) { $0 + $1.itemCount },
            decodedBytesEstimate: payloads.reduce(0) { $0 + $1.decodedBytesEstimate })
    }
}
