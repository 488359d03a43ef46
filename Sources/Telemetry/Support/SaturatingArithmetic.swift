/// Arithmetic that clamps instead of trapping, for values that come from outside (headers, bodies,
/// configuration, user-given timestamps): an absurd input saturates at the type's bound.
extension UInt64 {
    /// `self + other`, or `UInt64.max` when the sum does not fit.
    @inline(__always)
    package func addingSaturated(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self - other`, or 0 when `other` is larger.
    @inline(__always)
    package func subtractingSaturated(_ other: UInt64) -> UInt64 {
        self > other ? self - other : 0
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `0...UInt64.max` (a negative duration is 0).
    package var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 || seconds > 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let fraction = attoseconds / 1_000_000_000
        return fraction >= 0 ? whole.addingSaturated(UInt64(fraction)) : whole.subtractingSaturated(UInt64(-fraction))
    }

    /// The monotonic-clock deadline `self` from now, saturating instead of wrapping for huge durations.
    package var deadlineFromNow: UInt64 {
        WallClock.monotonicNanos().addingSaturated(nanoseconds)
    }
}

extension Int {
    /// The sum of this and `others`, or `Int.max` when it would overflow (sizes from outside never trap).
    package func saturatingSum(_ others: Int...) -> Int {
        others.reduce(self) { total, next in
            let (sum, overflow) = total.addingReportingOverflow(next)
            return overflow ? .max : sum
        }
    }

    /// The product of this and `other`, or `Int.max` when it would overflow.
    package func saturatingProduct(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
