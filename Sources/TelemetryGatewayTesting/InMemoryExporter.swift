import Telemetry
import TelemetryGatewayCore
import TelemetryOTLPData

/// An exporter that keeps every payload it is given, for in-process gateway tests: use it in YAML under
/// the type its `InProcessGateway` registers (`memory`). It can be told to refuse, as a full queue would.
/// `memory/<name>` entries are exporters of their own (`named("memory/a")`) that also record into this one.
public final class InMemoryExporter: GatewayExporter, PayloadConsumer {
    private let state = LockedValue(State())
    private let parent: InMemoryExporter?

    private struct State: Sendable {
        var payloads: [OTLPPayload] = []
        var metadata: [RequestMetadata] = []
        var refusal: Refusal?
        var shutDown = false
        var children: [String: InMemoryExporter] = [:]
    }

    /// Creates an empty exporter.
    public init() {
        parent = nil
    }

    private init(parent: InMemoryExporter) {
        self.parent = parent
    }

    /// The exporter configured as `id` (`memory/a`): made on first use, recording into this one too.
    public func named(_ id: String) -> InMemoryExporter {
        state.withLock { state in
            if let child = state.children[id] { return child }
            let child = InMemoryExporter(parent: self)
            state.children[id] = child
            return child
        }
    }

    /// The request metadata of each payload taken, in the same order as `payloads`.
    public var metadata: [RequestMetadata] { state.withLock { $0.metadata } }

    public var signals: Set<OTLPSignal> { Set(OTLPSignal.allCases) }

    /// Every payload taken, in order.
    public var payloads: [OTLPPayload] { state.withLock { $0.payloads } }

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
        parent?.record(item)
    }

    private func record(_ item: PipelineItem) {
        state.withLock { state in
            state.payloads.append(item.payload)
            state.metadata.append(item.metadata)
        }
    }

    public func shutdown(deadlineNanos: UInt64) -> Bool {
        state.withLock { $0.shutDown = true }
        return true
    }

    public func abort() {}
}
