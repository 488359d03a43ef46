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
