import Foundation
import Telemetry
import TelemetryHTTP
import TelemetryTestSupport
import Testing

@testable import TelemetryExporters

@Suite("CloudWatch: datums it would refuse, throttling, refused requests")
struct CloudWatchFaultTests {
    let collector = MetricsCollector()
    let credentials = CloudWatchExporter.Credentials(accessKeyID: "AKIDTEST", secretAccessKey: "secret-key")

    @Test("Values are form-encoded; out-of-range magnitudes and over-long dimension values are skipped and counted, the rest reach moto")
    func refusedDatumsAreSkipped() async throws {
        let moto = try await MotoServer()
        try collector.gauge("huge").set(1e16)
        try collector.gauge("negative_huge").set(-2.5e20)
        try collector.gauge("tiny").set(1e-200)
        try collector.gauge("zero").set(0)
        try collector.gauge("long_dimension", labels: ["k"]).set(1, ["k": String(repeating: "v", count: 1100)])
        let selfMetrics = MetricsCollector()
        let exporter = CloudWatchExporter(
            namespace: "Edge", region: "us-east-1", endpoint: moto.endpoint, credentials: credentials, selfMetrics: selfMetrics)
        try exporter.export(collector.collectAll())

        let stored = try moto.metrics(namespace: "Edge")
        #expect(Set(stored.compactMap { $0["name"] as? String }) == ["huge", "negative_huge", "zero"], "\(stored)")
        #expect(stored.first { $0["name"] as? String == "huge" }?["maximum"] as? Double == 1e16)
        #expect(stored.first { $0["name"] as? String == "negative_huge" }?["maximum"] as? Double == -2.5e20)
        let labels = ["exporter": "cloudwatch", "signal": "metrics"]
        #expect(selfMetrics.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "invalid_value"]) { $1 }) == 1)
        #expect(selfMetrics.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "invalid_name"]) { $1 }) == 1)
    }

    @Test("Throttling and 500 are retried; a refused request does not stop the next one and its deltas are sent again")
    func refusalsKeepDeltas() async throws {
        let intake = try await IntakeServer()
        let jobs = try collector.counter("jobs_total", labels: ["i"], cardinalityLimit: 5000)
        for index in 0..<1500 { jobs.inc(["i": String(index)]) }
        let throttled = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
        try await intake.script([
            ["status": 400, "body": throttled],
            ["status": 500, "body": "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>"],
            ["status": 200],
            ["status": 403, "body": "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"],
        ])
        let selfMetrics = MetricsCollector()
        let exporter = CloudWatchExporter(
            namespace: "N", region: "us-east-1", endpoint: "\(intake.endpoint)/cloudwatch", credentials: credentials,
            retry: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(20)),
            selfMetrics: selfMetrics)
        #expect(throws: CloudWatchError.self) { try exporter.export(collector.collectAll()) }
        let first = try await intake.received(path: "/cloudwatch")
        #expect(first.map { $0["status"] as? Int } == [400, 500, 200, 403], "the second body is sent after the first failed")
        #expect(selfMetrics.currentValue("telemetry_exporter_retries_total", ["exporter": "cloudwatch", "signal": "metrics"]) == 2)
        let refused = Self.seriesValues(first[3])
        #expect(refused.count == 500 && refused.values.allSatisfy { $0 == 1 })

        // Nothing new: only the refused series are sent again, with their whole increase.
        try exporter.export(collector.collectAll())
        let resent = Self.seriesValues(try await intake.received(path: "/cloudwatch")[4])
        #expect(resent == refused)

        // Accepted series move on from their committed baseline.
        jobs.inc(by: 2, ["i": "7"])
        try exporter.export(collector.collectAll())
        #expect(Self.seriesValues(try await intake.received(path: "/cloudwatch")[5]) == ["7": 2])
    }

    /// Dimension `i` → Value of every datum in one recorded PutMetricData form.
    private static func seriesValues(_ request: [String: Any]) -> [String: Double] {
        let form = request["form"] as? [String: String] ?? [:]
        var result: [String: Double] = [:]
        for (key, dimension) in form where key.hasSuffix(".Dimensions.member.1.Value") {
            let member = key.replacingOccurrences(of: ".Dimensions.member.1.Value", with: "")
            result[dimension] = form["\(member).Value"].flatMap(Double.init)
        }
        return result
    }
}
