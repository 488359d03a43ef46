import Telemetry
import TelemetryHTTP
import TelemetryOTLPData

/// Turns one received request body into a pipeline item and hands it on: decompression bounded by the
/// body limit, decoding with the decode limits, metric points checked one by one, and every byte held
/// reserved in the memory budget. Shared by the HTTP and gRPC receivers.
public struct RequestIntake: Sendable {
    /// The largest body, before and after decompression.
    public let maxBodyBytes: Int
    /// Nesting and decoded-size limits.
    public let decodeLimits: DecodeLimits
    /// Where accepted items go, by signal (signals without a pipeline are refused).
    public let pipelines: [OTLPSignal: any PayloadConsumer]
    /// The in-flight memory budget.
    public let budget: MemoryBudget
    /// The receiver's name in self-metrics.
    public let receiver: String
    /// The signals whose requests are decoded on the way (metrics always, to check their points; traces
    /// when a pipeline samples): their decoded size is reserved too while they are processed.
    public let decodedSignals: Set<OTLPSignal>
    package let metrics: GatewaySelfMetrics

    /// Creates an intake.
    public init(
        maxBodyBytes: Int, decodeLimits: DecodeLimits, pipelines: [OTLPSignal: any PayloadConsumer], budget: MemoryBudget,
        receiver: String, decodedSignals: Set<OTLPSignal>, metrics: GatewaySelfMetrics
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.decodeLimits = decodeLimits
        self.pipelines = pipelines
        self.budget = budget
        self.receiver = receiver
        self.decodedSignals = decodedSignals.union([.metrics])
        self.metrics = metrics
    }

    /// How a request ended.
    public enum Outcome: Sendable {
        /// Accepted (with the items left out as invalid, if any).
        case accepted(OTLPPartialSuccess?)
        /// Refused: overload (retry) or invalid data.
        case refused(Refusal)
        /// The body is larger than allowed (before or after decompression).
        case tooLarge(String)
    }

    /// Processes a complete body of `signal`. `lease` already holds the compressed body's bytes and the
    /// `textBytes` of `metadata` (it is resized as the request grows in memory, and handed on with the
    /// item, which carries `metadata`).
    public func process(
        _ body: [UInt8], signal: OTLPSignal, gzip: Bool, json: Bool, lease: MemoryLease, metadata: RequestMetadata = .empty
    ) -> Outcome {
        guard let pipeline = pipelines[signal] else {
            return .refused(Refusal(.invalid, reason: "no_pipeline", "this gateway has no \(signal.rawValue) pipeline"))
        }
        var bytes = body
        if gzip {
            // The decompressed output is reserved before its storage is allocated or grown.
            let held = lease.bytes
            do throws(Gzip.Failure) {
                bytes = try Gzip.decompress(body, limit: maxBodyBytes) { lease.resize(to: held + $0) }
            } catch .tooLarge {
                return .tooLarge("the decompressed body is larger than \(maxBodyBytes) bytes")
            } catch .refused {
                return .refused(memoryRefusal)
            } catch {
                return .refused(Refusal(.invalid, reason: "malformed", "the gzip body is invalid: \(error)"))
            }
            lease.resize(to: held + bytes.capacity)
        }
        let payload: OTLPPayload
        do throws(OTLPDecodeError) {
            // The JSON decoder's buffers are charged to the lease before they are allocated.
            let held = lease.bytes
            payload = json
                ? try OTLPPayload(json: bytes, signal: signal, limits: decodeLimits) { lease.resize(to: held + $0) }
                : try OTLPPayload(validating: bytes, signal: signal, limits: decodeLimits)
        } catch where error.kind == .memoryLimit {
            return .refused(memoryRefusal)
        } catch {
            return .refused(Refusal(.invalid, reason: error.kind.rawValue, error.description))
        }
        // While it is processed, the request holds its bytes, and its decoded size if it is decoded.
        let decoded = decodedSignals.contains(signal) ? payload.decodedBytesEstimate : 0
        guard lease.resize(to: max(lease.bytes, payload.bytes.count + decoded + metadata.textBytes)) else {
            metrics.refused(payload.itemCount, receiver: receiver, signal: signal.rawValue, reason: "memory_limit")
            return .refused(memoryRefusal)
        }
        defer { lease.resize(to: Self.heldBytes(payload, metadata)) }
        return forward(payload, to: pipeline, lease: lease, metadata: metadata)
    }

    /// Bytes every queued item is charged beyond its payload, so that empty requests are bounded too.
    public static let itemOverhead = 256

    /// What a queued item of `payload` and `metadata` holds: its bytes, the item overhead and the metadata.
    public static func heldBytes(_ payload: OTLPPayload, _ metadata: RequestMetadata) -> Int {
        payload.bytes.count + itemOverhead + metadata.textBytes
    }

    /// The threads each receiver processes requests on: more than this machine's cores, so that a few large
    /// requests (each linear in its size and charged in the budget) do not hold every worker while small
    /// ones wait behind them. The budget, not the thread count, bounds memory.
    public static let processingThreads = 8

    private var memoryRefusal: Refusal {
        budget.overload.refusal(reason: "memory_limit", "the gateway is at its memory limit; retry later")
    }

    private func forward(
        _ received: OTLPPayload, to pipeline: any PayloadConsumer, lease: MemoryLease, metadata: RequestMetadata
    ) -> Outcome {
        var payload: OTLPPayload? = received
        var partial: OTLPPartialSuccess?
        if received.signal == .metrics {
            do throws(OTLPDecodeError) {
                let validation = try MetricsView(received).validated()
                payload = validation.payload
                if validation.rejected > 0 {
                    metrics.rejected(validation.rejected, receiver: receiver, signal: "metrics")
                    partial = OTLPPartialSuccess(rejected: validation.rejected, message: validation.firstReason ?? "invalid data points")
                }
            } catch {
                return .refused(memoryRefusal)
            }
        }
        guard let payload, payload.itemCount > 0 else { return .accepted(partial) }
        do throws(Refusal) {
            try pipeline.consume(PipelineItem(payload: payload, lease: lease, metadata: metadata))
        } catch {
            metrics.refused(payload.itemCount, receiver: receiver, signal: payload.signal.rawValue, reason: error.reason)
            return error.reason == Refusal.tooLargeReason ? .tooLarge(error.message) : .refused(error)
        }
        metrics.received(payload.itemCount, receiver: receiver, signal: payload.signal.rawValue)
        return .accepted(partial)
    }
}
