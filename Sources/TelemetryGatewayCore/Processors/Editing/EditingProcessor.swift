import Logging
import TelemetryOTLPData

/// What an editing processor does to one request of one signal: it edits the decoded request in place
/// and returns how many items it dropped, by reason (the `reason` label of
/// `telemetry_gateway_processor_dropped_items_total`).
struct RequestEdit: Sendable {
    /// Edits `request`.
    let apply: @Sendable (_ request: EditableRequest) throws(EditFailure) -> [String: Int]
}

/// Why an edit could not be made.
enum EditFailure: Error {
    /// The memory budget refused what the edit needed: the client sends the request again later.
    case memory(EditMemoryRefused)
    /// A statement failed with `error_mode: propagate`: the request is dropped and the client told
    /// it is invalid (the Collector drops it too and returns the error).
    case failed(String)
}

/// The processors that change data on the way (`attributes`, `resource`, `filter`, `transform`,
/// `redaction`): each request is decoded once (the receiver reserved its decoded size, as for every
/// processor that `decodesPayloads`), edited in place, and encoded once; a request no edit changed goes
/// on as its original bytes. What edits allocate is charged to the request's lease before it is
/// allocated; a larger encoded request keeps its growth charged for as long as it is queued.
struct EditingProcessor: GatewayProcessor {
    /// The processor's name (`attributes/redact`), for self-metrics.
    let name: String
    let metrics: GatewaySelfMetrics
    let logger: Logger
    /// The edit of each signal it is configured for; other signals pass untouched.
    let edits: [OTLPSignal: RequestEdit]

    var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer {
        guard let edit = edits[signal] else { return next }
        return Consumer(processor: self, signal: signal, edit: edit, next: next)
    }

    private struct Consumer: PayloadConsumer {
        let processor: EditingProcessor
        let signal: OTLPSignal
        let edit: RequestEdit
        let next: any PayloadConsumer

        func consume(_ item: PipelineItem) throws(Refusal) {
            let (output, dropped) = try edited(item)
            for (reason, count) in dropped where count > 0 {
                processor.metrics.processorDropped(count, processor: processor.name, signal: signal.rawValue, reason: reason)
            }
            guard let output else { return }
            try next.consume(output.bytes == item.payload.bytes ? item : PipelineItem(payload: output, lease: item.lease))
        }

        /// The edited request (nil when nothing is left) and the drops by reason.
        private func edited(_ item: PipelineItem) throws(Refusal) -> (OTLPPayload?, [String: Int]) {
            let lease = item.lease
            let base = lease?.bytes ?? 0
            var growth = 0
            do throws(EditFailure) {
                let request: EditableRequest
                do {
                    request = try EditableRequest(item.payload) { total in lease?.resize(to: base + growth + total) ?? true }
                } catch {
                    throw EditFailure.memory(error)
                }
                let dropped = try edit.apply(request)
                let output: OTLPPayload?
                do { output = try request.encoded() } catch { throw EditFailure.memory(error) }
                // Kept charged once the edit's memory is released (the session's last `reserve(0)`).
                growth = max(0, (output?.bytes.count ?? 0) - item.payload.bytes.count)
                return (output, dropped)
            } catch {
                switch error {
                case .memory:
                    let (metrics, name, signal, count) = (processor.metrics, processor.name, signal.rawValue, item.itemCount)
                    throw Refusal.retryLater(reason: "memory_limit", "the gateway cannot edit the request now; retry later")
                        .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: signal, reason: "memory_limit") }
                case .failed(let message):
                    processor.logger.warning("\(processor.name) dropped a request: \(message)")
                    let (metrics, name, signal, count) = (processor.metrics, processor.name, signal.rawValue, item.itemCount)
                    throw Refusal(.invalid, reason: "processing_error", "\(processor.name): \(message)")
                        .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: signal, reason: "error") }
                }
            }
        }
    }
}
