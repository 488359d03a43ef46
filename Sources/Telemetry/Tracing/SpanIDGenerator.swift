/// Random trace and span ids from the calling thread's ChaCha8 stream (`ThreadRandom`): unpredictable
/// from other ids, different in every process (a forked child included), never zero.
struct SpanIDGenerator: Sendable {
    /// A new span's ids: the parent's trace id (or a new one) and a new span id, from one lookup of the
    /// thread's stream.
    func ids(inTrace parentTraceID: TraceID?) -> (TraceID, SpanID) {
        if let parentTraceID { return (parentTraceID, spanID()) }
        let (high, low, span) = ThreadRandom.nextThree()
        let traceID = TraceID(high: high, low: low)
        guard traceID.isValid, span != 0 else { return (self.traceID(), spanID()) }
        return (traceID, SpanID(span))
    }

    func traceID() -> TraceID {
        while true {
            let id = TraceID(high: ThreadRandom.next(), low: ThreadRandom.next())
            if id.isValid { return id }
        }
    }

    func spanID() -> SpanID {
        while true {
            let value = ThreadRandom.next()
            if value != 0 { return SpanID(value) }
        }
    }
}
