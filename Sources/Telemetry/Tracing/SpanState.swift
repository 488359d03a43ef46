/// The mutable part of a span, guarded by the span's lock.
struct SpanState: Sendable {
    var name: String
    var attributes = AttributeMap()
    var events: [TelemetrySpanEvent] = []
    var links: [TelemetrySpanLink] = []
    var status = TelemetrySpanStatus(code: .unset)
    var endTimeNanos: UInt64?
    var droppedAttributes = 0
    var droppedEvents = 0
    var droppedLinks = 0

    init(name: String) {
        self.name = name
    }

    mutating func setAttribute(_ key: String, _ value: AttributeValue, limits: SpanLimits) {
        if !attributes.set(key, value, limit: limits.attributeCountLimit) { droppedAttributes += 1 }
    }

    mutating func addEvent(_ name: String, _ attributes: [String: AttributeValue], timeNanos: UInt64, limits: SpanLimits)
    {
        guard events.count < limits.eventCountLimit else {
            droppedEvents += 1
            return
        }
        let (kept, dropped) = Self.capped(attributes, limit: limits.attributePerEventCountLimit)
        events.append(TelemetrySpanEvent(name: name, timeNanos: timeNanos, attributes: kept, droppedAttributesCount: dropped))
    }

    mutating func addLink(_ link: TelemetrySpanLink, limits: SpanLimits) {
        guard links.count < limits.linkCountLimit else {
            droppedLinks += 1
            return
        }
        let (kept, dropped) = Self.capped(link.attributes, limit: limits.attributePerEventCountLimit)
        links.append(
            TelemetrySpanLink(
                context: link.context, attributes: kept,
                droppedAttributesCount: link.droppedAttributesCount + dropped))
    }

    mutating func setStatus(_ newStatus: TelemetrySpanStatus) {
        guard status.code != .ok, newStatus.code != .unset else { return }
        status = newStatus
    }

    /// Keeps at most `limit` attributes (the first ones in key order, so the choice is deterministic).
    private static func capped(
        _ attributes: [String: AttributeValue], limit: Int
    ) -> (kept: [String: AttributeValue], dropped: Int) {
        guard attributes.count > limit else { return (attributes, 0) }
        let kept = attributes.sorted { $0.key < $1.key }.prefix(limit)
        return (Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) }), attributes.count - limit)
    }
}
