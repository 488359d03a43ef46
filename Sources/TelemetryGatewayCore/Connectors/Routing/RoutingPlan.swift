import TelemetryOTLPData
import TelemetryOTTL

/// Where a request routed by its contents goes: whole to one output (or dropped), or cut into a request
/// per output.
enum RoutingPlan {
    /// One output's request, reserved from the budget.
    struct Piece {
        let payload: OTLPPayload
        let lease: MemoryLease?
        /// The output (an index into the consumer's outputs).
        let output: Int
    }

    /// Every item goes to `output` (nil: dropped, no default pipelines).
    case whole(output: Int?)
    /// Each output's request, and the number of items dropped (matched by no route, no default).
    case pieces([Piece], unrouted: Int)

    private static let unassigned: Int32 = -1

    /// Why routing stopped.
    private enum Failure: Error {
        case memory
        case failed(String)
    }

    /// The plan for `item` from the route at `first` on: the request decoded once (its edits charged to
    /// the item's lease, the routing of each item reserved from the budget), each route taking the items
    /// still unrouted that it matches, the pieces encoded before the decoded request goes away — so the
    /// stages after the connector may decode a piece within the decoded size the receiver reserved.
    static func make(for item: PipelineItem, from first: Int, by consumer: RoutingConsumer) throws(Refusal) -> RoutingPlan {
        let connector = consumer.connector
        do throws(Failure) {
            let lease = item.lease
            let base = lease?.bytes ?? 0
            let request: EditableRequest
            do {
                request = try EditableRequest(item.payload) { total in lease?.resize(to: base + total) ?? true }
            } catch {
                throw Failure.memory
            }
            let count = request.itemCount
            let (workingBytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Int32>.stride)
            guard !overflow, let working = connector.budget.reserve(workingBytes + 64) else { throw Failure.memory }
            return try withExtendedLifetime(working) { () throws(Failure) -> RoutingPlan in
                let dropped = Int32(consumer.outputs.count)
                let fallback = consumer.defaultOutput.map(Int32.init) ?? dropped
                var targets = [Int32](repeating: unassigned, count: count)
                try assign(&targets, in: request, metadata: item.metadata, from: first, fallback: fallback, by: consumer)
                var present = Set<Int32>()
                for index in targets.indices {
                    if targets[index] == unassigned { targets[index] = fallback }
                    present.insert(targets[index])
                }
                guard present.count > 1 else {
                    let only = present.first ?? fallback
                    return .whole(output: only == dropped ? nil : Int(only))
                }
                var pieces: [Piece] = []
                for target in present.sorted() where target != dropped {
                    var outputLease: MemoryLease?
                    let output: OTLPPayload?
                    do throws(EditMemoryRefused) {
                        output = try request.encoded(keepingItems: { targets[$0] == target }) { bytes throws(EditMemoryRefused) in
                            guard let reserved = connector.budget.reserve(bytes + RequestIntake.itemOverhead) else { throw .outsideSession(bytes: bytes) }
                            outputLease = reserved
                        }
                    } catch {
                        throw Failure.memory
                    }
                    if let output { pieces.append(Piece(payload: output, lease: outputLease, output: Int(target))) }
                }
                return .pieces(pieces, unrouted: present.contains(dropped) ? targets.reduce(0) { $0 + ($1 == dropped ? 1 : 0) } : 0)
            }
        } catch {
            let (metrics, name, signal, count) = (connector.metrics, connector.name, consumer.signal.rawValue, item.itemCount)
            switch error {
            case .memory:
                throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot route the request now; retry later")
                    .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: signal, reason: "memory_limit") }
            case .failed(let message):
                connector.logger.warning("\(name) dropped a request: \(message)")
                throw Refusal(.invalid, reason: "processing_error", "\(name): \(message)")
                    .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: signal, reason: "error") }
            }
        }
    }

    /// Runs the routes from `first` on: each sets the output of the unassigned items it matches; a
    /// request route that matches takes every item left. An erroring condition stops the request
    /// (`propagate`) or sends the unit to `fallback` (`ignore`, logged; `silent`).
    private static func assign(
        _ targets: inout [Int32], in request: EditableRequest, metadata: RequestMetadata, from first: Int, fallback: Int32, by consumer: RoutingConsumer
    ) throws(Failure) {
        let table = consumer.connector.settings.table
        for index in first..<table.count {
            let target = Int32(consumer.routeOutputs[index])
            switch table[index].match {
            case .request(let condition):
                guard condition.matches(metadata) else { continue }
                for position in targets.indices where targets[position] == unassigned { targets[position] = target }
                return
            case .data(let context, let condition):
                do {
                    try RoutingUnits.forEach(context, in: request) { unit, range in
                        guard targets[range].contains(unassigned) else { return }
                        var matched = true
                        if let condition {
                            do throws(OTTLError) {
                                matched = try condition(unit)
                            } catch {
                                try handle(error, of: table[index], by: consumer)
                                for position in range where targets[position] == unassigned { targets[position] = fallback }
                                return
                            }
                        }
                        guard matched else { return }
                        for position in range where targets[position] == unassigned { targets[position] = target }
                    }
                } catch let failure as Failure {
                    throw failure
                } catch {
                    throw Failure.failed("\(error)")
                }
            }
        }
    }

    private static func handle(_ error: OTTLError, of route: RoutingRoute, by consumer: RoutingConsumer) throws(Failure) {
        if error.memoryRefusal != nil { throw .memory }
        switch consumer.connector.settings.errorMode {
        case .propagate: throw .failed("failed to eval condition: \(route.text), \(error.message)")
        case .ignore: consumer.connector.logger.warning("\(consumer.connector.name): failed to eval condition: \(route.text): \(error.message)")
        case .silent: break
        }
    }
}
