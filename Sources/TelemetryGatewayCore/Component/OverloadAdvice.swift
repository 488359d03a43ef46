import Synchronization
import Telemetry

/// How long clients refused for overload are told to wait (`Retry-After`, gRPC `RetryInfo`): as long
/// as the overload has lasted so far, between `minimum` and `maximum`.
///
/// A short spike costs a client one second; under a sustained overload a client that keeps retrying
/// is told 1, 1, 2, 4 … seconds, backing off about exponentially instead of coming back every second
/// and spending its few retries (the OpenTelemetry SDKs try about six times) before the overload ends.
/// The longest advice is 5 s by default: an OTLP exporter's default timeout for a whole export is 10 s,
/// and a client told to wait longer than it has left gives up at once. An overload ends when nothing
/// was refused for longer than the last advised delay plus one second.
public final class OverloadAdvice: Sendable {
    private struct Episode {
        var start: UInt64
        var lastRefusal: UInt64
        var lastDelay: UInt64
    }

    /// The shortest advised delay.
    public let minimum: Duration
    /// The longest advised delay.
    public let maximum: Duration
    private let clock: any GatewayClock
    private let episode = Mutex<Episode?>(nil)

    /// Creates advice between `minimum` and `maximum` (by default 1 s and 5 s), timed by `clock`.
    public init(minimum: Duration = .seconds(1), maximum: Duration = .seconds(5), clock: any GatewayClock = SystemGatewayClock()) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
        self.clock = clock
    }

    /// Records a refusal now and returns the delay to advise.
    public func delayForRefusal() -> Duration {
        let now = clock.monotonicNanos
        let (low, high) = (minimum.nanoseconds, maximum.nanoseconds)
        let nanos = episode.withLock { current -> UInt64 in
            var state = current ?? Episode(start: now, lastRefusal: now, lastDelay: low)
            if now.subtractingSaturated(state.lastRefusal) > state.lastDelay.addingSaturated(1_000_000_000) {
                state = Episode(start: now, lastRefusal: now, lastDelay: low)
            }
            let delay = min(high, max(low, now.subtractingSaturated(state.start)))
            state.lastRefusal = max(state.lastRefusal, now)
            state.lastDelay = delay
            current = state
            return delay
        }
        return .nanoseconds(Int64(clamping: nanos))
    }

    /// A retryable refusal carrying the advised delay.
    public func refusal(reason: String, _ message: String) -> Refusal {
        .retryLater(after: delayForRefusal(), reason: reason, message)
    }
}
