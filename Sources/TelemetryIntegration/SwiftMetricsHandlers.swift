import CoreMetrics
import Synchronization
import Telemetry

/// A swift-metrics counter (integer or floating point) recording into a counter series.
final class SwiftMetricsCounter: CounterHandler, FloatingPointCounterHandler {
    private let series: TelemetryCounter.Series?
    private let release: @Sendable () -> Void
    private let destroyed = Atomic(false)

    init(series: TelemetryCounter.Series?, release: @escaping @Sendable () -> Void) {
        self.series = series
        self.release = release
    }

    /// Releases this handler's use of its series, once.
    func destroy() {
        if !destroyed.exchange(true, ordering: .acquiringAndReleasing) { release() }
    }

    func increment(by amount: Int64) { series?.inc(by: Double(amount)) }
    func increment(by amount: Double) { series?.inc(by: amount) }
    func reset() { series?.reset() }
}

/// A swift-metrics meter (or non-aggregating recorder) recording into a gauge series.
final class SwiftMetricsGauge: MeterHandler, RecorderHandler {
    private let series: TelemetryGauge.Series?
    private let release: @Sendable () -> Void
    private let destroyed = Atomic(false)

    init(series: TelemetryGauge.Series?, release: @escaping @Sendable () -> Void) {
        self.series = series
        self.release = release
    }

    /// Releases this handler's use of its series, once.
    func destroy() {
        if !destroyed.exchange(true, ordering: .acquiringAndReleasing) { release() }
    }

    func set(_ value: Int64) { series?.set(Double(value)) }
    func set(_ value: Double) { series?.set(value) }
    func increment(by amount: Double) { series?.inc(by: amount) }
    func decrement(by amount: Double) { series?.dec(by: amount) }
    func record(_ value: Int64) { series?.set(Double(value)) }
    func record(_ value: Double) { series?.set(value) }
}

/// A swift-metrics aggregating recorder or timer recording into a histogram series (timers in seconds).
final class SwiftMetricsHistogram: RecorderHandler, TimerHandler {
    private let series: TelemetryHistogram.Series?
    private let release: @Sendable () -> Void
    private let destroyed = Atomic(false)

    init(series: TelemetryHistogram.Series?, release: @escaping @Sendable () -> Void) {
        self.series = series
        self.release = release
    }

    /// Releases this handler's use of its series, once.
    func destroy() {
        if !destroyed.exchange(true, ordering: .acquiringAndReleasing) { release() }
    }

    func record(_ value: Int64) { series?.observe(Double(value)) }
    func record(_ value: Double) { series?.observe(value) }
    func recordNanoseconds(_ duration: Int64) { series?.observe(Double(duration) / 1e9) }
    func preferDisplayUnit(_ unit: TimeUnit) {}
}
