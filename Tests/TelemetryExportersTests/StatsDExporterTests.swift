import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryExporters

@Suite("StatsD / DogStatsD over a real UDP socket")
struct StatsDExporterTests {
    let collector = MetricsCollector()
    let receiver: UDPReceiver

    init() throws {
        receiver = try UDPReceiver()
    }

    private func lines(_ datagrams: [String]) -> [String] {
        datagrams.flatMap { $0.split(separator: "\n").map(String.init) }
    }

    @Test("Counters as deltas, gauges (negative sent correctly), histograms and summaries, tags")
    func mapping() throws {
        let executions = try collector.counter("pipeline_executions_total", labels: ["pipeline_name", "status"])
        let temperature = try collector.gauge("temperature")
        let duration = try collector.histogram("duration_seconds", buckets: [1])
        let latency = try collector.summary("latency", quantiles: [0.5, 0.99])
        executions.inc(by: 3, ["pipeline_name": "etl,v2", "status": "ok"])
        temperature.set(-4.5)
        duration.observe(0.5)
        duration.observe(2)
        latency.observe(10)
        let statsd = StatsDExporter(host: "127.0.0.1", port: receiver.port, prefix: "myapp", selfMetrics: MetricsCollector())
        try statsd.export(collector.collectAll())
        let first = lines(receiver.receive())
        #expect(first.contains("myapp.pipeline_executions_total:3|c|#pipeline_name:etl_v2,status:ok"))
        let gaugeLines = first.filter { $0.hasPrefix("myapp.temperature:") }
        #expect(gaugeLines == ["myapp.temperature:0|g", "myapp.temperature:-4.5|g"])
        #expect(first.contains("myapp.duration_seconds.count:2|c"))
        #expect(first.contains("myapp.duration_seconds.sum:2.5|c"))
        #expect(first.contains("myapp.latency.count:1|c"))
        #expect(first.contains { $0.hasPrefix("myapp.latency.p50:") && $0.hasSuffix("|g") })
        #expect(first.contains { $0.hasPrefix("myapp.latency.p99:") })

        executions.inc(by: 2, ["pipeline_name": "etl,v2", "status": "ok"])
        duration.observe(1)
        try statsd.export(collector.collectAll())
        let second = lines(receiver.receive())
        #expect(second.contains("myapp.pipeline_executions_total:2|c|#pipeline_name:etl_v2,status:ok"))
        #expect(second.contains("myapp.duration_seconds.count:1|c"))
        #expect(second.contains("myapp.duration_seconds.sum:1|c"))
        #expect(!second.contains { $0.hasPrefix("myapp.latency.count") }, "no change, no count line")
        statsd.close()
        #expect(throws: StatsDError.closed) { try statsd.export(collector.collectAll()) }
    }

    @Test("Plain StatsD puts label values in the name; names are sanitised")
    func plainStatsD() throws {
        let counter = try collector.counter("jobs:done", labels: ["queue"])
        counter.inc(["queue": "high prio"])
        let statsd = StatsDExporter(
            host: "127.0.0.1", port: receiver.port, prefix: "my-app", dogStatsDTags: false, selfMetrics: MetricsCollector())
        try statsd.export(collector.collectAll())
        #expect(lines(receiver.receive()).contains("my_app.jobs_done.high_prio:1|c"))
    }

    @Test("Lines are packed several per datagram, never beyond the size limit; oversized lines are counted")
    func datagramLimit() throws {
        let counter = try collector.counter("requests_total", labels: ["path"])
        for index in 0..<300 { counter.inc(["path": "/api/v1/resource/\(index)"]) }
        let longName = String(repeating: "x", count: 600)
        try collector.gauge(longName).set(1)
        let selfMetrics = MetricsCollector()
        let statsd = StatsDExporter(
            host: "127.0.0.1", port: receiver.port, maxDatagramBytes: 512, selfMetrics: selfMetrics)
        try statsd.export(collector.collectAll())
        let datagrams = receiver.receive()
        #expect(datagrams.allSatisfy { $0.utf8.count <= 512 })
        #expect(datagrams.count > 1 && datagrams.count < 300)
        #expect(lines(datagrams).filter { $0.hasPrefix("requests_total:") }.count == 300)
        #expect(selfMetrics.currentValue(
            "telemetry_exporter_dropped_items_total", ["exporter": "statsd", "signal": "metrics", "reason": "too_large"]) == 1)
        #expect(StatsDExporter(host: "127.0.0.1", port: receiver.port).maxDatagramBytes == 1432)
    }

    @Test("An unresolvable host fails the export with a clear error, not the program")
    func unresolvable() throws {
        let statsd = StatsDExporter(host: "no-such-host.invalid", port: 8125, selfMetrics: MetricsCollector())
        do {
            try statsd.export(collector.collectAll())
            Issue.record("no error")
        } catch let error as StatsDError {
            #expect(error.description.contains("no-such-host.invalid"))
        }
    }

    @Test("Quantile suffixes")
    func quantileSuffixes() {
        #expect([0.5, 0.9, 0.95, 0.99, 0.999, 1].map(StatsDLineFormatter.quantileSuffix) == ["p50", "p90", "p95", "p99", "p999", "p100"])
    }
}
