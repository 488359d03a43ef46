import Telemetry

/// The state of one received series, and how a new point changes it.
///
/// - Cumulative sums, histograms and summaries replace the value; a new start time is a reset (the
///   series starts over).
/// - Delta sums and histograms are added up across intervals, whatever their start times (each
///   interval starts where the previous ended); a histogram whose bounds change starts over.
/// - Gauges replace the value.
/// - A point not newer than the last one taken (a duplicate, or one arriving out of order) is ignored
///   and counted, for every kind, so retried requests never count twice.
struct FoldedSeries: Sendable {
    enum Value: Sendable {
        case number(Double)
        case histogram(HistogramValue)
        case summary(SummaryValue)
    }

    /// How a point relates to the series.
    enum Change: Sendable {
        /// Replaces the value (gauges, cumulative data).
        case replace
        /// Adds to the value (delta data).
        case add
    }

    var startTimeNanos: UInt64
    var lastTimeNanos: UInt64
    /// When the series last changed, on the monotonic clock (for expiry).
    var touchedNanos: UInt64
    var value: Value

    /// Applies a point; returns false when it is ignored as not newer than the last one.
    mutating func apply(_ value: Value, change: Change, start: UInt64, time: UInt64, now: UInt64) -> Bool {
        guard time > lastTimeNanos else { return false }
        touchedNanos = now
        lastTimeNanos = time
        switch change {
        case .replace:
            if start != 0 && start != startTimeNanos { startTimeNanos = start }
            self.value = value
        case .add:
            switch (self.value, value) {
            case (.number(let total), .number(let delta)):
                self.value = .number(total + delta)
            case (.histogram(let total), .histogram(let delta)) where total.bounds == delta.bounds:
                self.value = .histogram(
                    HistogramValue(
                        bounds: total.bounds, bucketCounts: zip(total.bucketCounts, delta.bucketCounts).map { $0 &+ $1 },
                        sum: total.sum + delta.sum, min: [total.min, delta.min].compactMap { $0 }.min(),
                        max: [total.max, delta.max].compactMap { $0 }.max()))
            default:
                // Other bounds (or a kind that cannot add): the series starts over from this interval.
                startTimeNanos = start == 0 ? time : start
                self.value = value
            }
        }
        return true
    }
}
