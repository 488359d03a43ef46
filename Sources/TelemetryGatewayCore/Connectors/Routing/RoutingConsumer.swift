import TelemetryOTLPData
import TelemetryOTTL

/// One pipeline's way into a `routing` connector. Leading `context: request` routes decide on the
/// request's metadata alone, so a request they route goes on as it is (same payload, lease and
/// metadata: nothing is decoded). Otherwise the request is decoded once, each route in order takes the
/// items still unrouted that it matches, and what is left goes to the default output; a request all of
/// whose items go one way goes on as it is, else each output gets a request of its own, encoded from
/// the decoded one (each reserved from the memory budget before it is packed), with the metadata kept.
struct RoutingConsumer: PayloadConsumer {
    let connector: RoutingConnector
    let signal: OTLPSignal
    /// The output of each route (an index into `outputs`).
    let routeOutputs: [Int]
    /// The output of what no route takes; nil when it is dropped.
    let defaultOutput: Int?
    /// The outputs: the heads of the pipelines of each distinct set of pipelines.
    let outputs: [any PayloadConsumer]

    func consume(_ item: PipelineItem) throws(Refusal) {
        for (index, route) in connector.settings.table.enumerated() {
            guard case .request(let condition) = route.match else { return try routeItems(of: item, from: index) }
            if condition.matches(item.metadata) { return try deliver(item, to: routeOutputs[index]) }
        }
        try deliver(item, to: defaultOutput)
    }

    private func deliver(_ item: PipelineItem, to output: Int?) throws(Refusal) {
        guard let output else { return countUnrouted(item.itemCount) }
        try outputs[output].consume(item)
    }

    private func countUnrouted(_ count: Int) {
        guard count > 0 else { return }
        connector.metrics.processorDropped(count, processor: connector.name, signal: signal.rawValue, reason: "no_route")
    }

    /// Routes `item` by its contents, from the route at `first` on. A refusal of any output goes back up
    /// (the client sends the whole request again, as the Collector returns the joined errors).
    private func routeItems(of item: PipelineItem, from first: Int) throws(Refusal) {
        guard !item.payload.stringsHoldNUL else {
            // protobuf-c would cut such a string at its NUL in a request cut into pieces.
            throw Refusal(.invalid, reason: "malformed", "a string in the request holds a NUL byte (U+0000), which \(connector.name) cannot route")
        }
        switch try RoutingPlan.make(for: item, from: first, by: self) {
        case .whole(let output):
            try deliver(item, to: output)
        case .pieces(let pieces, let unrouted):
            countUnrouted(unrouted)
            var refusal: Refusal?
            for piece in pieces {
                do throws(Refusal) {
                    try outputs[piece.output].consume(PipelineItem(payload: piece.payload, lease: piece.lease, metadata: item.metadata))
                } catch {
                    refusal = refusal.map { $0.merging(error) } ?? error
                }
            }
            if let refusal { throw refusal }
        }
    }
}
