/// The part of a span that crosses process boundaries: ids, flags and vendor trace state (W3C Trace Context).
public struct SpanContext: Sendable, Hashable {
    /// The trace this span belongs to.
    public let traceID: TraceID
    /// This span's id.
    public let spanID: SpanID
    /// W3C trace flags: bit 0 is "sampled", bit 1 is "random trace id" (level 2).
    public let traceFlags: UInt8
    /// The W3C `tracestate` header value, possibly empty.
    public let traceState: String
    /// Whether this context was received from another process.
    public let isRemote: Bool

    /// Creates a span context.
    public init(traceID: TraceID, spanID: SpanID, traceFlags: UInt8 = 0x01, traceState: String = "", isRemote: Bool = false)
    {
        self.traceID = traceID
        self.spanID = spanID
        self.traceFlags = traceFlags
        self.traceState = traceState
        self.isRemote = isRemote
    }

    /// Whether the trace is sampled (flag bit 0).
    public var isSampled: Bool { traceFlags & 0x01 != 0 }
}

/// The role of a span in a trace, as in OpenTelemetry.
public enum TelemetrySpanKind: Int, Sendable, Hashable {
    /// An internal operation (the default).
    case `internal` = 1
    /// The server side of a synchronous request.
    case server = 2
    /// The client side of a synchronous request.
    case client = 3
    /// The sender of an asynchronous message.
    case producer = 4
    /// The receiver of an asynchronous message.
    case consumer = 5
}

/// The status code of a span.
public enum StatusCode: Int, Sendable, Hashable, CustomStringConvertible {
    /// Not set (the default).
    case unset = 0
    /// The operation succeeded; final once set.
    case ok = 1
    /// The operation failed.
    case error = 2

    /// `unset`, `ok` or `error`.
    public var description: String {
        switch self {
        case .unset: "unset"
        case .ok: "ok"
        case .error: "error"
        }
    }
}

/// The status of a span: a code and, for errors, a message.
public struct TelemetrySpanStatus: Sendable, Hashable {
    /// The status code.
    public let code: StatusCode
    /// Why the operation failed; only kept for `.error`.
    public let message: String?

    /// Creates a status; the message is dropped unless the code is `.error`.
    public init(code: StatusCode, message: String? = nil) {
        self.code = code
        self.message = code == .error ? message : nil
    }
}

/// Something that happened during a span, at a point in time.
public struct TelemetrySpanEvent: Sendable, Hashable {
    /// The event name.
    public let name: String
    /// When it happened, in nanoseconds since the Unix epoch.
    public let timeNanos: UInt64
    /// The event's attributes.
    public let attributes: [String: AttributeValue]
    /// Attributes dropped because of the attribute limit.
    public let droppedAttributesCount: Int

    /// Creates an event.
    public init(name: String, timeNanos: UInt64, attributes: [String: AttributeValue], droppedAttributesCount: Int = 0)
    {
        self.name = name
        self.timeNanos = timeNanos
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// A reference from one span to another span, possibly in another trace.
public struct TelemetrySpanLink: Sendable, Hashable {
    /// The linked span.
    public let context: SpanContext
    /// The link's attributes.
    public let attributes: [String: AttributeValue]
    /// Attributes dropped because of the attribute limit.
    public let droppedAttributesCount: Int

    /// Creates a link.
    public init(context: SpanContext, attributes: [String: AttributeValue] = [:], droppedAttributesCount: Int = 0) {
        self.context = context
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// Caps on what one span keeps; anything beyond is dropped and counted in the span's dropped counts.
public struct SpanLimits: Sendable, Hashable {
    /// Attributes kept per span (default 128).
    public var attributeCountLimit: Int
    /// Events kept per span (default 128).
    public var eventCountLimit: Int
    /// Links kept per span (default 128).
    public var linkCountLimit: Int
    /// Attributes kept per event and per link (default 128).
    public var attributePerEventCountLimit: Int

    /// Creates limits; OpenTelemetry's defaults are 128 for each.
    public init(
        attributeCountLimit: Int = 128, eventCountLimit: Int = 128, linkCountLimit: Int = 128,
        attributePerEventCountLimit: Int = 128
    ) {
        self.attributeCountLimit = attributeCountLimit
        self.eventCountLimit = eventCountLimit
        self.linkCountLimit = linkCountLimit
        self.attributePerEventCountLimit = attributePerEventCountLimit
    }
}
