/// A tracer that records every span in memory, for tests, demos and small tools.
///
/// ```swift
/// let tracer = SimpleTracer()
/// let span = tracer.startSpan("fetch_user")
/// span.setAttribute("user_id", 123)
/// tracer.endSpan(span)
/// let spans = tracer.getSpans(traceID: span.traceID)
/// ```
/// It keeps at most `maxSpans` finished spans; when full, the oldest is discarded and counted in
/// `droppedSpanCount`.
public final class SimpleTracer: TelemetryTracer {
    /// Finished spans kept when no other limit is given.
    public static let defaultMaxSpans = 10_000

    /// The most finished spans kept.
    public let maxSpans: Int
    /// The caps applied to every span.
    public var limits: SpanLimits { starter.limits }
    private let starter: SpanStarter
    private let finished: LockedValue<FinishedSpans>

    /// Creates a tracer that keeps up to `maxSpans` finished spans (at least 1).
    ///
    /// - Parameter sampler: which spans record; spans it drops are not kept.
    public init(maxSpans: Int = SimpleTracer.defaultMaxSpans, limits: SpanLimits = SpanLimits(), sampler: Sampler = .alwaysOn) {
        self.maxSpans = Swift.max(1, maxSpans)
        starter = SpanStarter(sampler: sampler, limits: limits)
        finished = LockedValue(FinishedSpans(capacity: self.maxSpans))
    }

    /// Starts a span; it is kept once it ends, if it records.
    public func startSpan(
        _ name: String, kind: TelemetrySpanKind, parent: SpanParent, attributes: [String: AttributeValue], links: [TelemetrySpanLink],
        startTimeNanos: UInt64?
    ) -> TelemetrySpan {
        starter.start(
            name, kind: kind, parent: parent, attributes: attributes, links: links, startTimeNanos: startTimeNanos
        ) { [weak self] span in
            guard span.isRecording else { return }
            self?.finished.withLock { $0.append(span) }
        }
    }

    /// Every finished span still kept, in the order they ended.
    public func getSpans() -> [TelemetrySpan] {
        finished.withLock { $0.all() }
    }

    /// The finished spans of one trace, in the order they ended.
    public func getSpans(traceID: TraceID) -> [TelemetrySpan] {
        getSpans().filter { $0.traceID == traceID }
    }

    /// Discards every finished span.
    public func clear() {
        finished.withLock { $0.removeAll() }
    }

    /// Finished spans discarded because more than `maxSpans` ended.
    public var droppedSpanCount: Int {
        finished.withLock { $0.dropped }
    }
}

/// A ring of the most recent finished spans.
struct FinishedSpans: Sendable {
    private var spans: [TelemetrySpan] = []
    private var head = 0
    private let capacity: Int
    private(set) var dropped = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func append(_ span: TelemetrySpan) {
        if spans.count < capacity {
            spans.append(span)
        } else {
            spans[head] = span
            head = (head + 1) % capacity
            dropped += 1
        }
    }

    func all() -> [TelemetrySpan] {
        Array(spans[head...] + spans[..<head])
    }

    mutating func removeAll() {
        spans.removeAll()
        head = 0
    }
}
