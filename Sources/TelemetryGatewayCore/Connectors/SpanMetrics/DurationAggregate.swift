#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TelemetryOTLPData

/// The durations of one series: an explicit-bounds histogram, an exponential one, or only a count
/// (`histogram.disable`). Each observation costs O(log buckets) (explicit) or O(1) amortised plus an
/// occasional merge bounded by `max_size` (exponential); the memory is fixed by the settings.
struct DurationAggregate {
    private let bounds: [Double]?
    private var bucketCounts: [UInt64]
    private var exponentialBuckets: ExponentialBuckets?
    private var count: UInt64 = 0
    private var sum = 0.0
    private var min = Double.infinity
    private var max = -Double.infinity

    /// An empty aggregate of `kind`.
    init(_ kind: SpanMetricsSettings.HistogramKind) {
        switch kind {
        case .explicit(let bounds):
            self.bounds = bounds
            bucketCounts = Array(repeating: 0, count: bounds.count + 1)
        case .exponential(let maxSize):
            bounds = nil
            bucketCounts = []
            exponentialBuckets = ExponentialBuckets(maxSize: maxSize)
        case .disabled:
            bounds = nil
            bucketCounts = []
        }
    }

    /// Adds one duration (finite, not negative).
    mutating func observe(_ value: Double) {
        count &+= 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        if let bounds {
            bucketCounts[Self.bucket(of: value, in: bounds)] &+= 1
        } else if exponentialBuckets != nil {
            exponentialBuckets?.observe(value)
        }
    }

    /// The bucket of `value`: the first whose upper bound is at least `value` (bounds are inclusive, as
    /// in OTLP and the Collector's `sort.SearchFloat64s`), else the last.
    static func bucket(of value: Double, in bounds: [Double]) -> Int {
        var low = 0
        var high = bounds.count
        while low < high {
            let middle = low + (high - low) / 2
            if bounds[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The explicit histogram, when it is one.
    var explicit: ComputedHistogram? {
        guard let bounds else { return nil }
        return ComputedHistogram(
            bounds: bounds, bucketCounts: bucketCounts, count: count, sum: sum, min: count > 0 ? min : nil, max: count > 0 ? max : nil)
    }

    /// The exponential histogram, when it is one.
    var exponential: ComputedExponentialHistogram? {
        guard let buckets = exponentialBuckets else { return nil }
        return ComputedExponentialHistogram(
            scale: buckets.scale, zeroCount: buckets.zeroCount, positiveOffset: Int32(clamping: buckets.offset),
            positiveCounts: buckets.counts, count: count, sum: sum, min: count > 0 ? min : nil, max: count > 0 ? max : nil)
    }
}

/// The positive buckets of an exponential histogram that keeps at most `maxSize` of them, lowering its
/// scale (merging neighbours) when a value falls outside: OpenTelemetry's base-2 exponential mapping,
/// starting at scale 20 as the Collector's go-expohisto does.
struct ExponentialBuckets {
    static let maxScale: Int32 = 20
    static let minScale: Int32 = -10

    let maxSize: Int
    private(set) var scale = ExponentialBuckets.maxScale
    /// The index of `counts[0]`.
    private(set) var offset = 0
    private(set) var counts: [UInt64] = []
    private(set) var zeroCount: UInt64 = 0

    init(maxSize: Int) {
        self.maxSize = Swift.max(2, maxSize)
    }

    /// Counts `value` (zero in the zero bucket).
    mutating func observe(_ value: Double) {
        guard value > 0, value.isFinite else {
            zeroCount &+= 1
            return
        }
        var index = Self.index(of: value, scale: scale)
        guard !counts.isEmpty else {
            offset = index
            counts = [1]
            return
        }
        let low = Swift.min(offset, index)
        let high = Swift.max(offset + counts.count - 1, index)
        var change = 0
        while (high >> change) - (low >> change) + 1 > maxSize, Int(scale) - change > Int(Self.minScale) { change += 1 }
        if change > 0 {
            downscale(by: change)
            index >>= change
        }
        if index < offset {
            counts.insert(contentsOf: repeatElement(0, count: offset - index), at: 0)
            offset = index
        } else if index >= offset + counts.count {
            counts.append(contentsOf: repeatElement(0, count: index - offset - counts.count + 1))
        }
        counts[index - offset] &+= 1
    }

    /// The bucket of positive `value` at `scale`: bucket `i` holds (2^(i/2^scale), 2^((i+1)/2^scale)].
    static func index(of value: Double, scale: Int32) -> Int {
        if scale <= 0 {
            let exponent = Int(value.exponent)
            let base2 = value.significand == 1 ? exponent - 1 : exponent
            return base2 >> Int(-scale)
        }
        let scaled = (log2(value) * Double(1 << Int(scale))).rounded(.up)
        return Int(scaled) - 1
    }

    private mutating func downscale(by change: Int) {
        let newOffset = offset >> change
        var merged: [UInt64] = []
        merged.reserveCapacity(counts.count)
        for (position, bucketCount) in counts.enumerated() {
            let target = ((offset + position) >> change) - newOffset
            if target >= merged.count { merged.append(0) }
            merged[target] &+= bucketCount
        }
        counts = merged
        offset = newOffset
        scale -= Int32(change)
    }
}
