import Telemetry

/// Decisions already made, so that spans arriving after their trace was decided follow the decision:
/// kept traces in an exact ring of trace ids (with the `th` their spans carry), dropped traces in a
/// compact ring of 64-bit fingerprints. Both forget oldest-first once full; a size of 0 turns one off.
struct DecisionCaches: Sendable {
    private var kept: RingMap<TraceID, String?>
    private var dropped: RingMap<UInt64, Void>

    init(sampledSize: Int, nonSampledSize: Int) {
        kept = RingMap(capacity: sampledSize)
        dropped = RingMap(capacity: nonSampledSize)
    }

    /// The remembered decision for `traceID`.
    func lookUp(_ traceID: TraceID) -> CachedDecision {
        if let threshold = kept[traceID] { return .kept(threshold: threshold) }
        if dropped[Self.fingerprint(traceID)] != nil { return .dropped }
        return .unknown
    }

    /// Remembers `decision` for `traceID`.
    mutating func remember(_ decision: TraceDecision, for traceID: TraceID) {
        if decision.keep {
            kept.insert(decision.threshold, for: traceID)
        } else {
            dropped.insert((), for: Self.fingerprint(traceID))
        }
    }

    /// 64 bits of the trace id: both halves mixed, so ids that share one half stay apart.
    private static func fingerprint(_ traceID: TraceID) -> UInt64 {
        traceID.high &* 0x9E37_79B9_7F4A_7C15 ^ traceID.low
    }
}

/// A decision found in the caches.
enum CachedDecision: Equatable, Sendable {
    /// Kept; its spans carry this `th`.
    case kept(threshold: String?)
    /// Dropped.
    case dropped
    /// Not remembered (never decided, or forgotten).
    case unknown
}

/// A map of at most `capacity` entries that forgets the oldest insertion first.
struct RingMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var values: [Key: Value] = [:]
    private var order: [Key?]
    private var next = 0

    init(capacity: Int) {
        order = Array(repeating: nil, count: max(0, capacity))
    }

    subscript(key: Key) -> Value? { values[key] }

    mutating func insert(_ value: Value, for key: Key) {
        guard !order.isEmpty else { return }
        if values.updateValue(value, forKey: key) != nil { return }
        if let evicted = order[next] { values[evicted] = nil }
        order[next] = key
        next = (next + 1) % order.count
    }
}
