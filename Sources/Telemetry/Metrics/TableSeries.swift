import Synchronization

/// What a `SeriesTable` needs of its series: when the series (re)started, whether it holds data, and a
/// way to start it over.
protocol TableSeries: AnyObject, Sendable {
    /// When the series started counting, in nanoseconds since the Unix epoch (the OTLP start time).
    var startTimeNanos: UInt64 { get }
    /// Whether anything was recorded since the series (re)started.
    var hasData: Bool { get }
    /// Sets the series back to empty, starting now.
    func restart()
}

/// The start time of one series, changed when the series is reset or removed.
final class SeriesStart: Sendable {
    private let nanos = Atomic<UInt64>(WallClock.nowNanos())

    init() {}

    /// Nanoseconds since the Unix epoch.
    var value: UInt64 { nanos.load(ordering: .acquiring) }

    /// Starts again now.
    func restart() {
        nanos.store(WallClock.nowNanos(), ordering: .releasing)
    }
}
