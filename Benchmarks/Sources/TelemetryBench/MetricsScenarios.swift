import CoreMetrics
import Foundation
import OTel
import Prometheus
import Telemetry
import TelemetryExporters

/// Scenarios 1, 1b, 2 and 5: recording and rendering metrics, ours against swift-prometheus and swift-otel.
enum MetricsScenarios {
    static let iterations = 2_000_000
    static let labelValues = ["pipeline_name": "data_processor", "status": "success"]

    /// swift-otel's swift-metrics backend (nothing is exported: its service is never run).
    static let otelFactory: any MetricsFactory = {
        var configuration = OTel.Configuration.default
        configuration.metrics.exporter = .none
        configuration.traces.enabled = false
        configuration.logs.enabled = false
        do {
            return try OTel.makeMetricsBackend(configuration: configuration).factory
        } catch {
            fatalError("swift-otel metrics backend: \(error)")  // benchmark setup, not user input
        }
    }()

    static func counterWithLabels() throws -> ResultRow {
        let ours = try MetricsCollector().counter("executions_total", labels: ["pipeline_name", "status"])
        let oursResult = Harness.nanosecondsPerOperation(iterations: iterations) {
            ours.inc(["pipeline_name": "data_processor", "status": "success"])
        }
        let registry = PrometheusCollectorRegistry()
        // swift-prometheus's cheapest per-call form: `makeCounter(descriptor:labels:)` builds the name
        // string on every call, `makeCounter(name:labels:)` (deprecated there, so reached through
        // `NamedCounterFactory`) does not.
        let cheapest: some NamedCounterFactory = registry
        let prometheus = Harness.nanosecondsPerOperation(iterations: iterations / 4) {
            cheapest.makeCounter(name: "executions_total", labels: [("pipeline_name", "data_processor"), ("status", "success")])
                .increment()
        }
        let otel = Harness.nanosecondsPerOperation(iterations: iterations / 10) {
            CoreMetrics.Counter(
                label: "executions_total", dimensions: [("pipeline_name", "data_processor"), ("status", "success")],
                factory: otelFactory
            ).increment()
        }
        return ResultRow(
            scenario: "1 counter inc, 2 labels per call", ours: oursResult,
            peers: [("swift-prometheus", prometheus), ("swift-otel", otel)], goal: "≤ 40 ns, ≥ 5× the peer's cheapest form, 0 allocs",
            higherIsBetter: false,
            note: "swift-prometheus through makeCounter(name:labels:) (its cheapest per-call form), swift-otel through a CoreMetrics.Counter made per call")
    }

    static func boundCounter() throws -> [ResultRow] {
        let series = try MetricsCollector().counter("bound_total", labels: ["a"]).labels(["a": "x"])
        let ours = Harness.nanosecondsPerOperation(iterations: iterations * 5) { series.inc() }
        let prometheusCounter = PrometheusCollectorRegistry().makeCounter(
            descriptor: MetricNameDescriptor(metricName: "bound", unitName: "total", helpText: ""), labels: [("a", "x")])
        let prometheus = Harness.nanosecondsPerOperation(iterations: iterations * 5) { prometheusCounter.increment() }
        let otelCounter = CoreMetrics.Counter(label: "bound_total", dimensions: [("a", "x")], factory: otelFactory)
        let otel = Harness.nanosecondsPerOperation(iterations: iterations * 5) { otelCounter.increment() }
        let single = ResultRow(
            scenario: "1b counter inc on a bound handle", ours: ours,
            peers: [("swift-prometheus", prometheus), ("swift-otel", otel)], goal: "≤ 3 ns", higherIsBetter: false)
        let concurrent = ResultRow(
            scenario: "1b same, 2 threads on one counter", ours: Harness.concurrentNanosecondsPerOperation(threads: 2, iterations: iterations * 2) { series.inc() },
            peers: [
                ("swift-prometheus", Harness.concurrentNanosecondsPerOperation(threads: 2, iterations: iterations * 2) { prometheusCounter.increment() }),
                ("swift-otel", Harness.concurrentNanosecondsPerOperation(threads: 2, iterations: iterations * 2) { otelCounter.increment() }),
            ], goal: "faster than both", higherIsBetter: false)
        return [single, concurrent]
    }

    static func histogram() throws -> ResultRow {
        let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
        let series = try MetricsCollector().histogram("latency_seconds", labels: ["a"], buckets: buckets).labels(["a": "x"])
        var value = 0.0
        let ours = Harness.nanosecondsPerOperation(iterations: iterations * 2) {
            value = value < 6 ? value + 0.0137 : 0
            series.observe(value)
        }
        let prometheusHistogram = PrometheusCollectorRegistry().makeValueHistogram(
            descriptor: MetricNameDescriptor(metricName: "latency", unitName: "seconds", helpText: ""), labels: [("a", "x")],
            buckets: buckets)
        let prometheus = Harness.nanosecondsPerOperation(iterations: iterations * 2) {
            value = value < 6 ? value + 0.0137 : 0
            prometheusHistogram.record(value)
        }
        let otelRecorder = Recorder(label: "latency_seconds", dimensions: [("a", "x")], factory: otelFactory)
        let otel = Harness.nanosecondsPerOperation(iterations: iterations) {
            value = value < 6 ? value + 0.0137 : 0
            otelRecorder.record(value)
        }
        return ResultRow(
            scenario: "2 histogram observe, 10 buckets", ours: ours,
            peers: [("swift-prometheus", prometheus), ("swift-otel", otel)], goal: "≤ 8 ns, 0 allocs", higherIsBetter: false)
    }

    static func render() throws -> ResultRow {
        let collector = MetricsCollector(cardinalityLimit: 20_000)
        let counter = try collector.counter("requests_total", help: "Requests", labels: ["path", "code"])
        let registry = PrometheusCollectorRegistry()
        let requestsDescriptor = MetricNameDescriptor(metricName: "requests", unitName: "total", helpText: "Requests")
        for index in 0..<10_000 {
            let path = "/api/v1/resource/\(index / 10)"
            let code = String(200 + index % 10)
            counter.inc(["path": path, "code": code])
            registry.makeCounter(descriptor: requestsDescriptor, labels: [("path", path), ("code", code)]).increment()
        }
        let exporter = PrometheusExporter()
        exporter.register(collector)
        var sink = 0
        let ours = Harness.nanosecondsPerOperation(iterations: 50) { sink &+= exporter.metricsText().utf8.count }
        let prometheus = Harness.nanosecondsPerOperation(iterations: 50) { sink &+= registry.emitToString().utf8.count }
        precondition(sink > 0)
        func microseconds(_ measurement: Measurement) -> Measurement {
            Measurement(value: measurement.value / 1000, unit: "µs", allocationsPerOperation: measurement.allocationsPerOperation)
        }
        return ResultRow(
            scenario: "5 Prometheus text render, 10,000 series (collect + render)", ours: microseconds(ours),
            peers: [("swift-prometheus", microseconds(prometheus))], goal: "≤ 300 µs", higherIsBetter: false)
    }
}

extension MetricsScenarios {
    /// The one observation of histogram series `index` in row 5b: 0 to 2 across the buckets, a long
    /// fraction of its own.
    static func histogramObservation(_ index: Int) -> Double {
        Double(index % 100) / 50 + Double(index) / 7e6
    }

    /// Observation `step` (0 to 4) of summary series `index` in row 5c: five values 0.37 apart, a long
    /// fraction of the series' own.
    static func summaryObservation(_ index: Int, _ step: Int) -> Double {
        Double(index % 100) + Double(step) * 0.37 + Double(index) / 7e4
    }

    /// Rows 5b and 5c: the scrape of 10,000 histogram series (10 buckets: 13 lines each) and of 10,000
    /// summary series (3 quantiles: 5 lines each), set against our 10,000-counter render of row 5 (the
    /// goal: within 1.5× of it per exposed line). Each summary holds five fractional values, so its
    /// quantiles are sketch estimates and its sum a fraction, as in real use (a single value would be
    /// answered exactly: an integer, the cheapest number to write). Every series' values differ from
    /// every other's and are long fractions (a seventh of the series index added), so no sum, minimum
    /// or maximum repeats and none is a short decimal: the render's shortcuts for those (a scaled
    /// integer, a table of texts written) are not flattered by repetition the benchmark made.
    static func renderHistogramsAndSummaries(counterRender: Measurement?) throws -> [ResultRow] {
        let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
        let histograms = MetricsCollector(cardinalityLimit: 20_000)
        let histogram = try histograms.histogram("latency_seconds", help: "Latency", labels: ["path", "code"], buckets: buckets)
        let summaries = MetricsCollector(cardinalityLimit: 20_000)
        let summary = try summaries.summary("size_bytes", help: "Size", labels: ["path", "code"], quantiles: [0.5, 0.9, 0.99])
        let registry = PrometheusCollectorRegistry()
        let descriptor = MetricNameDescriptor(metricName: "latency", unitName: "seconds", helpText: "Latency")
        for index in 0..<10_000 {
            let labels = ["path": "/api/v1/resource/\(index / 10)", "code": String(200 + index % 10)]
            histogram.observe(histogramObservation(index), labels)
            for step in 0..<5 { summary.observe(summaryObservation(index, step), labels) }
            registry.makeValueHistogram(
                descriptor: descriptor, labels: [("path", labels["path"] ?? ""), ("code", labels["code"] ?? "")], buckets: buckets
            ).record(histogramObservation(index))
        }
        let histogramExporter = PrometheusExporter()
        histogramExporter.register(histograms)
        let summaryExporter = PrometheusExporter()
        summaryExporter.register(summaries)
        var sink = 0
        let ours = Harness.nanosecondsPerOperation(iterations: 20) { sink &+= histogramExporter.metricsText().utf8.count }
        let prometheus = Harness.nanosecondsPerOperation(iterations: 20) { sink &+= registry.emitToString().utf8.count }
        let oursSummary = Harness.nanosecondsPerOperation(iterations: 20) { sink &+= summaryExporter.metricsText().utf8.count }
        precondition(sink > 0)
        func microseconds(_ measurement: Measurement) -> Measurement {
            Measurement(value: measurement.value / 1000, unit: "µs", allocationsPerOperation: measurement.allocationsPerOperation)
        }
        func perLine(_ measurement: Measurement, lines: Double) -> String {
            guard let counter = counterRender?.value, counter > 0 else { return "" }
            return String(format: "%.2f× our counter render per exposed line (%.0f lines a series vs 1)", measurement.value / 1000 / lines / counter, lines)
        }
        return [
            ResultRow(
                scenario: "5b Prometheus text render, 10,000 histogram series, 10 buckets (collect + render)", ours: microseconds(ours),
                peers: [("swift-prometheus", microseconds(prometheus))], goal: "within 1.5× of the counter render", higherIsBetter: false,
                note: perLine(ours, lines: 13)),
            ResultRow(
                scenario: "5c Prometheus text render, 10,000 summary series, 3 quantiles (collect + render)", ours: microseconds(oursSummary),
                peers: [], goal: "within 1.5× of the counter render", higherIsBetter: false,
                note: perLine(oursSummary, lines: 5) + "; swift-prometheus has no summary"),
        ]
    }
}

/// swift-prometheus's `makeCounter(name:labels:)`, which it deprecated in favour of the slower
/// descriptor form; the benchmark times the peer's cheapest form.
protocol NamedCounterFactory {
    func makeCounter(name: String, labels: [(String, String)]) -> Prometheus.Counter
}

extension PrometheusCollectorRegistry: NamedCounterFactory {}
