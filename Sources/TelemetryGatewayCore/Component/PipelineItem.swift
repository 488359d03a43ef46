import TelemetryOTLPData

/// What flows through a pipeline: one validated request and the memory it holds.
public struct PipelineItem: Sendable {
    /// The request.
    public var payload: OTLPPayload
    /// The memory reserved for the payload; it returns to the budget when the last copy of the item
    /// (in any exporter's queue) goes away.
    public let lease: MemoryLease?
    /// The request's headers / gRPC metadata, when its receiver has `include_metadata: true`.
    public var metadata: RequestMetadata

    /// Creates an item.
    public init(payload: OTLPPayload, lease: MemoryLease? = nil, metadata: RequestMetadata = .empty) {
        self.payload = payload
        self.lease = lease
        self.metadata = metadata
    }

    /// The signal.
    public var signal: OTLPSignal { payload.signal }
    /// Spans, data points or log records in it.
    public var itemCount: Int { payload.itemCount }
}

/// Takes pipeline items of one signal: processors and exporters are consumers.
public protocol PayloadConsumer: Sendable {
    /// Takes `item`, or refuses it. Never waits for a backend: exporters only queue.
    func consume(_ item: PipelineItem) throws(Refusal)
}

/// Hands each item to several consumers (the exporters of a pipeline, or the pipelines fed by one
/// receiver). It refuses when every consumer refused, or when a must-keep consumer (a disk queue with
/// `when_full: block`) refused: that one promised the client keeps the data, so the request is
/// answered 429 / UNAVAILABLE even though other consumers took it (they get it again with the
/// client's retry, as in the Collector's fanoutconsumer, which returns the combined error). Otherwise
/// one dead backend never blocks the others: when some consumer took the item, the refusals of the
/// others are counted as their drops.
public struct FanoutConsumer: PayloadConsumer {
    /// The consumers, in order.
    public let consumers: [any PayloadConsumer]

    /// Creates a fan-out.
    public init(_ consumers: [any PayloadConsumer]) {
        self.consumers = consumers
    }

    public func consume(_ item: PipelineItem) throws(Refusal) {
        if consumers.count == 1 {
            try consumers[0].consume(item)
            return
        }
        var refusals: [Refusal] = []
        var accepted = false
        for consumer in consumers {
            do throws(Refusal) {
                try consumer.consume(item)
                accepted = true
            } catch {
                refusals.append(error)
            }
        }
        if let kept = refusals.firstIndex(where: \.isMustKeep) {
            // The must-keep refusal answers; it carries the others' counts for whoever overrules it later.
            throw refusals.indices.reduce(refusals[kept]) { answer, index in index == kept ? answer : answer.merging(refusals[index]) }
        }
        if accepted {
            for refusal in refusals { refusal.overruled() }
        } else if let first = refusals.first {
            throw refusals.dropFirst().reduce(first) { $0.merging($1) }
        }
    }
}
