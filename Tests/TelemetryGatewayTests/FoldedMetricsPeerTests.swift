import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

/// Received metrics folded for the backends, checked at the backends themselves with a real client.
@Suite("Gateway: folded metrics at every backend")
struct FoldedMetricsPeerTests {
    @Test("The official Python SDK with delta temporality: 5 then 2 is 7 at Prometheus, StatsD, CloudWatch (moto) and Datadog")
    func deltaTemporality() async throws {
        let udp = try UDPReceiver()
        let moto = try await MotoServer()
        let datadog = try await IntakeServer()
        let gateway = try await GatewayProcess(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:RECEIVER_PORT
            exporters:
              prometheus:
                endpoint: 127.0.0.1:PROMETHEUS_PORT
              statsd:
                endpoint: 127.0.0.1:\(udp.port)
                interval: 200ms
              cloudwatch:
                namespace: Delta
                region: us-east-1
                endpoint: \(moto.endpoint)
                interval: 200ms
              datadog:
                api: {key: test-key}
                metrics: {endpoint: \(datadog.endpoint)}
                interval: 200ms
            service:
              pipelines:
                metrics: {receivers: [otlp], exporters: [prometheus, statsd, cloudwatch, datadog]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """, environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"])
        let output = try TestPeers.runPython("otel_sdk_delta.py", [gateway.url])
        try #require(output.status == 0, "the SDK failed: \(output.stderr)")

        let metricsURL = "http://127.0.0.1:\(gateway.prometheusPort)/metrics"
        _ = await waitUntil(timeout: 10) {
            (try? await httpRequest(metricsURL))?.text.contains("jobs_done_total{queue=\"a\",service_name=\"delta-service\"} 7") == true
        }
        let text = try await httpRequest(metricsURL).text
        #expect(text.contains("jobs_done_total{queue=\"a\",service_name=\"delta-service\"} 7"), "\(text)")
        #expect(text.contains("job_seconds_count{queue=\"a\",service_name=\"delta-service\"} 3"))
        #expect(text.contains("job_seconds_sum{queue=\"a\",service_name=\"delta-service\"} 9"))
        #expect(text.contains("job_seconds_bucket{queue=\"a\",service_name=\"delta-service\",le=\"2\"} 1"))

        try await Task.sleep(for: .milliseconds(800))
        let lines = udp.receive().flatMap { $0.split(separator: "\n").map(String.init) }
        let statsdTotal = lines.filter { $0.hasPrefix("jobs_done:") }
            .compactMap { Double($0.dropFirst("jobs_done:".count).split(separator: "|")[0]) }.reduce(0, +)
        #expect(statsdTotal == 7, "\(lines)")

        let stored = try moto.metrics(namespace: "Delta")
        #expect(stored.first { $0["name"] as? String == "jobs_done" }?["sum"] as? Double == 7, "\(stored)")
        let histogram = stored.first { $0["name"] as? String == "job_seconds" }
        #expect(histogram?["sample_count"] as? Double == 3 && histogram?["sum"] as? Double == 9)

        let series = try await datadog.received(path: "/api/v2/series").filter { $0["status"] as? Int == 202 }
            .flatMap { (($0["request"] as? [String: Any])?["series"] as? [[String: Any]]) ?? [] }
        let counts = series.filter { $0["metric"] as? String == "jobs_done" }
            .flatMap { ($0["points"] as? [[String: Any]]) ?? [] }.compactMap { $0["value"] as? Double }
        #expect(counts.reduce(0, +) == 7, "\(counts)")
        #expect(gateway.terminate() == 0)
    }
}
