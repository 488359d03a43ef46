import Telemetry

/// Shuts removed endpoints down one after another on a single thread, so endpoints that come and go
/// (a DNS name whose addresses flap) cost one thread at most, not one each. A removed route's queues
/// were drained and its retries interrupted when it was removed, so each shutdown is short.
final class RouteRetirement: Sendable {
    private struct State: Sendable {
        var pending: [EndpointRoute] = []
        var worker: WorkerThread?
    }

    /// The longest one removed route may take to finish its send in flight.
    static let shutdownTimeNanos: UInt64 = 30_000_000_000

    private let state = LockedValue(State())

    /// Shuts `route` down after those before it.
    func retire(_ route: EndpointRoute) {
        state.withLock { state in
            state.pending.append(route)
            guard state.worker == nil else { return }
            let worker = WorkerThread { [self] in
                while let next = takeNext() {
                    _ = next.shutdown(deadlineNanos: WallClock.monotonicNanos().addingSaturated(Self.shutdownTimeNanos))
                }
            }
            // No thread to be had (the process is at its limit): abort the routes now instead.
            if worker.isRunning {
                state.worker = worker
            } else {
                state.pending.forEach { $0.abort() }
                state.pending = []
            }
        }
    }

    /// Waits until every route handed over so far is shut down.
    func wait() {
        while let worker = state.withLock({ $0.worker }) {
            worker.join()
        }
    }

    private func takeNext() -> EndpointRoute? {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                // The worker ends: the next route retired starts another.
                state.worker = nil
                return nil
            }
            return state.pending.removeFirst()
        }
    }
}
