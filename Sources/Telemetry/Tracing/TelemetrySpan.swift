import Synchronization

/// One timed operation in a trace: a name, ids, a parent, attributes, events, links and a status.
///
/// Spans are reference types, safe to share across threads and tasks. Create them with a tracer's
/// `startSpan` (or `traceContext`/`traced`), end them with `tracer.endSpan(_:)` or `end()`; changes after
/// the end are ignored. A span that is not recording (not sampled) keeps only its context and name, reads
/// no clock, and ignores every change at almost no cost.
public final class TelemetrySpan: @unchecked Sendable {
    // @unchecked: `guarded` and `onEnd` are only touched while `lock` is held, except that `endedState`
    // reads `guarded` of a span that has ended, which nothing writes any more.
    /// The ids, flags and trace state that identify this span.
    public let context: SpanContext
    /// The parent's context, or `nil` for a root span.
    public let parent: SpanContext?
    /// The role of the span.
    public let kind: TelemetrySpanKind
    /// When the span started, in nanoseconds since the Unix epoch (0 for a span that is not recording,
    /// unless a start time was given).
    public let startTimeNanos: UInt64
    /// The caps on attributes, events and links.
    public let limits: SpanLimits

    /// Whether changes are kept; false for spans a sampler dropped.
    public let isRecording: Bool

    private let startMonotonicNanos: UInt64
    // An inline mutex: a span is rarely touched by two threads at once, and unlike a pthread mutex it
    // needs no allocation, which matters when spans are started by the million. It guards a plain
    // stored property rather than holding the state itself: a `Mutex<SpanState>` was destroyed through
    // the generic value witnesses, a sixth of an unsampled span's instructions.
    private let lock = Mutex(())
    @exclusivity(unchecked) private var guarded: SpanState
    /// Called once when the span ends, then dropped (also guarded by `lock`).
    @exclusivity(unchecked) private var onEnd: (@Sendable (TelemetrySpan) -> Void)?

    /// Creates a span; tracers call this, applications use `startSpan`.
    ///
    /// - Parameters:
    ///   - startTimeNanos: when the span started (nanoseconds since the Unix epoch); now when `nil`.
    ///   - onEnd: called exactly once, when the span ends.
    public init(
        name: String, context: SpanContext, parent: SpanContext?, kind: TelemetrySpanKind = .internal,
        attributes: [String: AttributeValue] = [:], links: [TelemetrySpanLink] = [], isRecording: Bool = true,
        limits: SpanLimits = SpanLimits(), startTimeNanos: UInt64? = nil, onEnd: (@Sendable (TelemetrySpan) -> Void)? = nil
    ) {
        self.context = context
        self.parent = parent
        self.kind = kind
        self.limits = limits
        self.isRecording = isRecording
        self.onEnd = onEnd
        guard isRecording else {
            // Nothing will be exported, so no clock is read: a non-recording span's times are 0
            // unless given (a third of an unsampled span's cost was reading clocks).
            self.startTimeNanos = startTimeNanos ?? 0
            startMonotonicNanos = 0
            guarded = SpanState(name: name)
            return
        }
        let now = SpanClock.now()
        // A start given in the past keeps the monotonic anchor consistent with it, so duration stays right.
        // The anchor may wrap (a start before the machine booted): it is only ever used in a wrapping
        // difference with a later monotonic reading, which gives the true elapsed time.
        self.startTimeNanos = startTimeNanos ?? now.wall
        startMonotonicNanos = now.monotonic &- (now.wall &- Swift.min(now.wall, startTimeNanos ?? now.wall))
        // Built in place, not in a local moved in at the end (a copy of the whole state).
        guarded = SpanState(name: name)
        // Most spans start with neither: skipping the loops skips making a dictionary iterator.
        if !attributes.isEmpty {
            for (key, value) in attributes { guarded.setAttribute(key, value, limits: limits) }
        }
        if !links.isEmpty {
            for link in links { guarded.addLink(link, limits: limits) }
        }
    }
    /// The trace this span belongs to (16 bytes, lowercase hex when printed).
    public var traceID: TraceID { context.traceID }
    /// This span's id (8 bytes, lowercase hex when printed).
    public var spanID: SpanID { context.spanID }
    /// The parent span's id, or `nil` for a root span.
    public var parentSpanID: SpanID? { parent?.spanID }

    /// The span name.
    public var name: String { withState { $0.name } }
    /// The attributes set so far.
    public var attributes: AttributeMap { withState { $0.attributes } }
    /// The events added so far, in order.
    public var events: [TelemetrySpanEvent] { withState { $0.events } }
    /// The links added so far, in order.
    public var links: [TelemetrySpanLink] { withState { $0.links } }
    /// The current status.
    public var status: TelemetrySpanStatus { withState { $0.status } }
    /// Attributes dropped because of `limits`.
    public var droppedAttributesCount: Int { withState { $0.droppedAttributes } }
    /// Events dropped because of `limits`.
    public var droppedEventsCount: Int { withState { $0.droppedEvents } }
    /// Links dropped because of `limits`.
    public var droppedLinksCount: Int { withState { $0.droppedLinks } }

    /// When the span ended, in nanoseconds since the Unix epoch, or `nil` while it runs.
    public var endTimeNanos: UInt64? { withState { $0.endTimeNanos } }

    /// Whether the span has ended.
    public var isEnded: Bool { endTimeNanos != nil }

    /// Seconds from start to end, or to now while the span runs (0 for a span that is not recording).
    public var duration: Double {
        let end = endTimeNanos ?? currentTimeNanos()
        return Double(end.subtractingSaturated(startTimeNanos)) / 1e9
    }

    /// Sets (or replaces) an attribute.
    public func setAttribute(_ key: String, _ value: AttributeValue) {
        mutate { $0.setAttribute(key, value, limits: limits) }
    }

    /// Sets a string attribute.
    public func setAttribute(_ key: String, _ value: String) { setAttribute(key, .string(value)) }
    /// Sets an integer attribute.
    public func setAttribute(_ key: String, _ value: Int) { setAttribute(key, .int(value)) }
    /// Sets a double attribute.
    public func setAttribute(_ key: String, _ value: Double) { setAttribute(key, .double(value)) }
    /// Sets a boolean attribute.
    public func setAttribute(_ key: String, _ value: Bool) { setAttribute(key, .bool(value)) }
    /// Sets a string array attribute.
    public func setAttribute(_ key: String, _ value: [String]) { setAttribute(key, .stringArray(value)) }
    /// Sets an integer array attribute.
    public func setAttribute(_ key: String, _ value: [Int]) { setAttribute(key, .intArray(value)) }
    /// Sets a double array attribute.
    public func setAttribute(_ key: String, _ value: [Double]) { setAttribute(key, .doubleArray(value)) }
    /// Sets a boolean array attribute.
    public func setAttribute(_ key: String, _ value: [Bool]) { setAttribute(key, .boolArray(value)) }

    /// Sets several attributes at once.
    public func setAttributes(_ attributes: [String: AttributeValue]) {
        mutate { state in
            for (key, value) in attributes { state.setAttribute(key, value, limits: limits) }
        }
    }

    /// Adds an event, timestamped now unless `timeNanos` is given.
    public func addEvent(_ name: String, _ attributes: [String: AttributeValue] = [:], timeNanos: UInt64? = nil) {
        guard isRecording else { return }
        let time = timeNanos ?? WallClock.nowNanos()
        mutate { $0.addEvent(name, attributes, timeNanos: time, limits: limits) }
    }

    /// Adds a link to another span.
    public func addLink(_ link: TelemetrySpanLink) {
        mutate { $0.addLink(link, limits: limits) }
    }

    /// Sets the status. `.ok` is final; setting `.unset` is ignored; the message is kept only for `.error`.
    public func setStatus(_ code: StatusCode, _ message: String? = nil) {
        mutate { $0.setStatus(TelemetrySpanStatus(code: code, message: message)) }
    }

    /// Renames the span.
    public func updateName(_ name: String) {
        mutate { $0.name = name }
    }

    /// Records `error` as an `exception` event (`exception.type`, `exception.message`) and sets status `.error`.
    public func recordError(_ error: any Error) {
        guard isRecording else { return }
        let message = String(describing: error)
        addEvent(
            "exception",
            ["exception.type": .string(String(reflecting: type(of: error))), "exception.message": .string(message)])
        setStatus(.error, message)
    }

    /// Ends the span now; later calls, and later changes, are ignored.
    public func end() {
        end(atNanos: currentTimeNanos())
    }

    /// Ends the span at `timeNanos` (nanoseconds since the Unix epoch); later calls are ignored.
    public func end(atNanos timeNanos: UInt64) {
        let end = Swift.max(timeNanos, startTimeNanos)
        // The callback is taken out as the span ends: an ended span may be queued as its own record, and
        // must not keep its tracer's processor alive from inside that processor's queue.
        // Moved out through a local, not returned: a closure returned through the generic `withLock`
        // was wrapped in an allocated reabstraction thunk.
        var callback: (@Sendable (TelemetrySpan) -> Void)?
        lock.withLock { _ in
            guard guarded.endTimeNanos == nil else { return }
            guarded.endTimeNanos = end
            callback = onEnd
            onEnd = nil
        }
        callback?(self)
    }

    /// An immutable record of the span for exporters; `nil` while it runs or when it does not record.
    public func data() -> SpanData? {
        guard isRecording else { return nil }
        return isEnded ? SpanData(ended: self) : nil
    }

    /// Sets `.ok` unless a status was already set; used when an instrumented operation succeeds.
    func setStatusOkIfUnset() {
        mutate { state in
            if state.status.code == .unset { state.setStatus(TelemetrySpanStatus(code: .ok)) }
        }
    }

    private func currentTimeNanos() -> UInt64 {
        guard isRecording else { return startTimeNanos }
        return startTimeNanos.addingSaturated(WallClock.monotonicNanos() &- startMonotonicNanos)
    }

    /// The state of a span that has ended, read without the lock: nothing changes it after the end, and
    /// whoever reads a span's record got it after the end (from `data()`, through the queue the end
    /// handed it to).
    var endedState: SpanState {
        _read { yield guarded }
    }

    private func withState<Result>(_ body: (inout SpanState) -> Result) -> Result {
        lock.withLock { _ in body(&guarded) }
    }

    private func mutate(_ change: (inout SpanState) -> Void) {
        guard isRecording else { return }
        withState { state in
            guard state.endTimeNanos == nil else { return }
            change(&state)
        }
    }
}
