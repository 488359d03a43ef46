import Synchronization
import Telemetry
import TelemetryGatewayCore

/// A clock that moves only when a test says so, for the components' time logic (expiry, overload
/// advice) without sleeping.
public final class ManualGatewayClock: GatewayClock {
    private let now: Mutex<(monotonic: UInt64, wall: UInt64)>

    /// Starts at `monotonicNanos` and `wallNanos`.
    public init(monotonicNanos: UInt64 = 1_000_000_000, wallNanos: UInt64 = 1_700_000_000_000_000_000) {
        now = Mutex((monotonicNanos, wallNanos))
    }

    public var monotonicNanos: UInt64 { now.withLock { $0.monotonic } }
    public var wallNanos: UInt64 { now.withLock { $0.wall } }

    /// Moves both clocks forward by `duration` (negative durations are ignored).
    public func advance(by duration: Duration) {
        let nanos = duration.nanoseconds
        now.withLock { $0 = ($0.monotonic.addingSaturated(nanos), $0.wall.addingSaturated(nanos)) }
    }
}
