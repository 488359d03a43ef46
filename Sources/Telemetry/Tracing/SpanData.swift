/// An immutable record of a finished span, handed to span exporters.
public struct SpanData: Sendable, Hashable {
    // One reference to immutable storage: a span record is queued, batched and encoded, and as a plain
    // struct of ~200 bytes each of those moves copied it and retained its seven references.
    private final class Storage: Sendable {
        let name: String
        let context: SpanContext
        let parent: SpanContext?
        let kind: TelemetrySpanKind
        let startTimeNanos: UInt64
        let endTimeNanos: UInt64
        let attributes: AttributeMap
        let events: [TelemetrySpanEvent]
        let links: [TelemetrySpanLink]
        let status: TelemetrySpanStatus
        let droppedAttributesCount: Int
        let droppedEventsCount: Int
        let droppedLinksCount: Int

        init(
            name: String, context: SpanContext, parent: SpanContext?, kind: TelemetrySpanKind, startTimeNanos: UInt64,
            endTimeNanos: UInt64, attributes: AttributeMap, events: [TelemetrySpanEvent], links: [TelemetrySpanLink],
            status: TelemetrySpanStatus, droppedAttributesCount: Int, droppedEventsCount: Int, droppedLinksCount: Int
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

    private let storage: Storage

    /// The span name.
    public var name: String { storage.name }
    /// The span's ids, flags and trace state.
    public var context: SpanContext { storage.context }
    /// The parent's context, or `nil` for a root span.
    public var parent: SpanContext? { storage.parent }
    /// The span's role.
    public var kind: TelemetrySpanKind { storage.kind }
    /// Start time, nanoseconds since the Unix epoch.
    public var startTimeNanos: UInt64 { storage.startTimeNanos }
    /// End time, nanoseconds since the Unix epoch.
    public var endTimeNanos: UInt64 { storage.endTimeNanos }
    /// The attributes, in the order they were first set.
    public var attributes: AttributeMap { storage.attributes }
    /// The events, in order.
    public var events: [TelemetrySpanEvent] { storage.events }
    /// The links, in order.
    public var links: [TelemetrySpanLink] { storage.links }
    /// The status.
    public var status: TelemetrySpanStatus { storage.status }
    /// Attributes dropped because of the span limits.
    public var droppedAttributesCount: Int { storage.droppedAttributesCount }
    /// Events dropped because of the span limits.
    public var droppedEventsCount: Int { storage.droppedEventsCount }
    /// Links dropped because of the span limits.
    public var droppedLinksCount: Int { storage.droppedLinksCount }

    /// Creates a record; normally made by `TelemetrySpan.data()` when a span ends.
    public init(
        name: String, context: SpanContext, parent: SpanContext?, kind: TelemetrySpanKind, startTimeNanos: UInt64,
        endTimeNanos: UInt64, attributes: AttributeMap = [:], events: [TelemetrySpanEvent] = [],
        links: [TelemetrySpanLink] = [], status: TelemetrySpanStatus = TelemetrySpanStatus(code: .unset), droppedAttributesCount: Int = 0,
        droppedEventsCount: Int = 0, droppedLinksCount: Int = 0
    ) {
        storage = Storage(
            name: name, context: context, parent: parent, kind: kind, startTimeNanos: startTimeNanos,
            endTimeNanos: endTimeNanos, attributes: attributes, events: events, links: links, status: status,
            droppedAttributesCount: droppedAttributesCount, droppedEventsCount: droppedEventsCount,
            droppedLinksCount: droppedLinksCount)
    }

    /// Records are equal when every field is.
    public static func == (left: SpanData, right: SpanData) -> Bool {
        left.storage === right.storage
            || (left.name == right.name && left.context == right.context && left.parent == right.parent
                && left.kind == right.kind && left.startTimeNanos == right.startTimeNanos
                && left.endTimeNanos == right.endTimeNanos && left.attributes == right.attributes
                && left.events == right.events && left.links == right.links && left.status == right.status
                && left.droppedAttributesCount == right.droppedAttributesCount
                && left.droppedEventsCount == right.droppedEventsCount
                && left.droppedLinksCount == right.droppedLinksCount)
    }

    /// Hashes the identifying fields (equal records hash equally).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(context)
        hasher.combine(parent)
        hasher.combine(startTimeNanos)
        hasher.combine(endTimeNanos)
        hasher.combine(attributes)
    }
}
