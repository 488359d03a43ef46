import Foundation
import Telemetry
import TelemetryExporters
import TelemetryHTTP
import TelemetryOTLP
import TelemetryTestSupport
import Testing

@Suite("Fanout to several backends at once")
struct FanoutIntegrationTests {
    @Test("A backend that accepts connections and never answers does not delay the others; its queue stays bounded, its drops are counted, and it gets new data once it recovers")
    func stuckBackendIsIsolated() async throws {
        let collector = MetricsCollector()
        let ticks = try collector.counter("ticks_total")
        let selfMetrics = MetricsCollector()
        let udp = try UDPReceiver()
        let datadogIntake = try await IntakeServer()
        let stuck = try await IntakeServer()
        try await stuck.hold(true)
        let pipeline = MetricsPipeline(
            collector: collector,
            exporters: [
                ("statsd", StatsDExporter(host: "127.0.0.1", port: udp.port, selfMetrics: selfMetrics)),
                ("datadog", DatadogExporter(apiKey: "k", endpoint: datadogIntake.endpoint, selfMetrics: selfMetrics)),
                ("otlp", OTLPExporter(
                    endpoint: stuck.endpoint, timeout: .seconds(1),
                    retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(100)), selfMetrics: selfMetrics)),
            ],
            interval: .milliseconds(200), queueSize: 2, selfMetrics: selfMetrics)
        let start = Date()
        for _ in 0..<10 {
            ticks.inc()
            try await Task.sleep(for: .milliseconds(200))
        }
        let elapsed = Date().timeIntervalSince(start)
        let statsdDatagrams = udp.receive()
        let datadogTimes = try await datadogIntake.received().compactMap { $0["time"] as? Double }
        #expect(Double(datadogTimes.count) >= elapsed / 0.2 - 3, "\(datadogTimes.count) Datadog exports in \(elapsed) s")
        let gaps = zip(datadogTimes, datadogTimes.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 < 0.6 }, "Datadog exports were delayed: \(gaps)")
        #expect(statsdDatagrams.count >= 5, "StatsD kept receiving: \(statsdDatagrams.count) datagrams")
        let stuckLabels = ["exporter": "otlp", "signal": "metrics"]
        #expect(selfMetrics.currentValue("telemetry_exporter_queue_size", stuckLabels) ?? 99 <= 2)
        let dropped = selfMetrics.currentValue(
            "telemetry_exporter_dropped_items_total", stuckLabels.merging(["reason": "queue_full"]) { $1 }) ?? 0
        #expect(dropped > 0, "the stuck exporter's excess is counted")

        try await stuck.hold(false)
        ticks.inc(by: 100)
        let recovered = await waitUntil(timeout: 15) {
            let metrics = (try? await stuck.acceptedMetrics()) ?? []
            return metrics.contains { metric in
                metric.name == "ticks_total"
                    && (((metric.fields["sum"] as? [String: Any])?["data_points"] as? [[String: Any]])?.first?["as_double"]
                        as? Double ?? 0) >= 110
            }
        }
        #expect(recovered, "the recovered backend receives new data")
        #expect(pipeline.shutdown(timeout: .seconds(10)))
    }

    @Test("Prometheus, StatsD, CloudWatch, Datadog and OTLP from one pipeline in one process")
    func allBackends() async throws {
        let collector = MetricsCollector()
        let executions = try collector.counter("pipeline_executions_total", labels: ["status"])
        let selfMetrics = MetricsCollector()
        let udp = try UDPReceiver()
        let intake = try await IntakeServer()
        let moto = try await MotoServer()
        let prometheusExporter = try PrometheusExporter(prefix: "myapp", port: 0)
        let prometheus = try PrometheusServer(targets: ["127.0.0.1:\(try #require(prometheusExporter.boundPort))"])
        defer { prometheus.stop() }
        let pipeline = MetricsPipeline(
            collector: collector,
            exporters: [
                ("prometheus", prometheusExporter),
                ("statsd", StatsDExporter(host: "127.0.0.1", port: udp.port, prefix: "myapp", selfMetrics: selfMetrics)),
                ("cloudwatch", CloudWatchExporter(
                    namespace: "MyApplication", region: "us-east-1", endpoint: moto.endpoint,
                    credentials: .init(accessKeyID: "AKID", secretAccessKey: "secret"), selfMetrics: selfMetrics)),
                ("datadog", DatadogExporter(apiKey: "k", prefix: "myapp", endpoint: intake.endpoint, selfMetrics: selfMetrics)),
                ("otlp", OTLPExporter(endpoint: intake.endpoint, selfMetrics: selfMetrics)),
            ],
            interval: .seconds(60), selfMetrics: selfMetrics)
        executions.inc(by: 7, ["status": "success"])
        #expect(pipeline.flush())

        #expect(udp.receive().joined(separator: "\n").contains("myapp.pipeline_executions_total:7|c|#status:success"))
        let datadog = try await intake.received(path: "/api/v2/series")
        #expect(datadog.allSatisfy { $0["parsed_cleanly"] as? Bool == true })
        let datadogSeries = datadog.flatMap { ($0["request"] as? [String: Any])?["series"] as? [[String: Any]] ?? [] }
        let datadogCounter = datadogSeries.first { $0["metric"] as? String == "myapp.pipeline_executions_total" }
        #expect((datadogCounter?["points"] as? [[String: Any]])?.first?["value"] as? Double == 7)
        let otlp = try await intake.acceptedMetrics().first { $0.name == "pipeline_executions_total" }
        #expect((((otlp?.fields["sum"] as? [String: Any])?["data_points"] as? [[String: Any]])?.first?["as_double"] as? Double) == 7)
        let cloudwatch = try moto.metrics(namespace: "MyApplication").first { $0["name"] as? String == "pipeline_executions_total" }
        #expect(cloudwatch?["sum"] as? Double == 7)
        try await prometheus.waitUntilReady()
        let scraped = try await waitUntil(timeout: 30) {
            try await prometheus.queryValue("myapp_pipeline_executions_total{status=\"success\"}") == 7
        }
        #expect(scraped)
        #expect(pipeline.shutdown())
    }

    @Test("SpanFanout hands every batch to each span exporter; a failing one does not affect the other")
    func spanFanout() async throws {
        let healthy = try await IntakeServer()
        let failing = try await IntakeServer()
        try await failing.script([["status": 400]])
        let selfMetrics = MetricsCollector()
        let fanout = SpanFanout(
            [
                ("primary", OTLPExporter(endpoint: healthy.endpoint, selfMetrics: selfMetrics)),
                ("secondary", OTLPExporter(endpoint: failing.endpoint, retry: .none, selfMetrics: selfMetrics)),
            ], selfMetrics: selfMetrics)
        let tracer = OpenTelemetryTracer(serviceName: "fanout", exporter: fanout, sampler: .alwaysOn, selfMetrics: selfMetrics)
        for index in 0..<3 { tracer.endSpan(tracer.startSpan("span-\(index)")) }
        #expect(tracer.forceFlush())
        #expect(try await healthy.acceptedSpans().count == 3)
        #expect(selfMetrics.currentValue(
            "telemetry_exporter_failed_exports_total", ["exporter": "secondary", "signal": "traces"]) == 1)
        for index in 3..<5 { tracer.endSpan(tracer.startSpan("span-\(index)")) }
        #expect(tracer.forceFlush())
        #expect(try await healthy.acceptedSpans().count == 5)
        #expect(try await failing.acceptedSpans().count == 2)
        tracer.shutdown()
    }
}
