import Telemetry

/// The time components read for their own logic (series expiry, overload advice), so that tests can
/// move it by hand instead of sleeping (`ManualGatewayClock` in TelemetryGatewayTesting).
public protocol GatewayClock: Sendable {
    /// Nanoseconds on a clock that never jumps, for durations.
    var monotonicNanos: UInt64 { get }
    /// Nanoseconds since the Unix epoch.
    var wallNanos: UInt64 { get }
}

/// The machine's clocks (`CLOCK_MONOTONIC`, `CLOCK_REALTIME`).
public struct SystemGatewayClock: GatewayClock {
    /// Creates the system clock.
    public init() {}

    public var monotonicNanos: UInt64 { WallClock.monotonicNanos() }
    public var wallNanos: UInt64 { WallClock.nowNanos() }
}
