/// What a sampler decides for a new span.
public enum SamplingDecision: Sendable, Hashable {
    /// Not recorded, not exported; the span costs almost nothing.
    case drop
    /// Recorded (attributes, events kept) but not sampled, so never exported.
    case recordOnly
    /// Recorded and sampled: exported when it ends.
    case recordAndSample

    /// Whether the span keeps changes.
    public var isRecording: Bool { self != .drop }
    /// Whether the span is exported.
    public var isSampled: Bool { self == .recordAndSample }
}

/// Everything a sampler may look at when a span starts.
public struct SamplingParameters: Sendable {
    /// The parent's context, if the span has a parent.
    public var parent: SpanContext?
    /// The trace id the span will have.
    public var traceID: TraceID
    /// The span name.
    public var name: String
    /// The span kind.
    public var kind: TelemetrySpanKind
    /// The attributes given at start.
    public var attributes: [String: AttributeValue]
    /// The links given at start.
    public var links: [TelemetrySpanLink]

    /// Creates sampling parameters.
    public init(
        parent: SpanContext?, traceID: TraceID, name: String, kind: TelemetrySpanKind = .internal,
        attributes: [String: AttributeValue] = [:], links: [TelemetrySpanLink] = []
    ) {
        self.parent = parent
        self.traceID = traceID
        self.name = name
        self.kind = kind
        self.attributes = attributes
        self.links = links
    }
}

/// A sampler's decision and the trace state the new span carries.
public struct SamplingResult: Sendable, Hashable {
    /// The decision.
    public var decision: SamplingDecision
    /// The W3C `tracestate` for the new span (carries `ot=th:…` after ratio sampling).
    public var traceState: String

    /// Creates a result.
    public init(decision: SamplingDecision, traceState: String) {
        self.decision = decision
        self.traceState = traceState
    }
}
