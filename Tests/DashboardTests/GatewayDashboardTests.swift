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
              prometheus: {endpoint: "127.0.0.1:PROMETHEUS_PORT"}
            connectors:
              spanmetrics: {metrics_flush_interval: 1s}
            service:
              pipelines:
                traces/red: {receivers: [otlp], exporters: [spanmetrics]}
                metrics/red: {receivers: [spanmetrics], exporters: [prometheus]}
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

    /// Posts `count` spans named `name` of service `service`, each `millis` long, with `status`.
    static func postTimed(
        to url: String, service: String = "checkout", name: String, count: Int, millis: UInt64, status: StatusCode = .unset
    ) async throws -> Int {
        let body = Data(timedBody(service: service, name: name, count: count, millis: millis, status: status))
        return try await httpRequest("\(url)/v1/traces", method: "POST", headers: ["Content-Type": "application/x-protobuf"], body: body).status
    }

    /// A trace request of `count` spans of service `service`, each `millis` long, with `status`.
    static func timedBody(service: String, name: String, count: Int, millis: UInt64, status: StatusCode = .unset) -> [UInt8] {
        let start: UInt64 = 1_700_000_000_000_000_000
        let data = (0..<count).map { _ in
            SpanData(
                name: name, context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .server,
                startTimeNanos: start, endTimeNanos: start + millis * 1_000_000, status: TelemetrySpanStatus(code: status))
        }
        return OTLPTraceEncoder(resource: Resource(serviceName: service)).encode(data)
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
            targets: ["127.0.0.1:\(gateway.telemetryPort)", "127.0.0.1:\(gateway.prometheusPort)"],
            ruleFiles: [DashboardTests.folder.appendingPathComponent(Self.rules).path])
        defer { prometheus.stop() }
        try await prometheus.waitUntilReady()
        // Keep traffic flowing until every rate has two samples (series appear as events first happen).
        let panels = try DashboardTests.panelQueries(file: Self.dashboard).filter { !Self.failureOnlyPanels.contains($0.title) }
        let scraped = try await waitUntil(timeout: 90) {
            try await Self.post(gateway, spans: 5)
            _ = try await Self.post(to: gateway.url, spans: 3, traces: Self.repeatedTraces)
            _ = try await Self.postTimed(to: gateway.url, name: "GET /cart", count: 4, millis: 30)
            _ = try await Self.postTimed(to: gateway.url, name: "GET /cart", count: 1, millis: 30, status: .error)
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

    @Test("spanmetrics through the prometheus exporter and a real Prometheus: calls_total, rate and histogram_quantile answer what the spans imply")
    func spanMetricsAgainstRealPrometheus() async throws {
        let gateway = try await GatewayProcess(yaml: """
            receivers:
              otlp:
                protocols:
                  http: {endpoint: 127.0.0.1:RECEIVER_PORT}
            exporters:
              prometheus: {endpoint: "127.0.0.1:PROMETHEUS_PORT"}
            connectors:
              spanmetrics: {metrics_flush_interval: 1s}
            service:
              pipelines:
                traces: {receivers: [otlp], exporters: [spanmetrics]}
                metrics: {receivers: [spanmetrics], exporters: [prometheus]}
              telemetry: {metrics: {address: "127.0.0.1:TELEMETRY_PORT"}}
            """, shutdownTimeout: 1)
        let prometheus = try PrometheusServer(targets: ["127.0.0.1:\(gateway.prometheusPort)"])
        defer { prometheus.stop() }
        try await prometheus.waitUntilReady()
        // 20 calls every 500 ms for 12 s: 40 calls/s of /pay, all 30 ms long (in the (10, 50] ms bucket), 1 in 4 an error.
        // Paced on a thread of its own, so the rate holds however busy the cooperative pool is.
        let ok = Self.timedBody(service: "payments", name: "/pay", count: 15, millis: 30)
        let failed = Self.timedBody(service: "payments", name: "/pay", count: 5, millis: 30, status: .error)
        let url = gateway.url + "/v1/traces"
        let (sent, errors, refused) = try await offCooperativePool { () throws -> (Int, Int, Int) in
            var (sent, errors, refused) = (0, 0, 0)
            let end = Date().addingTimeInterval(12)
            while Date() < end {
                if try OTLPRequests.post(ok, to: url).status == 200 { sent += 15 } else { refused += 1 }
                if try OTLPRequests.post(failed, to: url).status == 200 { (sent, errors) = (sent + 5, errors + 5) } else { refused += 1 }
                Thread.sleep(forTimeInterval: 0.5)
            }
            return (sent, errors, refused)
        }
        #expect(refused == 0)
        let sendingEnded = Date()
        let selector = #"service_name="payments",span_name="/pay""#
        let counted = await waitUntil(timeout: 15) {
            (try? await prometheus.queryValue("sum(traces_span_metrics_calls_total{\(selector)})")) == Double(sent)
        }
        #expect(counted, "calls_total reaches the \(sent) spans sent")
        let errorTotal = try await prometheus.queryValue(#"sum(traces_span_metrics_calls_total{\#(selector),status_code="STATUS_CODE_ERROR"})"#)
        #expect(errorTotal == Double(errors))
        // An 8 s window ending 2 s before the sending ended (the flush and the scrape lag by about a second each),
        // however long the totals took to arrive.
        let offset = Int(Date().timeIntervalSince(sendingEnded).rounded(.up)) + 2
        let rate = try #require(try await prometheus.queryValue("sum(rate(traces_span_metrics_calls_total{\(selector)}[8s] offset \(offset)s))"))
        #expect(rate > 20 && rate < 60, "about 40 calls/s, not \(rate)")
        // Every span in (10, 50]: Prometheus interpolates linearly inside the bucket.
        let p50 = try #require(try await prometheus.queryValue("histogram_quantile(0.5, sum by (le) (traces_span_metrics_duration_bucket{\(selector)}))"))
        let p99 = try #require(try await prometheus.queryValue("histogram_quantile(0.99, sum by (le) (traces_span_metrics_duration_bucket{\(selector)}))"))
        #expect(abs(p50 - 30) < 0.001 && abs(p99 - 49.6) < 0.001, "p50 \(p50), p99 \(p99)")
        let sum = try await prometheus.queryValue("sum(traces_span_metrics_duration_sum{\(selector)})")
        #expect(sum == Double(sent * 30))
        #expect(gateway.terminate() != nil)
    }
}
