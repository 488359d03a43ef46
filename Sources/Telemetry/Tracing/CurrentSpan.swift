import Instrumentation

/// The `ServiceContext` key under which `traceContext`/`traced` store the current span.
enum CurrentSpanKey: ServiceContextKey {
    typealias Value = TelemetrySpan
    static var nameOverride: String? { "swift-telemetry.span" }
}

/// The `ServiceContext` key for a parent span context extracted from a remote request.
public enum RemoteSpanContextKey: ServiceContextKey {
    /// The extracted context.
    public typealias Value = SpanContext
    /// A stable name for debugging output.
    public static var nameOverride: String? { "swift-telemetry.remote-span-context" }
}

extension TelemetrySpan {
    /// The span of the innermost enclosing `traceContext`/`traced` in this task, if any.
    public static var current: TelemetrySpan? {
        ServiceContext.current?[CurrentSpanKey.self]
    }

    /// The span `context` carries as its current span, if any.
    public static func current(in context: ServiceContext) -> TelemetrySpan? {
        context[CurrentSpanKey.self]
    }

    /// `context` (or the current or top-level context) with this span as the current span.
    public func serviceContext(basedOn context: ServiceContext? = ServiceContext.current) -> ServiceContext {
        var updated = context ?? .topLevel
        updated[CurrentSpanKey.self] = self
        return updated
    }
}

extension ServiceContext {
    /// A parent span context received from another process, stored by propagation extractors.
    public var remoteSpanContext: SpanContext? {
        get { self[RemoteSpanContextKey.self] }
        set { self[RemoteSpanContextKey.self] = newValue }
    }
}
