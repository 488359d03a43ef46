import Tracing

/// What both tracers of this library do as swift-distributed-tracing `Tracer`s; each adds `forceFlush()`.
extension TelemetryTracer where Self: Tracing.Tracer {
    /// Starts a span for swift-distributed-tracing (`withSpan`, `startSpan` in libraries).
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: Tracing.SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> DistributedTracingSpan {
        DistributedTracingSpan.start(
            with: self, operationName, context: context(), kind: kind, startTimeNanos: instant().nanosecondsSinceEpoch)
    }

    /// The span identified by `context`, if it belongs to a tracer of this library.
    public func activeSpan(identifiedBy context: ServiceContext) -> DistributedTracingSpan? {
        TelemetrySpan.current(in: context).map { DistributedTracingSpan(span: $0, startedIn: context) }
    }

    /// Reads W3C `traceparent`, `tracestate` and `baggage` (see `TraceContextPropagation`).
    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        TraceContextPropagation.extract(carrier, into: &context, using: extractor)
    }

    /// Writes W3C `traceparent`, `tracestate` and `baggage` (see `TraceContextPropagation`).
    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        TraceContextPropagation.inject(context, into: &carrier, using: injector)
    }
}
