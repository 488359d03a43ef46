import Instrumentation

/// Injects and extracts W3C `traceparent`, `tracestate` and `baggage` through swift-distributed-tracing's
/// `Injector`/`Extractor`, so any instrumented HTTP library carries our trace context. Invalid headers are
/// ignored.
public enum TraceContextPropagation {
    /// Writes the current span's (or the remote parent's) context and the baggage of `context` into `carrier`.
    public static func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        if let spanContext = context[CurrentSpanKey.self]?.context ?? context.remoteSpanContext {
            injector.inject(W3CTraceParent.format(spanContext), forKey: "traceparent", into: &carrier)
            if !spanContext.traceState.isEmpty {
                injector.inject(spanContext.traceState, forKey: "tracestate", into: &carrier)
            }
        }
        let baggage = context.baggage
        if !baggage.isEmpty {
            let header = W3CBaggage.format(baggage)
            if !header.isEmpty { injector.inject(header, forKey: "baggage", into: &carrier) }
        }
    }

    /// Reads `traceparent`, `tracestate` and `baggage` from `carrier` into `context` as the remote parent
    /// and baggage; leaves `context` unchanged for missing or invalid headers.
    public static func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        if let parent = extractor.extract(key: "traceparent", from: carrier).flatMap({
            W3CTraceParent.parse($0, traceState: extractor.extract(key: "tracestate", from: carrier) ?? "")
        }) {
            context.remoteSpanContext = parent
        }
        if let header = extractor.extract(key: "baggage", from: carrier) {
            let entries = W3CBaggage.parse(header)
            if !entries.isEmpty { context.baggage = context.baggage.merging(entries) { $1 } }
        }
    }
}
