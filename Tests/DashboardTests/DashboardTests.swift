import Foundation
import Telemetry
import TelemetryExporters
import TelemetryTestSupport
import Testing

@Suite("Dashboards and alert rules")
struct DashboardTests {
    static let folder = TestPeers.packageRoot.appendingPathComponent("Dashboards")

    /// Every PromQL expression of the dashboard's panels, with Grafana's variables filled in.
    static func panelQueries(file: String = "grafana_pipeline_dashboard.json") throws -> [(title: String, expr: String)] {
        let data = try Data(contentsOf: folder.appendingPathComponent(file))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (dashboard["panels"] as? [[String: Any]] ?? []).flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { target in
                (target["expr"] as? String).map { (panel["title"] as? String ?? "", $0) }
            }
        }
    }

    static func resolved(_ expr: String) -> String {
        expr.replacingOccurrences(of: "$pipeline", with: ".*").replacingOccurrences(of: "$exporter", with: ".*")
            .replacingOccurrences(of: "$__rate_interval", with: "30s")
    }

    /// Every rule expression of a rules file (the YAML is simple enough to read line by line).
    static func ruleExpressions(file: String = "alert_rules.yml") throws -> [String] {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        var expressions: [String] = []
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("expr:") {
                if let current { expressions.append(current) }
                let inline = trimmed.dropFirst(5).trimmingCharacters(in: .whitespaces)
                current = inline == "|" ? "" : inline
            } else if trimmed.hasPrefix("for:") || trimmed.hasPrefix("labels:") || trimmed.hasPrefix("- alert:") {
                if let finished = current { expressions.append(finished) }
                current = nil
            } else if current != nil {
                current? += " " + trimmed
            }
        }
        return expressions
    }

    @Test("The dashboard has every required panel and the pipeline and datasource variables")
    func dashboardShape() throws {
        let titles = Set(try Self.panelQueries().map(\.title))
        for required in [
            "Pipeline execution rate", "Success rate", "Active pipelines", "Pipeline duration (P95)",
            "Step duration by name (P95)", "Error rate by type", "API calls per pipeline", "Cost per hour",
            "Throughput (items/sec)", "Memory usage", "CPU usage",
        ] {
            #expect(titles.contains(required), "missing panel \(required)")
        }
        let text = try String(contentsOf: Self.folder.appendingPathComponent("grafana_pipeline_dashboard.json"), encoding: .utf8)
        #expect(text.contains("\"type\": \"datasource\"") && text.contains("\"name\": \"pipeline\""))
        #expect(text.contains("\"schemaVersion\": 39"))
    }

    @Test("promtool check rules passes and promtool test rules runs a firing and a quiet case for every alert")
    func promtool() throws {
        let promtool = try TestPeers.executable("promtool")
        let check = try runProcess(promtool, ["check", "rules", Self.folder.appendingPathComponent("alert_rules.yml").path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: 10 rules found"))
        let test = try runProcess(promtool, ["test", "rules", Self.folder.appendingPathComponent("alert_rules_test.yml").path])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        let tests = try String(contentsOf: Self.folder.appendingPathComponent("alert_rules_test.yml"), encoding: .utf8)
        for alert in ["PipelineHighErrorRate", "PipelineDurationAnomaly", "PipelineHighCost", "PipelineLowThroughput",
            "ProcessHighMemoryUsage", "PipelineNoExecutions", "PipelineHighStepFailureRate",
            "PipelineAPIRateLimitApproaching", "ProcessHighCPUUsage", "PipelineQueueDepthGrowing"]
        {
            #expect(tests.contains("name: \(alert) fires") && tests.contains("name: \(alert) stays quiet"), "\(alert)")
        }
    }

    private struct StepFailed: Error {}

    @Test("Every metric name in the dashboard and the rules is one the library emits")
    func metricNamesExist() async throws {
        let collector = MetricsCollector()
        let metrics = try PipelineMetrics(collector: collector)
        _ = try ProcessMetrics(collector: collector)
        metrics.setQueueDepth(3, pipeline: "etl")
        await #expect(throws: StepFailed.self) {
            try await metrics.track(pipeline: "etl") { run in
                run.apiCall("warehouse")
                run.cost(usd: 0.5)
                run.processed(10)
                try await run.step("load") { throw StepFailed() }
            }
        }
        let exposed = Set(
            PrometheusExporter().renderedSampleNames(collector))
        let expressions = try Self.panelQueries().map(\.expr) + Self.ruleExpressions()
        #expect(expressions.count >= 21)
        let pattern = try NSRegularExpression(pattern: #"\b(pipeline|process)_[a-z_]+\b"#)
        var used = Set<String>()
        for expr in expressions {
            for match in pattern.matches(in: expr, range: NSRange(expr.startIndex..., in: expr)) {
                if let range = Range(match.range, in: expr) { used.insert(String(expr[range])) }
            }
        }
        #expect(used.count >= 12)
        for name in used {
            #expect(exposed.contains(name), "\(name) is used but not emitted")
        }
    }

    @Test("A real Prometheus with the rules loaded scrapes the demo pipeline; every panel query parses and returns data")
    func panelsAgainstRealPrometheus() async throws {
        let port = try freeLoopbackPort()
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: try TestPeers.builtProduct("telemetry-demo"))
        // Long enough for a busy test run: the test stops it when done.
        demo.arguments = ["--serve", String(port), "--seconds", "900"]
        demo.standardOutput = FileHandle.nullDevice
        demo.standardError = FileHandle.nullDevice
        try demo.run()
        defer { stopProcess(demo) }
        let prometheus = try PrometheusServer(
            targets: ["127.0.0.1:\(port)"], ruleFiles: [Self.folder.appendingPathComponent("alert_rules.yml").path])
        defer { prometheus.stop() }
        try await prometheus.waitUntilReady()
        let scraped = try await waitUntil(timeout: 60) {
            (try await prometheus.query("rate(pipeline_executions_total[30s]) > 0")).count >= 2
        }
        #expect(scraped, "Prometheus log: \(prometheus.logText())")
        for (title, expr) in try Self.panelQueries() {
            let result = try await prometheus.query(Self.resolved(expr))
            #expect(!result.isEmpty, "panel \(title) returned no data for \(Self.resolved(expr))")
        }
        let rules = try await httpRequest("\(prometheus.url)/api/v1/rules")
        let json = try JSONSerialization.jsonObject(with: rules.body) as? [String: Any]
        let loaded = ((json?["data"] as? [String: Any])?["groups"] as? [[String: Any]])?.flatMap {
            $0["rules"] as? [[String: Any]] ?? []
        } ?? []
        #expect(loaded.count == 10)
        #expect(loaded.allSatisfy { $0["health"] as? String != "err" }, "\(loaded.map { $0["lastError"] ?? "" })")
    }
}
