import Synchronization

/// How long clients refused for overload are told to wait (`Retry-After`, gRPC `RetryInfo`): as long
/// as the overload has lasted so far, between `minimum` and `maximum`.
///
/// A short spike costs a client one second; under a sustained overload a client that keeps retrying
/// is told 1, 1, 2, 4, 8 … seconds, backing off about exponentially instead of coming back every second
/// and spending its few retries (the OpenTelemetry SDKs try about six times) before the overload ends.
/// The longest advice is 5 s by default: an OTLP exporter's default timeout for a whole export is 10 s,
/// and a client told to wait longer than it has left gives up at once. An overload ends when nothing
/// was refused for longer than the last advised delay plus one second.
public final class OverloadAdvice: Sendable {
    private struct Episode {
        var start: ContinuousClock.Instant
        var lastRefusal: ContinuousClock.Instant
        var lastDelay: Duration
    }

    /// The shortest advised delay.
    public let minimum: Duration
    /// The longest advised delay.
    public let maximum: Duration
    private let episode = Mutex<Episode?>(nil)

    /// Creates advice between `minimum` and `maximum` (by default 1 s and 5 s).
    public init(minimum: Duration = .seconds(1), maximum: Duration = .seconds(5)) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
    }

    /// Records a refusal at `now` and returns the delay to advise.
    public func delayForRefusal(at now: ContinuousClock.Instant = .now) -> Duration {
        episode.withLock { current in
            var state = current ?? Episode(start: now, lastRefusal: now, lastDelay: minimum)
            if now - state.lastRefusal > state.lastDelay + .seconds(1) {
                state = Episode(start: now, lastRefusal: now, lastDelay: minimum)
            }
            let lasted = now - state.start
            let delay = min(maximum, max(minimum, lasted))
            state.lastRefusal = max(state.lastRefusal, now)
            state.lastDelay = delay
            current = state
            return delay
        }
    }

    /// A retryable refusal carrying the advised delay.
    public func refusal(reason: String, _ message: String, at now: ContinuousClock.Instant = .now) -> Refusal {
        .retryLater(after: delayForRefusal(at: now), reason: reason, message)
    }
}
