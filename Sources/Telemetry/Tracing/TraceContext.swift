import Instrumentation

/// Runs `body` inside a new span that is the current span for everything `body` starts.
///
/// On success the span gets status `.ok` (unless `body` set one); on a thrown error it records an
/// `exception` event, gets status `.error` with the error's description, and the error is rethrown.
/// The span always ends.
@discardableResult
public func traceContext<Result>(
    _ tracer: some TelemetryTracer, _ name: String, kind: TelemetrySpanKind = .internal,
    attributes: [String: AttributeValue] = [:], _ body: (TelemetrySpan) throws -> Result
) rethrows -> Result {
    let span = tracer.startSpan(name, kind: kind, parent: .current, attributes: attributes, links: [])
    do {
        let result = try ServiceContext.withValue(span.serviceContext()) { try body(span) }
        span.setStatusOkIfUnset()
        tracer.endSpan(span)
        return result
    } catch {
        span.recordError(error)
        tracer.endSpan(span)
        throw error
    }
}

/// Runs async `body` inside a new span that is the current span for everything `body` starts, across `await`s.
///
/// On success the span gets status `.ok` (unless `body` set one); on a thrown error it records an
/// `exception` event, gets status `.error` with the error's description, and the error is rethrown.
/// The span always ends.
@discardableResult
public func traceContext<Result>(
    _ tracer: some TelemetryTracer, _ name: String, kind: TelemetrySpanKind = .internal,
    attributes: [String: AttributeValue] = [:], isolation: isolated (any Actor)? = #isolation,
    _ body: (TelemetrySpan) async throws -> Result
) async rethrows -> Result {
    let span = tracer.startSpan(name, kind: kind, parent: .current, attributes: attributes, links: [])
    do {
        let result = try await ServiceContext.withValue(span.serviceContext()) { try await body(span) }
        span.setStatusOkIfUnset()
        tracer.endSpan(span)
        return result
    } catch {
        span.recordError(error)
        tracer.endSpan(span)
        throw error
    }
}

/// Wraps a function so that every call runs inside a span named `name` (see `traceContext`).
///
/// ```swift
/// let add = traced(tracer, "add") { (a: Int, b: Int) -> Int in a + b }
/// let sum = add(2, 3)
/// ```
public func traced<each Argument, Result>(
    _ tracer: some TelemetryTracer, _ name: String, kind: TelemetrySpanKind = .internal,
    _ body: @escaping (repeat each Argument) -> Result
) -> (repeat each Argument) -> Result {
    { (argument: repeat each Argument) -> Result in
        traceContext(tracer, name, kind: kind) { _ in body(repeat each argument) }
    }
}

/// Wraps a throwing function so that every call runs inside a span named `name` (see `traceContext`).
public func traced<each Argument, Result>(
    _ tracer: some TelemetryTracer, _ name: String, kind: TelemetrySpanKind = .internal,
    _ body: @escaping (repeat each Argument) throws -> Result
) -> (repeat each Argument) throws -> Result {
    { (argument: repeat each Argument) throws -> Result in
        try traceContext(tracer, name, kind: kind) { _ in try body(repeat each argument) }
    }
}

/// Wraps an async function so that every call runs inside a span named `name` (see `traceContext`).
public func traced<each Argument, Result>(
    _ tracer: some TelemetryTracer, _ name: String, kind: TelemetrySpanKind = .internal,
    _ body: @escaping (repeat each Argument) async -> Result
) -> (repeat each Argument) async -> Result {
    { (argument: repeat each Argument) async -> Result in
        await traceContext(tracer, name, kind: kind) { _ in await body(repeat each argument) }
    }
}

/// Wraps an async throwing function so that every call runs inside a span named `name` (see `traceContext`).
///
/// ```swift
/// let process = traced(tracer, "process_data") { (items: [Int]) async throws -> Int in items.count }
/// let n = try await process([1, 2, 3])
/// ```
public func traced<each Argument, Result>(
    _ tracer: some TelemetryTracer, _ name: String, kind: TelemetrySpanKind = .internal,
    _ body: @escaping (repeat each Argument) async throws -> Result
) -> (repeat each Argument) async throws -> Result {
    { (argument: repeat each Argument) async throws -> Result in
        try await traceContext(tracer, name, kind: kind) { _ in try await body(repeat each argument) }
    }
}
