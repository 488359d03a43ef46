import Foundation
import NIOCore
import NIOPosix
import Telemetry
import TelemetryExporters
import TelemetryTestSupport
import Testing

@Suite("Prometheus /metrics endpoint")
struct PrometheusEndpointTests {
    @Test("Collects fresh on every scrape and negotiates the format from Accept")
    func freshScrapesAndNegotiation() async throws {
        let collector = MetricsCollector()
        let requests = try collector.counter("http_requests_total", help: "Requests", labels: ["code"])
        let exporter = try PrometheusExporter(prefix: "myapp", port: 0, collector: collector)
        defer { exporter.shutdown() }
        let port = try #require(exporter.boundPort)
        let url = "http://127.0.0.1:\(port)/metrics"

        requests.inc(["code": "200"])
        let first = try await httpRequest(url)
        #expect(first.status == 200)
        #expect(first.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(first.text.contains("myapp_http_requests_total{code=\"200\"} 1\n"))

        requests.inc(["code": "200"])
        let openMetrics = try await httpRequest(
            url, headers: ["Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"])
        #expect(openMetrics.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(openMetrics.text.contains("myapp_http_requests_total{code=\"200\"} 2\n"))
        #expect(openMetrics.text.hasSuffix("# EOF\n"))

        let refused = try await httpRequest(url, headers: ["Accept": "application/openmetrics-text;q=0,text/plain"])
        #expect(refused.headers["content-type"]?.hasPrefix("text/plain") == true)
    }

    @Test("Started and stopped from an event-loop thread without trapping; scrapes do not run on the application's loops")
    func startAndStopOnAnEventLoop() async throws {
        let collector = MetricsCollector()
        try collector.gauge("ready").set(1)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let exporter = try await loop.submit {
            try PrometheusExporter(port: 0, collector: collector)
        }.get()
        let port = try #require(exporter.boundPort)
        // The application's loop is blocked until the scrape has been answered: answering proves the
        // endpoint does not need it.
        let release = DispatchSemaphore(value: 0)
        let busy = loop.submit { release.wait() }
        let scrape = try? await httpRequest("http://127.0.0.1:\(port)/metrics", timeout: 10)
        release.signal()
        try await busy.get()
        #expect(scrape?.text.contains("ready 1") == true, "the scrape waited for the application's event loop")
        try await loop.submit { exporter.shutdown() }.get()
        let refused = await waitUntil(timeout: 5) { (try? await httpRequest("http://127.0.0.1:\(port)/metrics", timeout: 1)) == nil }
        #expect(refused, "the endpoint still answers after shutdown")
    }

    @Test("Unknown paths answer 404 and other methods 405; the server keeps serving")
    func errors() async throws {
        let exporter = try PrometheusExporter(port: 0, collector: MetricsCollector())
        defer { exporter.shutdown() }
        let base = "http://127.0.0.1:\(try #require(exporter.boundPort))"
        #expect(try await httpRequest("\(base)/nope").status == 404)
        let post = try await httpRequest("\(base)/metrics", method: "POST", body: Data("x".utf8))
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        #expect(try await httpRequest("\(base)/metrics?debug=1").status == 200)
    }

    @Test("Binding a port that is taken throws instead of crashing")
    func portInUse() throws {
        let first = try PrometheusExporter(port: 0)
        defer { first.shutdown() }
        let port = try #require(first.boundPort)
        #expect(throws: (any Error).self) { try PrometheusExporter(port: port) }
    }

    @Test("A real Prometheus server scrapes the endpoint and returns the values through its query API")
    func realPrometheusScrape() async throws {
        let collector = MetricsCollector()
        let executions = try collector.counter(
            "pipeline_executions_total", help: "Total pipeline executions", labels: ["pipeline_name", "status"])
        let duration = try collector.histogram("pipeline_duration_seconds", labels: ["pipeline_name"], buckets: [1, 5])
        let active = try collector.gauge("active_pipelines")
        executions.inc(by: 7, ["pipeline_name": "etl", "status": "success"])
        duration.observe(3, ["pipeline_name": "etl"])
        duration.observe(0.5, ["pipeline_name": "etl"])
        active.set(4)
        let exporter = try PrometheusExporter(prefix: "myapp", port: 0, collector: collector)
        defer { exporter.shutdown() }
        let prometheus = try PrometheusServer(targets: ["127.0.0.1:\(try #require(exporter.boundPort))"])
        defer { prometheus.stop() }
        try await prometheus.waitUntilReady()

        let query = "myapp_pipeline_executions_total{pipeline_name=\"etl\",status=\"success\"}"
        let scraped = try await waitUntil(timeout: 30) { try await prometheus.queryValue(query) == 7 }
        #expect(scraped, "Prometheus never returned 7 for \(query); log: \(prometheus.logText())")
        #expect(try await prometheus.queryValue("myapp_active_pipelines") == 4)
        #expect(try await prometheus.queryValue("myapp_pipeline_duration_seconds_bucket{le=\"1\"}") == 1)
        #expect(try await prometheus.queryValue("myapp_pipeline_duration_seconds_count") == 2)
        let health = try await prometheus.query("up{job=\"swift-telemetry\"}")
        #expect((health.first?["value"] as? [Any])?.last as? String == "1")
    }
}
