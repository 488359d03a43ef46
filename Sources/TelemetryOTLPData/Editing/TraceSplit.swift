internal import COTLP
internal import CProtobufC
import Telemetry

/// The spans of one trace taken from a request.
///
/// The fragments of one request share it: they point into its decoded form (which they keep alive,
/// together with whatever the split was asked to hold — the request's memory lease) instead of copying
/// its resources and scopes into a request each, so splitting a request of `n` spans costs at most
/// `TracesView.splitBytesPerSpan` × `n` bytes, never a copy of a resource per trace.
/// `OTLPPayload.joined(_:)` encodes fragments into one request, each resource and scope once.
public struct TraceFragment: Sendable {
    /// The trace.
    public let traceID: TraceID
    /// Its spans.
    public let spanCount: Int
    /// The encoded size of its spans (what it adds to a request besides the resources and scopes it shares).
    public let spanBytes: Int
    let source: SharedTraceRequest
    let groups: [SpanGroup]
    /// Whether it holds every span of its request (so the request's bytes can stand for it).
    let isWholeRequest: Bool
}

/// A decoded request that fragments point into, with what it was asked to keep alive.
final class SharedTraceRequest: @unchecked Sendable {
    // @unchecked: the decoded request never changes after unpacking, and `owner` keeps it alive.
    let view: TracesView
    let holding: (any Sendable)?

    init(view: TracesView, holding: (any Sendable)?) {
        self.view = view
        self.holding = holding
    }
}

/// Spans of one trace under one resource and scope of a shared request.
struct SpanGroup: @unchecked Sendable {
    // @unchecked: pointers into a `SharedTraceRequest`, which the fragment holding them keeps alive.
    let resource: UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ResourceSpans>
    let scope: UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ScopeSpans>
    var spans: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span>]
}

extension TracesView {
    /// An upper bound of the memory a split holds per span of the request beyond the decoded request
    /// itself, when every span is a trace of its own: the working entry (40, its array at twice that while
    /// it grows: × 3), a group (24) and its span array (a 32-byte header, 8, chunk rounding: 64), a fragment
    /// (56) in the result array and its trace's entry in the index (24, × 2 for the table's load factor,
    /// × 2 while it grows) — 120 + 88 + 56 + 96 = 360 — with room to spare.
    public static let splitBytesPerSpan = 512

    /// The request split by trace id, traces in order of first appearance; spans without a valid 16-byte
    /// trace id are left out. The fragments keep this decoded request and `holding` alive.
    public func splitByTrace(holding: (any Sendable)? = nil) -> [TraceFragment] {
        let source = SharedTraceRequest(view: self, holding: holding)
        var indexByTrace: [TraceID: Int] = [:]
        var traces: [(id: TraceID, groups: [SpanGroup], bytes: Int, spans: Int)] = []
        var leftOut = 0
        for resource in resourceSpans {
            for scope in resource.scopeSpans {
                for span in scope.spans {
                    guard let traceID = span.traceID else {
                        leftOut += 1
                        continue
                    }
                    let index = indexByTrace[traceID] ?? {
                        traces.append((traceID, [], 0, 0))
                        indexByTrace[traceID] = traces.count - 1
                        return traces.count - 1
                    }()
                    let size = span.pointer.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) {
                        protobuf_c_message_get_packed_size($0)
                    }
                    traces[index].bytes += size
                    traces[index].spans += 1
                    if let last = traces[index].groups.last, last.scope == scope.pointer {
                        traces[index].groups[traces[index].groups.count - 1].spans.append(span.pointer)
                    } else {
                        traces[index].groups.append(SpanGroup(resource: resource.pointer, scope: scope.pointer, spans: [span.pointer]))
                    }
                }
            }
        }
        let whole = traces.count == 1 && leftOut == 0
        return traces.map {
            TraceFragment(traceID: $0.id, spanCount: $0.spans, spanBytes: $0.bytes, source: source, groups: $0.groups, isWholeRequest: whole)
        }
    }
}

extension OTLPPayload {
    /// One trace request holding the spans of `fragments`, each resource and scope they share written once,
    /// in order of first appearance; `traceState` rewrites each span's W3C trace state on the way.
    /// `charge` is given the encoded size before the request is allocated; `nil` when it refuses.
    public static func joined(
        _ fragments: [TraceFragment], traceState edit: ((String) -> String)? = nil, charging charge: (Int) -> Bool = { _ in true }
    ) -> OTLPPayload? {
        if fragments.count == 1, fragments[0].isWholeRequest, edit == nil {
            let payload = fragments[0].source.view.payload
            return charge(payload.bytes.count) ? payload : nil
        }
        typealias ResourceSpans = Opentelemetry__Proto__Trace__V1__ResourceSpans
        typealias ScopeSpans = Opentelemetry__Proto__Trace__V1__ScopeSpans
        typealias Span = Opentelemetry__Proto__Trace__V1__Span
        var resources: [(original: UnsafeMutablePointer<ResourceSpans>, scopes: [Int])] = []
        var resourceIndex: [UnsafeMutableRawPointer: Int] = [:]
        var scopes: [(original: UnsafeMutablePointer<ScopeSpans>, spans: [UnsafeMutablePointer<Span>])] = []
        var scopeIndex: [UnsafeMutableRawPointer: Int] = [:]
        var spanCount = 0
        for fragment in fragments {
            spanCount += fragment.spanCount
            for group in fragment.groups {
                let resource = resourceIndex[UnsafeMutableRawPointer(group.resource)] ?? {
                    resources.append((group.resource, []))
                    resourceIndex[UnsafeMutableRawPointer(group.resource)] = resources.count - 1
                    return resources.count - 1
                }()
                let scope = scopeIndex[UnsafeMutableRawPointer(group.scope)] ?? {
                    scopes.append((group.scope, []))
                    scopeIndex[UnsafeMutableRawPointer(group.scope)] = scopes.count - 1
                    resources[resource].scopes.append(scopes.count - 1)
                    return scopes.count - 1
                }()
                scopes[scope].spans.append(contentsOf: group.spans)
            }
        }
        let arena = ProtobufArena()
        if let edit {
            for index in scopes.indices {
                scopes[index].spans = scopes[index].spans.map { span in
                    let state = span.pointee.trace_state.map { String(cString: $0) } ?? ""
                    let edited = edit(state)
                    guard edited != state else { return span }
                    let copy = arena.allocate(Span.self)
                    copy.initialize(to: span.pointee)
                    copy.pointee.trace_state = arena.string(edited)
                    return copy
                }
            }
        }
        let resourceCopies = resources.map { resource in
            let copy = arena.allocate(ResourceSpans.self)
            copy.initialize(to: resource.original.pointee)
            let scopeCopies = resource.scopes.map { index in
                let scopeCopy = arena.allocate(ScopeSpans.self)
                scopeCopy.initialize(to: scopes[index].original.pointee)
                scopeCopy.pointee.n_spans = scopes[index].spans.count
                scopeCopy.pointee.spans = arena.pointers(scopes[index].spans)
                return scopeCopy
            }
            copy.pointee.n_scope_spans = scopeCopies.count
            copy.pointee.scope_spans = arena.pointers(scopeCopies)
            return copy
        }
        let output = arena.message(opentelemetry__proto__collector__trace__v1__export_trace_service_request__init)
        output.pointee.n_resource_spans = resourceCopies.count
        output.pointee.resource_spans = arena.pointers(resourceCopies)
        // The fragments (and so the requests they point into) stay alive until the encoding is done.
        let bytes = withExtendedLifetime(fragments) { () -> [UInt8]? in
            output.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { charge(protobuf_c_message_get_packed_size($0)) }
                ? packMessage(output) : nil
        }
        return bytes.map { OTLPPayload(encoded: $0, signal: .traces, itemCount: spanCount) }
    }

    /// One request holding every item of `payloads` (at least one, all of one signal), by concatenation.
    public static func joined(_ payloads: [OTLPPayload]) -> OTLPPayload {
        precondition(!payloads.isEmpty, "nothing to join")
        if payloads.count == 1 { return payloads[0] }
        // A concatenation decodes to no more than its parts did one by one (one request struct and one
        // array of resources instead of several), so the sum of their estimates bounds it.
        return OTLPPayload(
            signal: payloads[0].signal, bytes: concatenated(payloads), itemCount: payloads.reduce(0) { $0 + $1.itemCount },
            decodedBytesEstimate: payloads.reduce(0) { $0 + $1.decodedBytesEstimate })
    }
}
