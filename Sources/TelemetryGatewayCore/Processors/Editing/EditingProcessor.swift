import Logging
import TelemetryOTLPData

/// What an editing processor does to one request of one signal: it edits the decoded request in place
/// and returns how many items it dropped, by reason (the `reason` label of
/// `telemetry_gateway_processor_dropped_items_total`).
struct RequestEdit: Sendable {
    /// Edits `request`, which came with `metadata` (what `from_context` reads).
    let apply: @Sendable (_ request: EditableRequest, _ metadata: RequestMetadata) throws(EditFailure) -> [String: Int]
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
/// allocated; an encoded request gets a lease of its own, reserved before it is packed: its bytes, and
/// its decoded size while the stages after the run may decode it.
struct EditingProcessor: GatewayProcessor {
    /// The processor's name (`attributes/redact`), for self-metrics.
    let name: String
    let metrics: GatewaySelfMetrics
    let logger: Logger
    let budget: MemoryBudget
    /// The edit of each signal it is configured for; other signals pass untouched.
    let edits: [OTLPSignal: RequestEdit]

    /// A processor built in `context` with `edits`.
    init(context: BuildContext, edits: [OTLPSignal: RequestEdit]) {
        name = context.id.description
        metrics = context.metrics
        logger = context.logger
        budget = context.budget
        self.edits = edits
    }

    var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    func consumer(signal: OTLPSignal, next: any PayloadConsumer) -> any PayloadConsumer {
        guard let edit = edits[signal] else { return next }
        return Consumer(processor: self, signal: signal, edit: edit, next: next)
    }

    /// One editing processor's stage of a pipeline. The first of a run of editing stages decodes the
    /// request once, runs every stage of the run on it in order, and encodes it once for the stage after
    /// the run (so `attributes → filter → transform → redaction` costs one decode and one encode).
    private struct Consumer: PayloadConsumer {
        let processor: EditingProcessor
        let signal: OTLPSignal
        let edit: RequestEdit
        let next: any PayloadConsumer

        func consume(_ item: PipelineItem) throws(Refusal) {
            guard !item.payload.stringsHoldNUL else {
                // protobuf-c would hand the edits a string cut at its NUL (a value redaction would then miss).
                throw Refusal(.invalid, reason: "malformed", "a string in the request holds a NUL byte (U+0000), which \(processor.name) cannot edit")
            }
            var stages = [self]
            var after = next
            while let following = after as? Consumer {
                stages.append(following)
                after = following.next
            }
            guard let (output, lease) = try edited(item, by: stages) else { return }
            guard let lease else { return try after.consume(item) }
            // While the stages after the run run, the request as received keeps its decoded size reserved (the
            // intake holds it until they return), so a stage that decodes the encoded request is covered but
            // for what editing added to its decoded size: that is held here too. Once they handed it on
            // (queued), the encoded request holds its bytes.
            let decodedGrowth = max(0, output.decodedBytesEstimate - item.payload.decodedBytesEstimate)
            let held = RequestIntake.heldBytes(output, item.metadata)
            guard lease.resize(to: held + decodedGrowth) else {
                throw memoryRefusal(count: output.itemCount, stage: self)
            }
            defer { _ = lease.resize(to: held) }
            try after.consume(PipelineItem(payload: output, lease: lease, metadata: item.metadata))
        }

        private func memoryRefusal(count: Int, stage: Consumer) -> Refusal {
            let (metrics, name, signal) = (stage.processor.metrics, stage.processor.name, signal.rawValue)
            return Refusal.retryLater(reason: "memory_limit", "the gateway cannot edit the request now; retry later")
                .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: signal, reason: "memory_limit") }
        }

        /// The request after `stages` — nil when nothing is left; its lease nil when it is the request as
        /// received — each stage's drops counted as it runs.
        private func edited(_ item: PipelineItem, by stages: [Consumer]) throws(Refusal) -> (OTLPPayload, MemoryLease?)? {
            let lease = item.lease
            let base = lease?.bytes ?? 0
            var failing = self
            do throws(EditFailure) {
                let request: EditableRequest
                do {
                    request = try EditableRequest(item.payload) { total in lease?.resize(to: base + total) ?? true }
                } catch {
                    throw EditFailure.memory(error)
                }
                for stage in stages {
                    failing = stage
                    for (reason, count) in try stage.edit.apply(request, item.metadata) where count > 0 {
                        stage.processor.metrics.processorDropped(count, processor: stage.processor.name, signal: signal.rawValue, reason: reason)
                    }
                    if request.itemCount == 0 { return nil }
                }
                var outputLease: MemoryLease?
                let output: OTLPPayload?
                do throws(EditMemoryRefused) {
                    output = try request.encoded { bytes throws(EditMemoryRefused) in
                        guard let reserved = processor.budget.reserve(bytes + RequestIntake.itemOverhead) else { throw .outsideSession(bytes: bytes) }
                        outputLease = reserved
                    }
                } catch {
                    throw EditFailure.memory(error)
                }
                return output.map { ($0, outputLease) }
            } catch {
                let (metrics, name, signal, count) = (failing.processor.metrics, failing.processor.name, signal.rawValue, item.itemCount)
                switch error {
                case .memory:
                    throw memoryRefusal(count: count, stage: failing)
                case .failed(let message):
                    failing.processor.logger.warning("\(name) dropped a request: \(message)")
                    throw Refusal(.invalid, reason: "processing_error", "\(name): \(message)")
                        .countingWhenOverruled { metrics.processorDropped(count, processor: name, signal: signal, reason: "error") }
                }
            }
        }
    }
}
