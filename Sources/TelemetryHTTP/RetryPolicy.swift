/// When and how often a failed export is tried again: exponential backoff with jitter, bounded in
/// attempts and in total time — or, for a queue that keeps what it holds until delivered
/// (`untilDelivered`), bounded only in the wait between attempts.
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
    /// Whether retries go on until the data is delivered (or the loop is cancelled at shutdown): no
    /// attempt or time limit, and a server-requested delay is shortened to `maxBackoff`.
    package private(set) var retriesUntilDelivered = false

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

    /// Retries until delivered or cancelled: the disk queue's policy. Waits grow from `initialBackoff`
    /// by `multiplier` up to `maxBackoff` (at least `initialBackoff`), with the same jitter as any policy.
    package static func untilDelivered(initialBackoff: Duration, maxBackoff: Duration, multiplier: Double = 2) -> RetryPolicy {
        var policy = RetryPolicy(
            maxAttempts: .max, initialBackoff: initialBackoff, maxBackoff: max(initialBackoff, maxBackoff), multiplier: multiplier,
            maxElapsed: .seconds(Int64.max))
        policy.retriesUntilDelivered = true
        return policy
    }

    /// The wait before retry number `retry` (1-based), with jitter: a random value in [backoff/2, backoff].
    public func backoff(forRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        var backoff = min(maxBackoff, initialBackoff)
        var step = 1
        while step < retry, backoff < maxBackoff, multiplier > 1 {
            // Compared before multiplying, so no multiplier can overflow `Duration`.
            backoff = backoff > maxBackoff / multiplier ? maxBackoff : min(maxBackoff, backoff * multiplier)
            step += 1
        }
        return backoff / 2 + backoff / 2 * Double.random(in: 0...1, using: &generator)
    }
}
