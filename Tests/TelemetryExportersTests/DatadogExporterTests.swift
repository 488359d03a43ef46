import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryExporters

@Suite("Datadog metrics API v2")
struct DatadogExporterTests {
    let collector = MetricsCollector()

    private func series(_ requests: [[String: Any]]) -> [[String: Any]] {
        requests.flatMap { ($0["request"] as? [String: Any])?["series"] as? [[String: Any]] ?? [] }
    }

    private func value(_ series: [String: Any]?) -> Double? {
        (series?["points"] as? [[String: Any]])?.first?["value"] as? Double
    }

    @Test("Every payload parses cleanly with the official MetricPayload model and carries the recorded values")
    func officialModelsAgree() async throws {
        let intake = try await IntakeServer()
        let executions = try collector.counter("pipeline_executions_total", labels: ["pipeline_name", "status"])
        let active = try collector.gauge("active_pipelines")
        let duration = try collector.histogram("duration_seconds", buckets: [1, 2, 4])
        let latency = try collector.summary("latency_seconds", quantiles: [0.5, 0.99])
        executions.inc(by: 4, ["pipeline_name": "etl", "status": "success"])
        active.set(2)
        for value in [0.5, 1.5, 1.5, 3] { duration.observe(value) }
        for value in 1...100 { latency.observe(Double(value)) }
        let logs = LogRecorder()
        let exporter = DatadogExporter(
            apiKey: "dd-api-secret", appKey: "dd-app-secret", prefix: "myapp", endpoint: intake.endpoint,
            selfMetrics: MetricsCollector(), logger: logs.logger())
        try exporter.export(collector.collectAll())
        executions.inc(by: 3, ["pipeline_name": "etl", "status": "success"])
        try exporter.export(collector.collectAll())

        let requests = try await intake.received(path: "/api/v2/series")
        #expect(requests.count == 2)
        for request in requests {
            #expect(request["parsed_cleanly"] as? Bool == true, "\(request["decode_error"] ?? "")")
            let headers = request["headers"] as? [String: String] ?? [:]
            #expect(headers["dd-api-key"] == "dd-api-secret")
            #expect(headers["dd-application-key"] == "dd-app-secret")
            #expect(headers["content-encoding"] == "gzip")
        }
        let first = series([requests[0]])
        func named(_ name: String, in list: [[String: Any]]) -> [String: Any]? { list.first { $0["metric"] as? String == name } }
        let counter = try #require(named("myapp.pipeline_executions_total", in: first))
        #expect(counter["type"] as? Int == 1)
        #expect(value(counter) == 4)
        #expect((counter["interval"] as? Int ?? 0) >= 1)
        #expect(counter["tags"] as? [String] == ["pipeline_name:etl", "status:success"])
        #expect(value(named("myapp.pipeline_executions_total", in: series([requests[1]]))) == 3)
        let gauge = try #require(named("myapp.active_pipelines", in: first))
        #expect(gauge["type"] as? Int == 3 && value(gauge) == 2)
        #expect(value(named("myapp.duration_seconds.count", in: first)) == 4)
        #expect(value(named("myapp.duration_seconds.sum", in: first)) == 6.5)
        #expect(value(named("myapp.duration_seconds.avg", in: first)) == 1.625)
        #expect(value(named("myapp.duration_seconds.max", in: first)) == 3)
        #expect(value(named("myapp.duration_seconds.p50", in: first)) == 1.5)
        let p99 = try #require(value(named("myapp.latency_seconds.p99", in: first)))
        #expect(abs(p99 - 99) / 99 <= 0.01)
        #expect(value(named("myapp.latency_seconds.count", in: first)) == 100)
        #expect(!logs.all.contains { $0.message.contains("dd-api-secret") || $0.message.contains("dd-app-secret") })
    }

    @Test("Payloads are split under 500 KB, each holding whole series")
    func splitting() throws {
        let many = (0..<20_000).map {
            DatadogSeries(
                metric: "myapp.metric_\($0)", type: .gauge, interval: nil, points: [.init(timestamp: 1, value: 1)],
                tags: ["host:h\($0)"])
        }
        let payloads = try DatadogExporter.payloads(many)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.bytes.count <= DatadogExporter.maxPayloadBytes })
        #expect(payloads.flatMap { Array($0.series) } == Array(0..<20_000))
        let decoded = try payloads.map { try JSONSerialization.jsonObject(with: Data($0.bytes)) as? [String: Any] }
        #expect(decoded.reduce(0) { $0 + (($1?["series"] as? [Any])?.count ?? 0) } == 20_000)
    }

    @Test("Site selection, refused submissions, and non-finite values")
    func sitesAndErrors() async throws {
        #expect(DatadogExporter(apiKey: "k").endpoint == "https://api.datadoghq.com")
        #expect(DatadogExporter(apiKey: "k", site: "datadoghq.eu").endpoint == "https://api.datadoghq.eu")
        #expect(DatadogExporter(apiKey: "k", site: "us3.datadoghq.com").endpoint == "https://api.us3.datadoghq.com")
        let intake = try await IntakeServer()
        try await intake.script([["status": 403]])
        try collector.gauge("nan_gauge").set(.nan)
        try collector.gauge("ok").set(1)
        let selfMetrics = MetricsCollector()
        let exporter = DatadogExporter(apiKey: "wrong-key", endpoint: intake.endpoint, retry: .none, selfMetrics: selfMetrics)
        do {
            try exporter.export(collector.collectAll())
            Issue.record("no error")
        } catch let error as DatadogError {
            #expect(error.status == 403)
            #expect(!error.description.contains("wrong-key"))
        }
        #expect(selfMetrics.currentValue(
            "telemetry_exporter_dropped_items_total", ["exporter": "datadog", "signal": "metrics", "reason": "invalid_value"]) == 1)

        // The refused increments were not committed: the next accepted export carries them.
        let jobs = try collector.counter("jobs_total")
        jobs.inc(by: 4)
        try await intake.script([["status": 500]])
        #expect(throws: DatadogError.self) { try exporter.export(collector.collectAll()) }
        jobs.inc(by: 3)
        try exporter.export(collector.collectAll())
        let accepted = try await intake.received(path: "/api/v2/series").filter { $0["status"] as? Int == 202 }
        let series = (accepted.last?["request"] as? [String: Any])?["series"] as? [[String: Any]] ?? []
        let sent = series.first { $0["metric"] as? String == "jobs_total" }?["points"] as? [[String: Any]]
        #expect(sent?.first?["value"] as? Double == 7, "4 refused + 3 new: \(series)")
    }

    @Test("Histogram quantile estimation interpolates within buckets")
    func quantileEstimation() {
        let data = HistogramValue(bounds: [1, 2, 4], bucketCounts: [2, 2, 0, 0], sum: 4, min: nil, max: nil)
        #expect(data.estimatedQuantile(0.25) == 0.5)
        #expect(data.estimatedQuantile(0.75) == 1.5)
        #expect(data.estimatedMaximum == 2)
        let overflow = HistogramValue(bounds: [1], bucketCounts: [0, 3], sum: 30, min: 5, max: 15)
        #expect(overflow.estimatedQuantile(0.5) == 15)
        #expect(overflow.estimatedMaximum == 15)
    }
}
