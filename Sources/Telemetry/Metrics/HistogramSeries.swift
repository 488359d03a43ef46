import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension TelemetryHistogram {
    /// One series of a histogram: a handle that records without looking up labels.
    ///
    /// Reads are consistent without a lock on the write path (the scheme of Prometheus' Go client):
    /// observations go to the "hot" of two shards, and an observation's bucket count, added last with
    /// release order, marks it finished. A reader flips which shard is hot, waits the few nanoseconds
    /// until the cold shard's bucket counts add up to every observation that started on it, reads it
    /// (count, buckets, sum, minimum and maximum of exactly the same observations), then folds it into
    /// the hot shard and empties it. An observation costs three atomic read-modify-writes (start, sum,
    /// bucket); the minimum and maximum are only written when they change.
    public final class Series: TableSeries {
        // Internal but usable from inlinable code: `observe` is inlined into the caller.
        @usableFromInline let bounds: [Double]
        /// The hot shard's index in the top bit; observations started, in the other 63.
        @usableFromInline let countAndHotIndex = Atomic<UInt64>(0)
        @usableFromInline let shards: [HistogramShard]
        /// Serialises readers, and holds the last read with the count of observations it covers: a series
        /// nothing was observed in since is read without flipping shards.
        private let readers = LockedValue<(count: UInt64, value: HistogramValue)?>(nil)
        private let context: MetricContext
        private let start = SeriesStart()

        init(bounds: [Double], context: MetricContext) {
            self.bounds = bounds
            shards = [HistogramShard(buckets: bounds.count + 1), HistogramShard(buckets: bounds.count + 1)]
            self.context = context
        }

        /// Records one observation; NaN and infinite values record nothing and are counted as rejected.
        /// Inlined into the caller: a bucket search and three atomic updates.
        @inlinable
        public func observe(_ value: Double) {
            guard value.isFinite else {
                reject(value)
                return
            }
            record(value)
        }

        @usableFromInline @inline(never)
        func reject(_ value: Double) {
            context.rejectValue("histogram observation \(value) is not finite")
        }

        @inlinable
        func record(_ value: Double) {
            let started = countAndHotIndex.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
            shards.withUnsafeBufferPointer { shards in
                shards[Int(started >> 63)].record(value, bucket: bucketIndex(for: value))
            }
        }

        @inlinable
        func bucketIndex(for value: Double) -> Int {
            var low = 0
            var high = bounds.count
            while low < high {
                let middle = (low + high) / 2
                if value <= bounds[middle] { high = middle } else { low = middle + 1 }
            }
            return low
        }

        /// The current buckets, sum, count, minimum and maximum, all of the same observations.
        public func get() -> HistogramValue {
            withCurrentValue { $0 }
        }

        /// Copies the current bucket counts (one per bucket, not cumulative; as many as `counts` holds) to
        /// `counts` and returns the sum, minimum and maximum of the same observations, without copying the
        /// value's arrays.
        func read(into counts: UnsafeMutableBufferPointer<UInt64>) -> (sum: Double, min: Double?, max: Double?) {
            withCurrentValue { value in
                value.bucketCounts.withUnsafeBufferPointer { source in
                    guard let first = source.baseAddress, let target = counts.baseAddress else { return }
                    target.update(from: first, count: Swift.min(source.count, counts.count))
                }
                return (value.sum, value.min, value.max)
            }
        }

        /// Calls `body` with the current value, under the readers' lock.
        private func withCurrentValue<Result>(_ body: (HistogramValue) -> Result) -> Result {
            readers.withLock { last in
                if let last, last.count == countAndHotIndex.load(ordering: .acquiring) & Self.countMask {
                    return body(last.value)
                }
                let flipped = countAndHotIndex.wrappingAdd(1 << 63, ordering: .acquiringAndReleasing).oldValue
                let started = flipped & Self.countMask
                let cold = shards[Int(flipped >> 63)]
                let hot = shards[Int(flipped >> 63) ^ 1]
                cold.waitUntilCompleted(started)
                let value = cold.value(bounds: bounds)
                hot.absorb(cold)
                last = (started, value)
                return body(value)
            }
        }

        private static let countMask: UInt64 = (1 << 63) - 1

        var startTimeNanos: UInt64 { start.value }

        var hasData: Bool { countAndHotIndex.load(ordering: .relaxed) & Self.countMask != 0 }

        func restart() {
            readers.withLock { last in
                let hotIndex = countAndHotIndex.load(ordering: .acquiring) & ~Self.countMask
                for shard in shards { shard.reset() }
                countAndHotIndex.store(hotIndex, ordering: .releasing)
                last = nil
            }
            start.restart()
        }
    }
}

/// One of a histogram series' two shards: bucket counts, sum, minimum and maximum. The bucket counts
/// add up to the observations it holds completely.
@usableFromInline
final class HistogramShard: Sendable {
    @usableFromInline let counts: AtomicCounterArray
    @usableFromInline let sum = AtomicDouble(0)
    @usableFromInline let minimum = AtomicDouble(.infinity)
    @usableFromInline let maximum = AtomicDouble(-.infinity)

    init(buckets: Int) {
        counts = AtomicCounterArray(count: buckets)
    }

    @inlinable
    func record(_ value: Double, bucket: Int) {
        sum.add(value)
        minimum.update(value, if: <)
        maximum.update(value, if: >)
        counts.incrementReleasing(bucket)  // last: marks the observation complete
    }

    /// Waits until the shard holds `count` complete observations (writers finish in nanoseconds; a
    /// writer descheduled mid-observation is waited for by yielding).
    func waitUntilCompleted(_ count: UInt64) {
        while counts.totalAcquiring() != count { sched_yield() }
    }

    func value(bounds: [Double]) -> HistogramValue {
        let bucketCounts = counts.loadAll()
        let isEmpty = bucketCounts.allSatisfy { $0 == 0 }
        return HistogramValue(
            bounds: bounds, bucketCounts: bucketCounts, sum: sum.loadAcquiring(), min: isEmpty ? nil : minimum.load(),
            max: isEmpty ? nil : maximum.load())
    }

    /// Adds everything `other` holds and empties it.
    func absorb(_ other: HistogramShard) {
        for index in 0..<counts.count {
            counts.add(other.counts.load(index), at: index)
        }
        sum.add(other.sum.load())
        minimum.update(other.minimum.load(), if: <)
        maximum.update(other.maximum.load(), if: >)
        other.reset()
    }

    func reset() {
        counts.resetAll()
        sum.store(0)
        minimum.store(.infinity)
        maximum.store(-.infinity)
    }
}
