import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the system clocks in nanoseconds.
package enum WallClock {
    /// Nanoseconds since the Unix epoch (`CLOCK_REALTIME`).
    package static func nowNanos() -> UInt64 {
        read(CLOCK_REALTIME)
    }

    /// Nanoseconds on a clock that never jumps (`CLOCK_MONOTONIC`), for measuring durations.
    package static func monotonicNanos() -> UInt64 {
        read(CLOCK_MONOTONIC)
    }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

/// Wall-clock time for spans from a single monotonic read (each `clock_gettime` costs about 23 ns on
/// the benchmark machine, a third of an unsampled span).
///
/// The offset between the wall and monotonic clocks is measured once and re-measured whenever it is
/// older than `reanchorIntervalNanos`, so a clock step (NTP, an operator) shows up within 100 ms and a
/// slew can shift span times by at most the drift of that interval (50 µs at NTP's 500 ppm limit).
package enum SpanClock {
    static let reanchorIntervalNanos: UInt64 = 100_000_000
    // The offset is stored before the anchor time and read after it, so a reader that sees a fresh
    // anchor also sees its offset; an older offset is merely older, never invalid.
    private static let anchorMonotonic = Atomic<UInt64>(0)
    private static let wallMinusMonotonic = Atomic<UInt64>(0)

    /// Now, as nanoseconds since the Unix epoch and on the monotonic clock.
    package static func now() -> (wall: UInt64, monotonic: UInt64) {
        let monotonic = WallClock.monotonicNanos()
        let anchor = anchorMonotonic.load(ordering: .acquiring)
        if anchor == 0 || monotonic &- anchor >= reanchorIntervalNanos {
            let measured = measureOffset()
            wallMinusMonotonic.store(measured.offset, ordering: .relaxed)
            anchorMonotonic.store(measured.at, ordering: .releasing)
        }
        return (monotonic &+ wallMinusMonotonic.load(ordering: .relaxed), monotonic)
    }

    /// The wall clock read between two monotonic reads, against their midpoint; the narrowest of up
    /// to three tries, so a thread preempted between the reads does not skew every span for 100 ms.
    private static func measureOffset() -> (offset: UInt64, at: UInt64) {
        var best = (offset: UInt64(0), at: UInt64(0), width: UInt64.max)
        for _ in 0..<3 {
            let before = WallClock.monotonicNanos()
            let wall = WallClock.nowNanos()
            let after = WallClock.monotonicNanos()
            let width = after &- before
            if width < best.width { best = (wall &- (before &+ width / 2), after, width) }
            if width < 10_000 { break }
        }
        return (best.offset, best.at)
    }
}
