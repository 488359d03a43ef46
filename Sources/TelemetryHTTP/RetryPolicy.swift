/// When and how often a failed export is tried again: exponential backoff with jitter, bounded in
/// attempts and in total time.
public struct RetryPolicy: Sendable, Hashable {
    /// The most attempts, the first included (at least 1).
    public var maxAttempts: Int
    /// The wait before the first retry.
    public var initialBackoff: Duration
    /// The longest wait between attempts.
    public var maxBackoff: Duration
    /// The factor the wait grows by after each retry.
    public var multiplier: Double
    /// The most time from the first attempt to the start of the last one; no retry starts later.
    public var maxElapsed: Duration

    /// Creates a policy. The defaults retry up to 5 times over at most 30 seconds: 1 s, 2 s, 4 s, 8 s (each
    /// between half and the full value, randomly).
    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(8),
        multiplier: Double = 2, maxElapsed: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = max(1, multiplier)
        self.maxElapsed = maxElapsed
    }

    /// Never retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1-based), with jitter: a random value in [backoff/2, backoff].
    public func backoff(forRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        var backoff = initialBackoff
        for _ in 1..<max(1, retry) {
            backoff = min(maxBackoff, backoff * multiplier)
        }
        backoff = min(maxBackoff, backoff)
        return backoff / 2 + backoff / 2 * Double.random(in: 0...1, using: &generator)
    }
}
