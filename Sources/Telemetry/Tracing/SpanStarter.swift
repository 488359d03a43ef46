/// Starts spans for a tracer: resolves the parent, generates ids, asks the sampler, and wires the end.
package struct SpanStarter: Sendable {
    package let sampler: Sampler
    package let limits: SpanLimits
    let ids = SpanIDGenerator()

    package init(sampler: Sampler, limits: SpanLimits) {
        self.sampler = sampler
        self.limits = limits
    }

    package func start(
        _ name: String, kind: TelemetrySpanKind, parent: SpanParent, attributes: [String: AttributeValue], links: [TelemetrySpanLink],
        startTimeNanos: UInt64? = nil, onEnd: @escaping @Sendable (TelemetrySpan) -> Void
    ) -> TelemetrySpan {
        let parentContext = parent.resolve()
        let (traceID, spanID) = ids.ids(inTrace: parentContext?.traceID)
        let result = sampler.shouldSample(parent: parentContext, traceID: traceID) { parent in
            SamplingParameters(parent: parent, traceID: traceID, name: name, kind: kind, attributes: attributes, links: links)
        }
        // Keep the parent's other flags (e.g. the level-2 random bit); a new trace has a random id.
        let inheritedFlags = (parentContext?.traceFlags ?? TraceFlags.random) & ~TraceFlags.sampled
        let context = SpanContext(
            traceID: traceID, spanID: spanID,
            traceFlags: inheritedFlags | (result.decision.isSampled ? TraceFlags.sampled : 0),
            traceState: result.traceState)
        // A span that does not record is never processed when it ends, so it does not hold (retain and
        // release) the tracer's end-of-span closure.
        let isRecording = result.decision.isRecording
        return TelemetrySpan(
            name: name, context: context, parent: consume parentContext, kind: kind, attributes: attributes, links: links,
            isRecording: isRecording, limits: limits, startTimeNanos: startTimeNanos, onEnd: isRecording ? onEnd : nil)
    }
}

/// W3C trace flag bits.
enum TraceFlags {
    /// Bit 0: the trace is sampled.
    static let sampled: UInt8 = 0x01
    /// Bit 1 (Trace Context level 2): the trace id's low 56 bits are random.
    static let random: UInt8 = 0x02
}
