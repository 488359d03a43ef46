/// A token bucket: `perSecond` tokens per second, holding at most one second's worth (at least one
/// token, so rates below 1/s still pass one now and then). A rate of 0 passes nothing.
final class RateLimiter: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var lastRefillNanos: UInt64
    }

    let perSecond: Double
    private let bucket: LockedValue<Bucket>
    private let clock: @Sendable () -> UInt64

    init(perSecond: Double, clock: @escaping @Sendable () -> UInt64 = WallClock.monotonicNanos) {
        self.perSecond = perSecond.isFinite ? max(0, perSecond) : 0
        self.clock = clock
        bucket = LockedValue(Bucket(tokens: self.perSecond > 0 ? max(1, self.perSecond) : 0, lastRefillNanos: clock()))
    }

    /// Takes a token if one is available.
    func tryAcquire() -> Bool {
        guard perSecond > 0 else { return false }
        let now = clock()
        let capacity = max(1, perSecond)
        return bucket.withLock { bucket in
            let elapsed = Double(now.subtractingSaturated(bucket.lastRefillNanos)) / 1e9
            bucket.tokens = min(capacity, bucket.tokens + elapsed * perSecond)
            bucket.lastRefillNanos = now
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
