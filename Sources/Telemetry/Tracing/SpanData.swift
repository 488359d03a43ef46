/// An immutable record of a finished span, handed to span exporters.
public struct SpanData: Sendable, Hashable {
    /// The span name.
    public let name: String
    /// The span's ids, flags and trace state.
    public let context: SpanContext
    /// The parent's context, or `nil` for a root span.
    public let parent: SpanContext?
    /// The span's role.
    public let kind: SpanKind
    /// Start time, nanoseconds since the Unix epoch.
    public let startTimeNanos: UInt64
    /// End time, nanoseconds since the Unix epoch.
    public let endTimeNanos: UInt64
    /// The attributes.
    public let attributes: [String: AttributeValue]
    /// The events, in order.
    public let events: [SpanEvent]
    /// The links, in order.
    public let links: [SpanLink]
    /// The status.
    public let status: SpanStatus
    /// Attributes dropped because of the span limits.
    public let droppedAttributesCount: Int
    /// Events dropped because of the span limits.
    public let droppedEventsCount: Int
    /// Links dropped because of the span limits.
    public let droppedLinksCount: Int

    /// Creates a record; normally made by `Span.data()` when a span ends.
    public init(
        name: String, context: SpanContext, parent: SpanContext?, kind: SpanKind, startTimeNanos: UInt64,
        endTimeNanos: UInt64, attributes: [String: AttributeValue] = [:], events: [SpanEvent] = [],
        links: [SpanLink] = [], status: SpanStatus = SpanStatus(code: .unset), droppedAttributesCount: Int = 0,
        droppedEventsCount: Int = 0, droppedLinksCount: Int = 0
    ) {
        self.name = name
        self.context = context
        self.parent = parent
        self.kind = kind
        self.startTimeNanos = startTimeNanos
        self.endTimeNanos = endTimeNanos
        self.attributes = attributes
        self.events = events
        self.links = links
        self.status = status
        self.droppedAttributesCount = droppedAttributesCount
        self.droppedEventsCount = droppedEventsCount
        self.droppedLinksCount = droppedLinksCount
    }
}
