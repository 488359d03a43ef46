import Instrumentation

/// Which span a new span is the child of.
public enum SpanParent: Sendable {
    /// The current span of this task (set by `traceContext`/`traced`), else a remote parent in the
    /// current `ServiceContext`, else none.
    case current
    /// No parent: the span starts a new trace.
    case root
    /// The given span.
    case span(TelemetrySpan)
    /// The given context, typically extracted from a remote request.
    case context(SpanContext)

    /// The parent context this selection stands for right now.
    public func resolve() -> SpanContext? {
        switch self {
        case .current:
            // One task-local read: the current span, else a remote parent extracted into the context.
            ServiceContext.current.flatMap { $0[CurrentSpanKey.self]?.context ?? $0.remoteSpanContext }
        case .root: nil
        case .span(let span): span.context
        case .context(let context): context
        }
    }
}

/// What every tracer of this library offers; `traceContext` and `traced` work with any of them.
public protocol TelemetryTracer: Sendable {
    /// Starts a span.
    ///
    /// - Parameters:
    ///   - name: the operation name.
    ///   - kind: the span's role.
    ///   - parent: which span the new one is a child of.
    ///   - attributes: initial attributes (visible to samplers).
    ///   - links: links to other spans.
    ///   - startTimeNanos: when the span started (nanoseconds since the Unix epoch); now when `nil`.
    func startSpan(
        _ name: String, kind: TelemetrySpanKind, parent: SpanParent, attributes: [String: AttributeValue], links: [TelemetrySpanLink],
        startTimeNanos: UInt64?
    ) -> TelemetrySpan

    /// Ends `span` and hands it to the tracer's processing; ending twice has no further effect.
    func endSpan(_ span: TelemetrySpan)
}

extension TelemetryTracer {
    /// Starts a span that is a child of the current span unless told otherwise.
    public func startSpan(
        _ name: String, kind: TelemetrySpanKind = .internal, parent: SpanParent = .current,
        attributes: [String: AttributeValue] = [:], links: [TelemetrySpanLink] = []
    ) -> TelemetrySpan {
        startSpan(name, kind: kind, parent: parent, attributes: attributes, links: links, startTimeNanos: nil)
    }

    /// Ends `span`.
    public func endSpan(_ span: TelemetrySpan) {
        span.end()
    }
}
