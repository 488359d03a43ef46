import COTLP
import CProtobufC
import Telemetry
import TelemetryOTLP

/// A request the gateway cannot accept as it stands (answered with 400).
struct MalformedRequest: Error, CustomStringConvertible {
    let description: String
}

/// The spans of one trace request that survived sampling, re-encoded.
struct SampledTraces {
    /// The request holding only the kept spans (empty when none was kept).
    let bytes: [UInt8]
    /// Spans in the request as received.
    let received: Int
    /// Spans kept.
    let kept: Int
}

/// Samples each span of an OTLP trace request as the root of its trace, so the decision depends only on
/// the trace id for ratio sampling: every span of a trace is kept or dropped together, by every gateway.
struct TraceRequestSampler: Sendable {
    let sampler: Sampler

    func sample(_ protobuf: [UInt8]) throws(MalformedRequest) -> SampledTraces {
        let request = try protobuf.withUnsafeBufferPointer { bytes throws(MalformedRequest) in
            guard let decoded = opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
                nil, bytes.count, bytes.baseAddress)
            else { throw MalformedRequest(description: "the body is not a valid OTLP ExportTraceServiceRequest") }
            return decoded
        }
        defer { opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(request, nil) }
        let arena = ProtobufArena()
        var received = 0
        var kept = 0
        var keptResources: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ResourceSpans>] = []
        for resourceSpans in Self.elements(request.pointee.resource_spans, request.pointee.n_resource_spans) {
            var keptScopes: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__ScopeSpans>] = []
            for scopeSpans in Self.elements(resourceSpans.pointee.scope_spans, resourceSpans.pointee.n_scope_spans) {
                let spans = Self.elements(scopeSpans.pointee.spans, scopeSpans.pointee.n_spans)
                received += spans.count
                var keptSpans: [UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span>] = []
                for span in spans where try keeps(span) { keptSpans.append(span) }
                guard !keptSpans.isEmpty else { continue }
                kept += keptSpans.count
                let copy = arena.allocate(Opentelemetry__Proto__Trace__V1__ScopeSpans.self)
                copy.initialize(to: scopeSpans.pointee)
                copy.pointee.n_spans = keptSpans.count
                copy.pointee.spans = arena.pointers(keptSpans)
                keptScopes.append(copy)
            }
            guard !keptScopes.isEmpty else { continue }
            let copy = arena.allocate(Opentelemetry__Proto__Trace__V1__ResourceSpans.self)
            copy.initialize(to: resourceSpans.pointee)
            copy.pointee.n_scope_spans = keptScopes.count
            copy.pointee.scope_spans = arena.pointers(keptScopes)
            keptResources.append(copy)
        }
        if kept == received { return SampledTraces(bytes: kept == 0 ? [] : protobuf, received: received, kept: kept) }
        guard kept > 0 else { return SampledTraces(bytes: [], received: received, kept: 0) }
        let output = arena.allocate(Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self)
        output.initialize(to: request.pointee)
        output.pointee.n_resource_spans = keptResources.count
        output.pointee.resource_spans = arena.pointers(keptResources)
        return SampledTraces(bytes: packMessage(output), received: received, kept: kept)
    }

    private func keeps(_ span: UnsafeMutablePointer<Opentelemetry__Proto__Trace__V1__Span>) throws(MalformedRequest) -> Bool {
        let traceIDBytes = span.pointee.trace_id
        guard traceIDBytes.len == 16, let data = traceIDBytes.data,
            let traceID = TraceID(bytes: UnsafeBufferPointer(start: data, count: 16))
        else { throw MalformedRequest(description: "a span's trace_id is not 16 bytes") }
        guard span.pointee.span_id.len == 8 else { throw MalformedRequest(description: "a span's span_id is not 8 bytes") }
        let name = span.pointee.name.map { String(cString: $0) } ?? ""
        let kind = SpanKind(rawValue: Int(span.pointee.kind.rawValue)) ?? .internal
        let parameters = SamplingParameters(
            parent: nil, traceID: traceID, name: name, kind: kind,
            attributes: OTLPAttributes.decode(span.pointee.attributes, span.pointee.n_attributes))
        return sampler.shouldSample(parameters).decision.isSampled
    }

    /// The non-nil elements of a protobuf-c repeated message field.
    static func elements<Element>(_ list: UnsafeMutablePointer<UnsafeMutablePointer<Element>?>?, _ count: Int)
        -> [UnsafeMutablePointer<Element>]
    {
        guard let list else { return [] }
        return (0..<count).compactMap { list[$0] }
    }
}
