/// An immutable record of a finished span, handed to span exporters.
public struct SpanData: Sendable, Hashable {
    // One reference to immutable fields: a span record is queued, batched and encoded, and as a plain
    // struct of ~200 bytes each of those moves copied it and retained its seven references. A span
    // that ended is its own record (read in place: no allocation, no copy when it ends); a record made
    // with `init` keeps its fields in a `Storage`.
    private enum Source: Sendable {
        case record(Storage)
        case span(TelemetrySpan)

        var object: AnyObject {
            switch self {
            case .record(let storage): storage
            case .span(let span): span
            }
        }
    }

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

    private let source: Source

    /// The span name.
    public var name: String { field({ $0.name }, { $0.endedState.name }) }
    /// The span's ids, flags and trace state.
    public var context: SpanContext { field({ $0.context }, { $0.context }) }
    /// The parent's context, or `nil` for a root span.
    public var parent: SpanContext? { field({ $0.parent }, { $0.parent }) }
    /// The span's role.
    public var kind: TelemetrySpanKind { field({ $0.kind }, { $0.kind }) }
    /// Start time, nanoseconds since the Unix epoch.
    public var startTimeNanos: UInt64 { field({ $0.startTimeNanos }, { $0.startTimeNanos }) }
    /// End time, nanoseconds since the Unix epoch.
    public var endTimeNanos: UInt64 { field({ $0.endTimeNanos }, { $0.endedState.endTimeNanos ?? $0.startTimeNanos }) }
    /// The attributes, in the order they were first set.
    public var attributes: AttributeMap { field({ $0.attributes }, { $0.endedState.attributes }) }
    /// The events, in order.
    public var events: [TelemetrySpanEvent] { field({ $0.events }, { $0.endedState.events }) }
    /// The links, in order.
    public var links: [TelemetrySpanLink] { field({ $0.links }, { $0.endedState.links }) }
    /// The status.
    public var status: TelemetrySpanStatus { field({ $0.status }, { $0.endedState.status }) }
    /// Attributes dropped because of the span limits.
    public var droppedAttributesCount: Int { field({ $0.droppedAttributesCount }, { $0.endedState.droppedAttributes }) }
    /// Events dropped because of the span limits.
    public var droppedEventsCount: Int { field({ $0.droppedEventsCount }, { $0.endedState.droppedEvents }) }
    /// Links dropped because of the span limits.
    public var droppedLinksCount: Int { field({ $0.droppedLinksCount }, { $0.endedState.droppedLinks }) }

    /// A field, read from the record's storage or from the ended span.
    @inline(__always)
    private func field<Value>(_ stored: (Storage) -> Value, _ ended: (TelemetrySpan) -> Value) -> Value {
        switch source {
        case .record(let storage): stored(storage)
        case .span(let span): ended(span)
        }
    }

    /// The record of `span`, which has ended and records.
    init(ended span: TelemetrySpan) {
        source = .span(span)
    }

    /// Creates a record; normally made by `TelemetrySpan.data()` when a span ends.
    public init(
        name: String, context: SpanContext, parent: SpanContext?, kind: TelemetrySpanKind, startTimeNanos: UInt64,
        endTimeNanos: UInt64, attributes: AttributeMap = [:], events: [TelemetrySpanEvent] = [],
        links: [TelemetrySpanLink] = [], status: TelemetrySpanStatus = TelemetrySpanStatus(code: .unset), droppedAttributesCount: Int = 0,
        droppedEventsCount: Int = 0, droppedLinksCount: Int = 0
    ) {
        source = .record(Storage(
            name: name, context: context, parent: parent, kind: kind, startTimeNanos: startTimeNanos,
            endTimeNanos: endTimeNanos, attributes: attributes, events: events, links: links, status: status,
            droppedAttributesCount: droppedAttributesCount, droppedEventsCount: droppedEventsCount,
            droppedLinksCount: droppedLinksCount))
    }

    /// Records are equal when every field is.
    public static func == (left: SpanData, right: SpanData) -> Bool {
        left.source.object === right.source.object
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
