/// Random trace and span ids from the calling thread's ChaCha8 stream (`ThreadRandom`): unpredictable
/// from other ids, different in every process (a forked child included), never zero.
struct SpanIDGenerator: Sendable {
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
