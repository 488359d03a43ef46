import Telemetry
import TelemetryGatewayCore
import TelemetryOTLPData

/// An exporter that keeps every payload it is given, for in-process gateway tests: use it in YAML under
/// the type its `InProcessGateway` registers (`memory`). It can be told to refuse, as a full queue would.
public final class InMemoryExporter: GatewayExporter, PayloadConsumer {
    private let state = LockedValue(State())

    private struct State: Sendable {
        var payloads: [OTLPPayload] = []
        var metadata: [RequestMetadata] = []
        var refusal: Refusal?
        var shutDown = false
    }

    /// Creates an empty exporter.
    public init() {}

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    /// Every payload taken, in order.
    public var payloads: [OTLPPayload] { state.withLock { $0.payloads } }

    /// The request metadata of every payload taken, in the same order as `payloads`.
    public var metadata: [RequestMetadata] { state.withLock { $0.metadata } }

    /// The payloads of one signal.
    public func payloads(_ signal: OTLPSignal) -> [OTLPPayload] { payloads.filter { $0.signal == signal } }

    /// The items (spans, data points, log records) taken of `signal`.
    public func itemCount(_ signal: OTLPSignal) -> Int { payloads(signal).reduce(0) { $0 + $1.itemCount } }

    /// Whether `shutdown` was called.
    public var isShutDown: Bool { state.withLock { $0.shutDown } }

    /// Refuses every later item with `refusal` (`nil` to take them again).
    public func refuse(with refusal: Refusal?) { state.withLock { $0.refusal = refusal } }

    public func consumer(for signal: OTLPSignal, batch: BatchSettings) throws(GatewayError) -> any PayloadConsumer { self }

    public func consume(_ item: PipelineItem) throws(Refusal) {
        let refusal = state.withLock { state -> Refusal? in
            if let refusal = state.refusal { return refusal }
            state.payloads.append(item.payload)
            state.metadata.append(item.metadata)
            return nil
        }
        if let refusal { throw refusal }
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        state.withLock { $0.shutDown = true }
        return true
    }

    public func abort() {}
}
