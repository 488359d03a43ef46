import Logging
import Prometheus
import Telemetry
import TelemetryExporters
import TelemetryOTLP

/// Single scenarios of ours in a loop, for profilers.
enum Micro {
    static func run(_ scenario: String, iterations: Int) throws {
        switch scenario {
        case "labels":
            let counter = try MetricsCollector().counter("executions_total", labels: ["pipeline_name", "status"])
            let start = ContinuousClock.now
            for _ in 0..<iterations { counter.inc(["pipeline_name": "data_processor", "status": "success"]) }
            print((ContinuousClock.now - start) / iterations, counter.get(["pipeline_name": "data_processor", "status": "success"]))
        case "labels-dictionary":
            let counter = try MetricsCollector().counter("executions_total", labels: ["pipeline_name", "status"])
            for index in 0..<iterations {
                let labels: [String: String] = ["pipeline_name": "data_processor", "status": index < 0 ? "failure" : "success"]
                counter.inc(labels)
            }
        case "bound":
            let series = try MetricsCollector().counter("bound_total", labels: ["a"]).labels(["a": "x"])
            let start = ContinuousClock.now
            for _ in 0..<iterations { series.inc() }
            print((ContinuousClock.now - start) / iterations, series.get())
            let concurrent = Harness.concurrentNanosecondsPerOperation(threads: 2, iterations: iterations) { series.inc() }
            print("2 threads:", concurrent.value, "ns wall per inc", series.get())
        case "histogram":
            let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
            let series = try MetricsCollector().histogram("latency_seconds", labels: ["a"], buckets: buckets).labels(["a": "x"])
            var value = 0.0
            let start = ContinuousClock.now
            for _ in 0..<iterations {
                value = value < 6 ? value + 0.0137 : 0
                series.observe(value)
            }
            print((ContinuousClock.now - start) / iterations, series.get().count)
        case "render", "render-histograms", "render-summaries":
            // 10,000 series of counters (rows 5), histograms with 10 buckets (5b) or summaries (5c).
            let collector = MetricsCollector(cardinalityLimit: 20_000)
            let counter = try collector.counter("requests_total", help: "Requests", labels: ["path", "code"])
            let histogram = try collector.histogram(
                "latency_seconds", labels: ["path", "code"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
            let summary = try collector.summary("size_bytes", labels: ["path", "code"], quantiles: [0.5, 0.9, 0.99])
            for index in 0..<10_000 {
                let labels = ["path": "/api/v1/resource/\(index / 10)", "code": String(200 + index % 10)]
                switch scenario {
                case "render-histograms": histogram.observe(MetricsScenarios.histogramObservation(index), labels)
                case "render-summaries":
                    for step in 0..<5 { summary.observe(MetricsScenarios.summaryObservation(index, step), labels) }
                default: counter.inc(labels)
                }
            }
            let exporter = PrometheusExporter()
            exporter.register(collector)
            var total = 0
            let start = ContinuousClock.now
            for _ in 0..<iterations { total &+= exporter.metricsText().utf8.count }
            print(total, (ContinuousClock.now - start) / iterations)
            let collectStart = ContinuousClock.now
            for _ in 0..<iterations { total &+= collector.collectAll().families.count }
            print("collect only", (ContinuousClock.now - collectStart) / iterations)
            let snapshot = collector.collectAll()
            let renderer = PrometheusTextRenderer()
            let renderStart = ContinuousClock.now
            for _ in 0..<iterations { total &+= renderer.render(snapshot.families, format: .text).count }
            print("render only", (ContinuousClock.now - renderStart) / iterations)
            let rendered = renderer.render(snapshot.families, format: .text)
            let decodeStart = ContinuousClock.now
            for _ in 0..<iterations { total &+= String(decoding: rendered, as: UTF8.self).utf8.count }
            print("String(decoding:) + utf8.count", (ContinuousClock.now - decodeStart) / iterations)
            let chainStart = ContinuousClock.now
            for _ in 0..<iterations {
                total &+= String(decoding: renderer.render(collector.collectAll().families, format: .text), as: UTF8.self).utf8.count
            }
            print("collect + render + decode", (ContinuousClock.now - chainStart) / iterations)
            let againStart = ContinuousClock.now
            for _ in 0..<iterations { total &+= exporter.metricsText().utf8.count }
            print("metricsText again", (ContinuousClock.now - againStart) / iterations)
        case "render-prometheus":
            let registry = PrometheusCollectorRegistry()
            let descriptor = MetricNameDescriptor(metricName: "requests", unitName: "total", helpText: "Requests")
            for index in 0..<10_000 {
                registry.makeCounter(
                    descriptor: descriptor, labels: [("path", "/api/v1/resource/\(index / 10)"), ("code", String(200 + index % 10))]
                ).increment()
            }
            var total = 0
            let start = ContinuousClock.now
            for _ in 0..<iterations { total &+= registry.emitToString().utf8.count }
            print(total, (ContinuousClock.now - start) / iterations)
        case "unsampled", "sampled", "sampled-context":
            let tracer = OpenTelemetryTracer(
                serviceName: "micro", exporter: OTLPExporter(endpoint: "http://127.0.0.1:9", selfMetrics: MetricsCollector()),
                sampler: scenario == "unsampled" ? .alwaysOff : .alwaysOn,
                batch: BatchConfiguration(maxQueueSize: iterations + 1, scheduleDelay: .seconds(3600)),
                selfMetrics: MetricsCollector())
            let start = ContinuousClock.now
            if scenario == "sampled-context" {
                for _ in 0..<iterations { SpanScenarios.recordSpanInContext(tracer) }
            } else {
                for _ in 0..<iterations { SpanScenarios.recordSpan(tracer) }
            }
            print((ContinuousClock.now - start) / iterations)
        case "sampled-send":
            let receiver = try DiscardServerProcess()
            let tracer = SpanScenarios.ourTracer(receiver, sampler: .alwaysOn, queue: iterations)
            let cpuBefore = Harness.processCPUSeconds()
            let threadBefore = Harness.threadCPUNanos()
            let start = ContinuousClock.now
            for _ in 0..<iterations { SpanScenarios.recordSpan(tracer) }
            let calling = (ContinuousClock.now - start) / iterations
            print("calling thread CPU-ns per span", Double(Harness.threadCPUNanos() - threadBefore) / Double(iterations))
            tracer.forceFlush(timeout: .seconds(300))
            let cpu = (Harness.processCPUSeconds() - cpuBefore) * 1e9 / Double(iterations)
            print("calling thread", calling, "CPU-ns per span", cpu, "delivered", try receiver.spanCount())
        case "log":
            let logs = OpenTelemetryLogs(
                serviceName: "micro", exporter: OTLPExporter(endpoint: "http://127.0.0.1:9", selfMetrics: MetricsCollector()),
                batch: BatchConfiguration(maxQueueSize: iterations + 1, scheduleDelay: .seconds(3600)),
                selfMetrics: MetricsCollector())
            let logger = Logger(label: "micro") { logs.handler(label: $0) }
            let start = ContinuousClock.now
            for _ in 0..<iterations { LogScenarios.record(logger) }
            print((ContinuousClock.now - start) / iterations)
        case "log-send":
            let receiver = try DiscardServerProcess()
            let logs = OpenTelemetryLogs(
                serviceName: "micro", exporter: OTLPExporter(endpoint: receiver.endpoint, selfMetrics: MetricsCollector()),
                batch: BatchConfiguration(maxQueueSize: iterations, maxExportBatchSize: 512), selfMetrics: MetricsCollector())
            let logger = Logger(label: "micro") { logs.handler(label: $0) }
            let cpuBefore = Harness.processCPUSeconds()
            let start = ContinuousClock.now
            for _ in 0..<iterations { LogScenarios.record(logger) }
            logs.forceFlush(timeout: .seconds(300))
            let elapsed = ContinuousClock.now - start
            let cpu = (Harness.processCPUSeconds() - cpuBefore) * 1e9 / Double(iterations)
            print("elapsed", elapsed, "CPU-ns per record", cpu, "delivered", try receiver.spanCount())
        default:
            print("unknown scenario \(scenario)")
        }
    }
}
