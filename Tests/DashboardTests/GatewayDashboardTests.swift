import Foundation
import Telemetry
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// The gateway's dashboard and alerts, against a real gateway process and a real Prometheus.
@Suite("Gateway dashboard and alert rules")
struct GatewayDashboardTests {
    static let dashboard = "grafana_gateway_dashboard.json"
    static let rules = "gateway_alert_rules.yml"
    static let alerts = [
        "GatewayDiskQueueOldestRecordAge", "GatewayDiskQueueDamaged", "GatewayDiskQueueErrors", "GatewayExporterDropping",
        "GatewaySendingQueueNearlyFull", "GatewayTailSamplingBufferNearlyFull", "GatewayTailSamplingEarlyDecisions",
    ]
    /// Panels whose series exist only after an event this test does not cause (a disk that fails to
    /// write, a load-balancing endpoint removed by DNS).
    static let failureOnlyPanels: Set = ["Disk queue I/O errors/s", "Load balancer re-routed items/s"]
    /// Traces posted again and again, so that tail sampling sees spans of traces it already decided.
    static let repeatedTraces = (0..<3).map { _ in TraceID.random() }

    @Test("promtool check rules passes and promtool test rules runs a firing and a quiet case for every gateway alert")
    func promtool() throws {
        let promtool = try TestPeers.executable("promtool")
        let check = try runProcess(promtool, ["check", "rules", DashboardTests.folder.appendingPathComponent(Self.rules).path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: \(Self.alerts.count) rules found"))
        let test = try runProcess(promtool, ["test", "rules", DashboardTests.folder.appendingPathComponent("gateway_alert_rules_test.yml").path])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        let tests = try String(contentsOf: DashboardTests.folder.appendingPathComponent("gateway_alert_rules_test.yml"), encoding: .utf8)
        for alert in Self.alerts {
            #expect(tests.contains("name: \(alert) fires") && tests.contains("name: \(alert) stays quiet"), "\(alert)")
        }
    }

    /// A gateway with a disk queue whose upstream is down, a torn tail repaired at its last start, a
    /// second disk queue small enough to drop, a second receiver whose small queue pushes back, and a tail
    /// sampler too small for its traffic in front of a load balancer.
    static func degradedGateway() async throws -> GatewayProcess {
        let downPort = try freeLoopbackPort()
        let blockingPort = try freeLoopbackPort()
        let gateway = try await GatewayProcess(yaml: """
            receivers:
              otlp:
                protocols:
                  http: {endpoint: 127.0.0.1:RECEIVER_PORT}
              otlp/blocking:
                protocols:
                  http: {endpoint: 127.0.0.1:\(blockingPort)}
            processors:
              memory_limiter: {limit_mib: 256}
              batch: {timeout: 20ms}
              tail_sampling:
                num_traces: 10
                decision_wait: 1s
                policies:
                  - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
                  - {name: half, type: probabilistic, probabilistic: {sampling_percentage: 50}}
            exporters:
              loadbalancing:
                resolver: {static: {hostnames: ["127.0.0.1:\(downPort)"]}}
              otlphttp/durable:
                endpoint: http://127.0.0.1:\(downPort)
                retry_on_failure: {initial_interval: 50ms, max_interval: 200ms}
                sending_queue: {storage: disk, directory: STATE_DIR/queue, segment_bytes: 4096}
              otlphttp/small:
                endpoint: http://127.0.0.1:\(downPort)
                sending_queue: {storage: disk, directory: STATE_DIR/queue, max_bytes: 4096, when_full: drop_newest}
              otlphttp/blocking:
                endpoint: http://127.0.0.1:\(downPort)
                sending_queue: {storage: disk, directory: STATE_DIR/queue, max_bytes: 4096, when_full: block}
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp/durable, otlphttp/small]}
                traces/blocking: {receivers: [otlp/blocking], exporters: [otlphttp/blocking]}
                traces/tail: {receivers: [otlp], processors: [tail_sampling], exporters: [loadbalancing]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """, shutdownTimeout: 1)
        for _ in 0..<3 { try await post(gateway, spans: 20) }
        // A torn tail, as a power loss leaves it: cut the last segment, restart.
        gateway.kill()
        let queue = gateway.folder.appendingPathComponent("state/queue/otlphttp_durable/traces").path
        let last = try #require(try FileManager.default.contentsOfDirectory(atPath: queue).filter { $0.hasSuffix(".seg") }.sorted().last)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: queue + "/" + last))
        try handle.truncate(atOffset: try handle.seekToEnd() - 3)
        try handle.close()
        try await gateway.start()
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await post(to: "http://127.0.0.1:\(blockingPort)", spans: 20)) }
        #expect(statuses.contains(429), "the small blocking queue pushes back: \(statuses)")
        return gateway
    }

    static func post(_ gateway: GatewayProcess, spans: Int) async throws {
        #expect(try await post(to: gateway.url, spans: spans) == 200)
    }

    /// Posts `spans` spans (of new traces, or of `traces` in turn) to the receiver at `url`; returns the status.
    static func post(to url: String, spans: Int, traces: [TraceID] = []) async throws -> Int {
        let data = (0..<spans).map { index in
            SpanData(
                name: "span-\(index)", context: SpanContext(traceID: traces.isEmpty ? .random() : traces[index % traces.count], spanID: .random()),
                parent: nil, kind: .server, startTimeNanos: 1, endTimeNanos: 2)
        }
        let body = Data(OTLPTraceEncoder(resource: Resource(serviceName: "dashboard")).encode(data))
        return try await httpRequest("\(url)/v1/traces", method: "POST", headers: ["Content-Type": "application/x-protobuf"], body: body).status
    }

    @Test("A real Prometheus scrapes a degraded gateway: every metric name exists, every panel query returns data, every rule loads")
    func panelsAgainstRealPrometheus() async throws {
        let gateway = try await Self.degradedGateway()
        let prometheus = try PrometheusServer(
            targets: ["127.0.0.1:\(gateway.telemetryPort)"],
            ruleFiles: [DashboardTests.folder.appendingPathComponent(Self.rules).path])
        defer { prometheus.stop() }
        try await prometheus.waitUntilReady()
        // Keep traffic flowing until every rate has two samples (series appear as events first happen).
        let panels = try DashboardTests.panelQueries(file: Self.dashboard).filter { !Self.failureOnlyPanels.contains($0.title) }
        let scraped = try await waitUntil(timeout: 90) {
            try await Self.post(gateway, spans: 5)
            _ = try await Self.post(to: gateway.url, spans: 3, traces: Self.repeatedTraces)
            for panel in panels where (try await prometheus.query(DashboardTests.resolved(panel.expr))).isEmpty { return false }
            return true
        }
        #expect(scraped, "Prometheus log: \(prometheus.logText())")

        let exposition = String(
            decoding: try await httpRequest("http://127.0.0.1:\(gateway.telemetryPort)/metrics").body, as: UTF8.self)
        let expressions = try DashboardTests.panelQueries(file: Self.dashboard).map(\.expr) + DashboardTests.ruleExpressions(file: Self.rules)
        let pattern = try NSRegularExpression(pattern: #"\btelemetry_[a-z_]+\b"#)
        var used = Set<String>()
        for expr in expressions {
            for match in pattern.matches(in: expr, range: NSRange(expr.startIndex..., in: expr)) {
                if let range = Range(match.range, in: expr) { used.insert(String(expr[range])) }
            }
        }
        #expect(used.count >= 14)
        for name in used {
            #expect(exposition.contains("# TYPE \(name.replacingOccurrences(of: "_bucket", with: "")) "), "\(name) is used but the gateway does not declare it")
        }
        for (title, expr) in try DashboardTests.panelQueries(file: Self.dashboard) {
            let result = try await prometheus.query(DashboardTests.resolved(expr))
            if !Self.failureOnlyPanels.contains(title) {
                #expect(!result.isEmpty, "panel \(title) returned no data for \(DashboardTests.resolved(expr))")
            }
        }
        let firing = try await waitUntil(timeout: 20) {
            (try await prometheus.query("ALERTS{alertname=\"GatewayDiskQueueDamaged\"}")).count == 1
        }
        #expect(firing, "the repaired torn tail fires GatewayDiskQueueDamaged")
        #expect(gateway.terminate() != nil)
    }
}
