import GRPCCore
import Synchronization
import TelemetryGatewayCore

/// What `GRPCStreamGate` decided about one stream's message, for the RPC handler: the reservation that
/// covers the message once delivered, or that the budget could not cover it.
final class GRPCStreamAdmission: Sendable {
    private struct State {
        var message: MemoryLease?
        var refused = false
    }

    private let state = Mutex(State())

    /// The message was let in with `lease` reserved for it (called on the stream's event loop).
    func admit(_ lease: MemoryLease) {
        state.withLock { $0.message = lease }
    }

    /// The budget could not cover the message: it is not read, and the stream ends without it.
    func refuse() {
        state.withLock { $0.refused = true }
    }

    /// Whether the message was refused for memory.
    var isRefused: Bool { state.withLock { $0.refused } }

    /// The message's reservation, shrunk to `bytes` (the copy the handler holds), for the handler to
    /// hand on with the request; nil when there is none or it cannot hold `bytes`.
    func takeMessageLease(holding bytes: Int) -> MemoryLease? {
        guard let lease = state.withLock({ $0.message.take() }), lease.resize(to: bytes) else { return nil }
        return lease
    }
}

/// The admissions of the streams being received, found by the RPC handler from the ticket the gate puts
/// in each stream's headers (replacing any the client sent).
final class GRPCStreamAdmissions: Sendable {
    /// The metadata key of the ticket.
    static let ticketKey = "telemetry-gateway-stream"

    private let streams = Mutex<[UInt64: GRPCStreamAdmission]>([:])
    private let lastTicket = Atomic<UInt64>(0)

    /// Registers `admission`; returns its ticket.
    func register(_ admission: GRPCStreamAdmission) -> UInt64 {
        let ticket = lastTicket.wrappingAdd(1, ordering: .relaxed).newValue
        streams.withLock { $0[ticket] = admission }
        return ticket
    }

    /// Forgets a stream (it ended).
    func remove(_ ticket: UInt64) {
        _ = streams.withLock { $0.removeValue(forKey: ticket) }
    }

    /// The admission of the stream whose headers are `metadata`, forgotten from here.
    func take(_ metadata: Metadata) -> GRPCStreamAdmission? {
        guard let text = metadata[stringValues: Self.ticketKey].first(where: { _ in true }), let ticket = UInt64(text) else { return nil }
        return streams.withLock { $0.removeValue(forKey: ticket) }
    }
}
