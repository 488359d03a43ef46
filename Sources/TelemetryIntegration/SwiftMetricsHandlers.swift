import CoreMetrics
import Telemetry

/// A swift-metrics counter (integer or floating point) recording into a counter series.
final class SwiftMetricsCounter: CounterHandler, FloatingPointCounterHandler {
    private let series: Telemetry.Counter.Series?
    let remove: @Sendable () -> Void

    init(series: Telemetry.Counter.Series?, remove: @escaping @Sendable () -> Void) {
        self.series = series
        self.remove = remove
    }

    func increment(by amount: Int64) { series?.inc(by: Double(amount)) }
    func increment(by amount: Double) { series?.inc(by: amount) }
    func reset() { series?.reset() }
}

/// A swift-metrics meter (or non-aggregating recorder) recording into a gauge series.
final class SwiftMetricsGauge: MeterHandler, RecorderHandler {
    private let series: Telemetry.Gauge.Series?
    let remove: @Sendable () -> Void

    init(series: Telemetry.Gauge.Series?, remove: @escaping @Sendable () -> Void) {
        self.series = series
        self.remove = remove
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
    private let series: Telemetry.Histogram.Series?
    let remove: @Sendable () -> Void

    init(series: Telemetry.Histogram.Series?, remove: @escaping @Sendable () -> Void) {
        self.series = series
        self.remove = remove
    }

    func record(_ value: Int64) { series?.observe(Double(value)) }
    func record(_ value: Double) { series?.observe(value) }
    func recordNanoseconds(_ duration: Int64) { series?.observe(Double(duration) / 1e9) }
    func preferDisplayUnit(_ unit: TimeUnit) {}
}
