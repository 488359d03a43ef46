import CoreMetrics
import Telemetry

/// A swift-metrics backend recording into a `MetricsCollector`, so metrics from any library that uses
/// swift-metrics (Vapor, Hummingbird, AsyncHTTPClient, gRPC…) reach this library's exporters.
///
/// ```swift
/// MetricsSystem.bootstrap(TelemetryMetricsFactory(collector: collector))
/// ```
/// Mapping: counters and floating-point counters → counters; meters → gauges; recorders → histograms
/// when aggregating (buckets from `recorderBuckets`, or `bucketsByLabel`), else gauges; timers →
/// histograms in seconds. Labels become metric names with characters Prometheus cannot hold replaced by
/// `_`; dimensions become labels. `destroy…` removes the series once no other live handler of the same
/// label and dimensions uses it (destroying a handler twice counts once). A label reused with other dimension
/// names, or for another kind, records nothing: it is logged once and counted in
/// `telemetry_rejected_measurements_total{reason="conflicting_registration"}`.
public struct TelemetryMetricsFactory: MetricsFactory {
    /// Where the metrics are recorded.
    public let collector: MetricsCollector
    /// Histogram buckets for aggregating recorders.
    public let recorderBuckets: [Double]
    /// Histogram buckets (in seconds) for timers.
    public let timerBuckets: [Double]
    /// Buckets for specific labels, overriding the defaults.
    public let bucketsByLabel: [String: [Double]]
    private let users = SeriesUsers()

    /// Creates a factory.
    public init(
        collector: MetricsCollector, recorderBuckets: [Double] = TelemetryHistogram.defaultBuckets,
        timerBuckets: [Double] = TelemetryHistogram.defaultBuckets, bucketsByLabel: [String: [Double]] = [:]
    ) {
        self.collector = collector
        self.recorderBuckets = recorderBuckets
        self.timerBuckets = timerBuckets
        self.bucketsByLabel = bucketsByLabel
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let (name, labelNames, labels) = Self.names(label, dimensions)
        return registered(name) { () throws(MetricsError) in
            let counter = try collector.counter(name, labels: labelNames)
            let series = try counter.labels(labels)
            return SwiftMetricsCounter(series: series, release: users.use("counter", name, labels) { counter.remove(labels) })
        } ?? SwiftMetricsCounter(series: nil, release: {})
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        makeCounter(label: label, dimensions: dimensions) as? SwiftMetricsCounter ?? SwiftMetricsCounter(series: nil, release: {})
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        let (name, labelNames, labels) = Self.names(label, dimensions)
        return registered(name) { () throws(MetricsError) in
            let gauge = try collector.gauge(name, labels: labelNames)
            let series = try gauge.labels(labels)
            return SwiftMetricsGauge(series: series, release: users.use("gauge", name, labels) { gauge.remove(labels) })
        } ?? SwiftMetricsGauge(series: nil, release: {})
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else {
            return makeMeter(label: label, dimensions: dimensions) as? SwiftMetricsGauge ?? SwiftMetricsGauge(series: nil, release: {})
        }
        return makeHistogram(label: label, dimensions: dimensions, buckets: bucketsByLabel[label] ?? recorderBuckets)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        makeHistogram(label: label, dimensions: dimensions, buckets: bucketsByLabel[label] ?? timerBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) { (handler as? SwiftMetricsCounter)?.destroy() }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { (handler as? SwiftMetricsCounter)?.destroy() }
    public func destroyMeter(_ handler: any MeterHandler) { (handler as? SwiftMetricsGauge)?.destroy() }
    public func destroyRecorder(_ handler: any RecorderHandler) {
        (handler as? SwiftMetricsHistogram)?.destroy()
        (handler as? SwiftMetricsGauge)?.destroy()
    }
    public func destroyTimer(_ handler: any TimerHandler) { (handler as? SwiftMetricsHistogram)?.destroy() }

    private func makeHistogram(label: String, dimensions: [(String, String)], buckets: [Double]) -> SwiftMetricsHistogram {
        let (name, labelNames, labels) = Self.names(label, dimensions)
        return registered(name) { () throws(MetricsError) in
            let histogram = try collector.histogram(name, labels: labelNames, buckets: buckets)
            let series = try histogram.labels(labels)
            return SwiftMetricsHistogram(series: series, release: users.use("histogram", name, labels) { histogram.remove(labels) })
        } ?? SwiftMetricsHistogram(series: nil, release: {})
    }

    private func registered<Handler>(_ name: String, _ make: () throws(MetricsError) -> Handler) -> Handler? {
        do {
            return try make()
        } catch {
            collector.reportRejected(metric: name, reason: "conflicting_registration", detail: error.message)
            return nil
        }
    }

    /// The metric name, the sorted label names and the labels for a swift-metrics label and dimensions.
    static func names(_ label: String, _ dimensions: [(String, String)]) -> (String, [String], [String: String]) {
        var labels: [String: String] = [:]
        for (key, value) in dimensions { labels[sanitized(key, allowColon: false)] = value }
        return (sanitized(label, allowColon: true), labels.keys.sorted(), labels)
    }

    static func sanitized(_ text: String, allowColon: Bool) -> String {
        var result = String(text.map { character in
            character.isASCII && (character.isLetter || character.isNumber || character == "_" || (allowColon && character == ":"))
                ? character : "_"
        })
        if result.isEmpty || result.first?.isNumber == true { result = "_" + result }
        if result.hasPrefix("__") { result = "x" + result }
        return result
    }
}
