import Foundation
import Telemetry
import TelemetryGatewayTesting
import TelemetryHTTP
import TelemetryTestSupport
import Testing

@Suite("telemetry-gateway forwarding")
struct GatewayForwardingTests {
    @Test("OTLP/JSON traces and logs are forwarded upstream; received metrics are folded for StatsD")
    func jsonLogsAndFoldedMetrics() async throws {
        let upstream = try await IntakeServer()
        let udp = try UDPReceiver()
        let gateway = try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            processors:
              batch: {timeout: 50ms}
            exporters:
              otlphttp:
                endpoint: \(upstream.endpoint)
              statsd:
                endpoint: 127.0.0.1:\(udp.port)
                prefix: gw
                interval: 200ms
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
                logs: {receivers: [otlp], processors: [batch], exporters: [otlphttp]}
                metrics: {receivers: [otlp], processors: [batch], exporters: [otlphttp, statsd]}
              telemetry: {metrics: {level: none}}
            """)
        let json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
              "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
              "name":"json span","kind":3,"startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]}
            """
        let response = try OTLPRequests.post(Array(json.utf8), to: "\(gateway.url)/v1/traces", contentType: "application/json")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json" && String(decoding: response.body, as: UTF8.self) == "{}")

        let logs = """
            {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","severityNumber":9,
              "body":{"stringValue":"hello"}},{"body":{"stringValue":"world"}}]}]}]}
            """
        #expect(try OTLPRequests.post(Array(logs.utf8), to: "\(gateway.url)/v1/logs", contentType: "application/json").status == 200)

        // Two delta intervals of 4 each, the second starting where the first ended (as SDKs send them).
        for interval in 1...2 {
            let metrics = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
                  "scopeMetrics":[{"metrics":[{"name":"jobs.done","sum":{"aggregationTemporality":1,"isMonotonic":true,
                  "dataPoints":[{"asInt":"4","startTimeUnixNano":"\(interval)","timeUnixNano":"\(interval + 1)"}]}}]}]}]}
                """
            #expect(try OTLPRequests.post(Array(metrics.utf8), to: "\(gateway.url)/v1/metrics", contentType: "application/json").status == 200)
        }

        let delivered = await waitUntil(timeout: 10) {
            let spans = (try? await upstream.acceptedSpans()) ?? []
            let logRequests = (try? await upstream.received(path: "/v1/logs")) ?? []
            return spans.count == 1 && logRequests.count == 1
        }
        #expect(delivered, "gateway log: \(gateway.logText())")
        let span = try #require(try await upstream.acceptedSpans().first)
        #expect(span.string("trace_id") == "5b8efff798038103d269b633813fc60c")
        #expect(span.string("kind") == "SPAN_KIND_CLIENT")
        let logRecords = try await upstream.received(path: "/v1/logs").first?["request"] as? [String: Any]
        let records = ((logRecords?["resource_logs"] as? [[String: Any]])?.first?["scope_logs"] as? [[String: Any]])?
            .first?["log_records"] as? [[String: Any]]
        #expect(records?.count == 2)

        // Two delta requests of 4 fold into a cumulative 8; StatsD receives the increase.
        try await Task.sleep(for: .milliseconds(600))
        let lines = udp.receive().flatMap { $0.split(separator: "\n").map(String.init) }
        let total = lines.filter { $0.hasPrefix("gw.jobs_done:") }
            .compactMap { Double($0.dropFirst("gw.jobs_done:".count).split(separator: "|")[0]) }.reduce(0, +)
        #expect(total == 8, "\(lines)")
        #expect(lines.contains { $0.contains("service_name:json-svc") })
        #expect(gateway.shutdown())
    }
}
