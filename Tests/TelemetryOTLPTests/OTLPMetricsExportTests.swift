import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryOTLP

@Suite("OTLP metrics export, checked by the official decoder")
struct OTLPMetricsExportTests {
    private func dataPoints(_ metric: DecodedMetric?, _ kind: String) -> [[String: Any]] {
        (metric?.fields[kind] as? [String: Any])?["data_points"] as? [[String: Any]] ?? []
    }

    private func attributes(_ point: [String: Any]) -> [String: String] {
        DecodedSpan.attributes(point).compactMapValues { $0["string_value"] as? String }
    }

    @Test("Counter → monotonic cumulative Sum, gauge → Gauge, histogram → Histogram, summary → Summary")
    func everyKind() async throws {
        let receiver = try await IntakeServer()
        let collector = MetricsCollector()
        let executions = try collector.counter(
            "pipeline_executions_total", help: "Total pipeline executions", labels: ["pipeline_name", "status"])
        executions.inc(by: 3, ["pipeline_name": "etl", "status": "success"])
        let active = try collector.gauge("active_connections", help: "Current active connections")
        active.set(-7.5)
        let duration = try collector.histogram("request_duration_seconds", labels: ["endpoint"], buckets: [0.1, 1])
        for value in [0.05, 0.5, 0.7, 3] { duration.observe(value, ["endpoint": "/users"]) }
        let latency = try collector.summary("request_latency_seconds", labels: ["service"], quantiles: [0.5, 0.99])
        for value in 1...100 { latency.observe(Double(value), ["service": "api"]) }
        let exporter = OTLPExporter(
            endpoint: receiver.endpoint, resource: Resource(serviceName: "metrics-test"), selfMetrics: MetricsCollector())
        let snapshot = collector.collectAll()
        try exporter.export(snapshot)

        let metrics = try await receiver.acceptedMetrics()
        let byName = Dictionary(metrics.map { ($0.name, $0) }) { first, _ in first }
        let resource = DecodedSpan.attributes(try #require(metrics.first).resource)
        #expect(resource["service.name"]?["string_value"] as? String == "metrics-test")

        let sum = try #require(byName["pipeline_executions_total"]?.fields["sum"] as? [String: Any])
        #expect(sum["aggregation_temporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        #expect(sum["is_monotonic"] as? Bool == true)
        #expect(byName["pipeline_executions_total"]?.fields["description"] as? String == "Total pipeline executions")
        let counterPoint = try #require(dataPoints(byName["pipeline_executions_total"], "sum").first)
        #expect(counterPoint["as_double"] as? Double == 3)
        #expect(attributes(counterPoint) == ["pipeline_name": "etl", "status": "success"])
        let counterSeries = try #require(snapshot.family(named: "pipeline_executions_total")?.points.first)
        #expect(counterPoint["start_time_unix_nano"] as? String == String(counterSeries.startTimeNanos))
        #expect(counterPoint["time_unix_nano"] as? String == String(snapshot.timestampNanos))

        #expect(dataPoints(byName["active_connections"], "gauge").first?["as_double"] as? Double == -7.5)

        let histogram = try #require(byName["request_duration_seconds"]?.fields["histogram"] as? [String: Any])
        #expect(histogram["aggregation_temporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let histogramPoint = try #require(dataPoints(byName["request_duration_seconds"], "histogram").first)
        #expect(histogramPoint["count"] as? String == "4")
        #expect(histogramPoint["sum"] as? Double == 4.25)
        #expect(histogramPoint["bucket_counts"] as? [String] == ["1", "2", "1"])
        #expect(histogramPoint["explicit_bounds"] as? [Double] == [0.1, 1])
        #expect(histogramPoint["min"] as? Double == 0.05)
        #expect(histogramPoint["max"] as? Double == 3)

        let summaryPoint = try #require(dataPoints(byName["request_latency_seconds"], "summary").first)
        #expect(summaryPoint["count"] as? String == "100")
        #expect(summaryPoint["sum"] as? Double == 5050)
        let quantiles = summaryPoint["quantile_values"] as? [[String: Any]] ?? []
        #expect(quantiles.compactMap { $0["quantile"] as? Double } == [0.5, 0.99])
        let median = try #require(quantiles.first?["value"] as? Double)
        #expect(abs(median - 50) / 50 <= 0.01)
    }

    @Test("Delta temporality reports the change since the previous export, with a fresh start time")
    func deltaTemporality() async throws {
        let receiver = try await IntakeServer()
        let collector = MetricsCollector()
        let counter = try collector.counter("jobs_total")
        let histogram = try collector.histogram("size", buckets: [10])
        counter.inc(by: 5)
        histogram.observe(1)
        let exporter = OTLPExporter(endpoint: receiver.endpoint, temporality: .delta, selfMetrics: MetricsCollector())
        let first = collector.collectAll()
        try exporter.export(first)
        counter.inc(by: 2)
        histogram.observe(20)
        histogram.observe(30)
        let second = collector.collectAll()
        try exporter.export(second)

        let metrics = try await receiver.acceptedMetrics()
        let counters = metrics.filter { $0.name == "jobs_total" }.compactMap { dataPoints($0, "sum").first }
        #expect(counters.compactMap { $0["as_double"] as? Double } == [5, 2])
        #expect(counters.last?["start_time_unix_nano"] as? String == String(first.timestampNanos))
        let sums = metrics.filter { $0.name == "jobs_total" }.compactMap { $0.fields["sum"] as? [String: Any] }
        #expect(sums.allSatisfy { $0["aggregation_temporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA" })
        let histograms = metrics.filter { $0.name == "size" }.compactMap { dataPoints($0, "histogram").first }
        #expect(histograms.map { $0["bucket_counts"] as? [String] ?? [] } == [["1", "0"], ["0", "2"]])
        #expect(histograms.last?["sum"] as? Double == 50)
        #expect(histograms.last?["min"] == nil)
    }

    @Test("The overflow series is exported with the attribute otel.metric.overflow = true")
    func overflowAttribute() async throws {
        let receiver = try await IntakeServer()
        let collector = MetricsCollector()
        let counter = try collector.counter("users_total", labels: ["user"], cardinalityLimit: 1)
        counter.inc(["user": "a"])
        counter.inc(["user": "b"])
        try OTLPExporter(endpoint: receiver.endpoint, selfMetrics: MetricsCollector()).export(collector.collectAll())
        let metric = try await receiver.acceptedMetrics().first { $0.name == "users_total" }
        let points = dataPoints(metric, "sum")
        #expect(points.count == 2)
        let overflow = DecodedSpan.attributes(points.last ?? [:])["otel.metric.overflow"]
        #expect(overflow?["bool_value"] as? Bool == true)
    }
}
