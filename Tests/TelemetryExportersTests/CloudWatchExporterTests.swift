import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryExporters

@Suite("CloudWatch PutMetricData")
struct CloudWatchExporterTests {
    let collector = MetricsCollector()
    let credentials = CloudWatchExporter.Credentials(accessKeyID: "AKIDTEST", secretAccessKey: "secret-key", sessionToken: "token")

    @Test("A real moto_server stores what was exported; GetMetricData returns the recorded sums")
    func motoRoundTrip() async throws {
        let moto = try await MotoServer()
        let executions = try collector.counter("pipeline_executions_total", labels: ["pipeline_name", "status"])
        let active = try collector.gauge("active_pipelines")
        let duration = try collector.histogram("pipeline_duration_seconds", buckets: [1, 10])
        let broken = try collector.gauge("broken")
        executions.inc(by: 5, ["pipeline_name": "etl", "status": "success"])
        active.set(3)
        duration.observe(0.5)
        duration.observe(4)
        broken.set(.nan)
        let selfMetrics = MetricsCollector()
        let exporter = CloudWatchExporter(
            namespace: "MyApplication", region: "us-east-1", endpoint: moto.endpoint, credentials: credentials,
            selfMetrics: selfMetrics)
        try exporter.export(collector.collectAll())
        executions.inc(by: 2, ["pipeline_name": "etl", "status": "success"])
        duration.observe(20)
        try exporter.export(collector.collectAll())

        let stored = try moto.metrics(namespace: "MyApplication")
        func metric(_ name: String) -> [String: Any]? { stored.first { $0["name"] as? String == name } }
        let counter = try #require(metric("pipeline_executions_total"))
        #expect(counter["sum"] as? Double == 7, "5 then 2: per-interval deltas")
        #expect(counter["dimensions"] as? [String: String] == ["pipeline_name": "etl", "status": "success"])
        #expect(metric("active_pipelines")?["maximum"] as? Double == 3)
        let histogram = try #require(metric("pipeline_duration_seconds"))
        #expect(histogram["sample_count"] as? Double == 3)
        #expect(histogram["sum"] as? Double == 24.5)
        #expect(metric("broken") == nil, "NaN is skipped")
        #expect(selfMetrics.currentValue(
            "telemetry_exporter_dropped_items_total", ["exporter": "cloudwatch", "signal": "metrics", "reason": "invalid_value"]) == 2)
    }

    @Test("Requests are signed with SigV4 and carry the session token")
    func signing() async throws {
        let receiver = try await IntakeServer()
        try collector.gauge("g").set(1)
        let exporter = CloudWatchExporter(
            namespace: "N", region: "eu-west-1", endpoint: "\(receiver.endpoint)/v1/logs", credentials: credentials,
            retry: .none, selfMetrics: MetricsCollector())
        #expect(throws: CloudWatchError.self) { try exporter.export(collector.collectAll()) }
        let headers = try #require(try await receiver.received().first?["headers"] as? [String: String])
        let authorization = try #require(headers["authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTEST/"))
        #expect(authorization.contains("/eu-west-1/monitoring/aws4_request"))
        #expect(!authorization.contains("secret-key"))
        #expect(headers["x-amz-security-token"] == "token")
        #expect(headers["x-amz-date"] != nil)
    }

    @Test("Missing credentials fail with a message naming the variables")
    func missingCredentials() throws {
        guard CloudWatchExporter.Credentials.fromEnvironment() == nil else { return }
        let exporter = CloudWatchExporter(namespace: "N", region: "us-east-1", selfMetrics: MetricsCollector())
        do {
            try exporter.export(collector.collectAll())
            Issue.record("no error")
        } catch let error as CloudWatchError {
            #expect(error.message.contains("AWS_ACCESS_KEY_ID"))
        }
    }

    @Test("At most 1000 datums and 1 MB per request; at most 30 dimensions; empty dimension values left out")
    func limits() {
        let source = DeltaConverter.SeriesKey(family: "m", labels: [])
        let datums = (0..<2500).map {
            CloudWatchDatum(name: "m\($0)", dimensions: [(name: "k", value: "v")], payload: .value(1), unit: "Count", source: source)
        }
        let bodies = CloudWatchRequestEncoder.bodies(namespace: "N", timestamp: "2026-01-01T00:00:00Z", datums: datums)
        #expect(bodies.count == 3)
        let counts = bodies.map { String(decoding: $0.bytes, as: UTF8.self).components(separatedBy: ".MetricName=").count - 1 }
        #expect(counts == [1000, 1000, 500])
        #expect(bodies.map(\.datums) == [0..<1000, 1000..<2000, 2000..<2500])
        let big = (0..<950).map {
            CloudWatchDatum(
                name: "m\($0)", dimensions: [(name: "k", value: String(repeating: "x", count: 1024)), (name: "i", value: "\($0)")],
                payload: .value(1), unit: "None", source: source)
        }
        let bigBodies = CloudWatchRequestEncoder.bodies(namespace: "N", timestamp: "t", datums: big)
        #expect(bigBodies.count >= 2 && bigBodies.allSatisfy { $0.bytes.count <= 1_000_000 })
        #expect(bigBodies.flatMap { Array($0.datums) } == Array(0..<950))
        let labels = (0..<35).map { Label(name: "l\($0)", value: "v") } + [Label(name: "empty", value: "")]
        let snapshot = MetricsSnapshot(
            families: [MetricFamily(name: "g", help: "", kind: .gauge, labelNames: [], points: [
                MetricPoint(labels: labels, startTimeNanos: 0, value: .gauge(1)),
            ])], timestampNanos: 0)
        let mapped = CloudWatchMapping.datums(snapshot)
        #expect(mapped.datums.first?.dimensions.count == 30 && mapped.truncatedDimensions)
        #expect(CloudWatchRequestEncoder.formEncoded("a b/é") == "a%20b%2F%C3%A9")
        #expect(CloudWatchExporter.iso8601(784_111_777_000_000_000) == "1994-11-06T08:49:37Z")
    }
}
