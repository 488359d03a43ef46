import Foundation
import OTel
import ServiceLifecycle
import Telemetry
import TelemetryOTLP
import Tracing

/// Scenarios 3, 3b and 4: spans into an OTLP/HTTP pipeline, ours against swift-otel.
enum SpanScenarios {
    /// Span start + 3 attributes + end, sampled, both libraries both ways: bare start/end, and the form
    /// that binds the span as current for its body (our `traceContext`, swift-otel's `withSpan`); then all
    /// CPU per *delivered* span once everything was encoded, compressed and sent, reported only when every
    /// span measured arrived (swift-otel gets a queue that holds them all and a 1 ms export tick, as in
    /// the burst row, so it drops none).
    static func sampled(receiver: DiscardServerProcess) async throws -> [ResultRow] {
        let spans = 200_000
        try receiver.reset()
        let tracer = ourTracer(receiver, sampler: .alwaysOn, queue: spans * 6)
        let cpuBefore = Harness.processCPUSeconds()
        let bare = Harness.nanosecondsPerOperation(iterations: spans, rounds: 5) { recordSpan(tracer) }
        let flushed = tracer.forceFlush(timeout: .seconds(120))
        let measuredSpans = spans * 5 + min(spans, 10_000) + (Harness.countsAllocations ? spans : 0)
        let ourCPU = (Harness.processCPUSeconds() - cpuBefore) * 1e9 / Double(measuredSpans)
        try await waitUntilQuiet(receiverURL: receiver.endpoint, expected: measuredSpans)
        let ourDelivered = try receiver.spanCount()
        let bound = Harness.nanosecondsPerOperation(iterations: spans / 10, rounds: 3) { recordSpanInContext(tracer) }
        tracer.shutdown()

        try receiver.reset()
        let otelSpans = spans / 10 * 3 + min(spans / 10, 10_000) + (Harness.countsAllocations ? spans / 10 : 0)
        let (otelTracer, otelService) = try otelBackend(receiver, sampler: .alwaysOn, deliverAll: otelSpans)
        let serviceTask = Task { try await otelService.run() }
        let otelCPUBefore = Harness.processCPUSeconds()
        let otelBound = Harness.nanosecondsPerOperation(iterations: spans / 10, rounds: 3) {
            otelTracer.withSpan("process_batch") { span in
                span.attributes["batch_size"] = 1000
                span.attributes["source"] = "kafka"
                span.attributes["retry"] = false
            }
        }
        try await waitUntilQuiet(receiverURL: receiver.endpoint, expected: otelSpans)
        let otelCPU = (Harness.processCPUSeconds() - otelCPUBefore) * 1e9 / Double(otelSpans)
        let otelDelivered = try receiver.spanCount()
        let otelBare = Harness.nanosecondsPerOperation(iterations: spans / 10, rounds: 3) {
            let span = otelTracer.startSpan("process_batch")
            span.attributes["batch_size"] = 1000
            span.attributes["source"] = "kafka"
            span.attributes["retry"] = false
            span.end()
        }
        try await waitUntilQuiet(receiver)  // drained, so none of these arrive during a later scenario
        serviceTask.cancel()
        let complete = { (delivered: Int, expected: Int, cpu: Double) in
            delivered == expected ? Measurement(value: cpu, unit: "CPU-ns", allocationsPerOperation: nil) : nil
        }
        return [
            ResultRow(
                scenario: "3 span, bare start + 3 attributes + end, sampled (calling thread)", ours: bare,
                peers: [("swift-otel", otelBare)], goal: "≤ 400 ns, ≥ 20×, ≤ 1 allocation", higherIsBetter: false,
                note: "ours startSpan/endSpan; swift-otel startSpan/span.end()"),
            ResultRow(
                scenario: "3a same through traceContext vs withSpan (binds the current span; sync closure)", ours: bound,
                peers: [("swift-otel", otelBound)], goal: "≥ 15×", higherIsBetter: false),
            ResultRow(
                scenario: "3 same, CPU per delivered span incl. encode, gzip, send",
                ours: complete(ourDelivered, measuredSpans, ourCPU),
                peers: [("swift-otel", complete(otelDelivered, otelSpans, otelCPU))],
                goal: "≤ 1,500 CPU-ns, ≥ 10× with no drops", higherIsBetter: false,
                note: "ours: bare form, \(ourDelivered) of \(measuredSpans) delivered (flush \(flushed ? "complete" : "timed out")); "
                    + "swift-otel: withSpan, \(otelDelivered) of \(otelSpans) delivered (queue of \(otelSpans), 1 ms export tick); "
                    + "a figure is shown only when every span arrived"),
        ]
    }

    static func unsampled(receiver: DiscardServerProcess) throws -> ResultRow {
        let tracer = ourTracer(receiver, sampler: .alwaysOff, queue: 2048)
        let ours = Harness.nanosecondsPerOperation(iterations: 1_000_000) {
            recordSpan(tracer)
        }
        tracer.shutdown()
        let (otelTracer, _) = try otelBackend(receiver, sampler: .alwaysOff)
        let otel = Harness.nanosecondsPerOperation(iterations: 200_000) {
            otelTracer.withSpan("process_batch") { span in
                span.attributes["batch_size"] = 1000
                span.attributes["source"] = "kafka"
                span.attributes["retry"] = false
            }
        }
        return ResultRow(
            scenario: "3b same, unsampled", ours: ours, peers: [("swift-otel", otel)], goal: "≤ 50 ns", higherIsBetter: false)
    }

    /// Runs in a child process (`telemetry-bench burst ours|otel PORT`) so its peak memory is its own.
    static func burst(library: String, port: Int, spans: Int) async throws -> [String: Double] {
        let receiver = "http://127.0.0.1:\(port)"
        let start = ContinuousClock.now
        var finished = start
        if library == "ours" {
            let tracer = OpenTelemetryTracer(
                serviceName: "bench", exporter: OTLPExporter(endpoint: receiver, selfMetrics: MetricsCollector()),
                sampler: .alwaysOn, batch: BatchConfiguration(maxQueueSize: spans, maxExportBatchSize: 512),
                selfMetrics: MetricsCollector())
            for _ in 0..<spans { tracer.endSpan(tracer.startSpan("burst")) }
            _ = tracer.forceFlush(timeout: .seconds(300))
            finished = ContinuousClock.now
        } else {
            var configuration = OTel.Configuration.default
            configuration.traces.otlpExporter.endpoint = receiver + "/v1/traces"  // an explicit endpoint is used as-is
            configuration.traces.batchSpanProcessor.maxQueueSize = spans
            // Its processor exports one batch per timer tick (or when the queue is exactly full), so
            // with the default 5 s delay a queued burst drains at ~100 spans/s; a 1 ms tick lets it
            // drain as fast as its exporter can send.
            configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(1)
            configuration.metrics.enabled = false
            configuration.logs.enabled = false
            let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
            let task = Task { try await service.run() }
            for _ in 0..<spans { tracer.withSpan("burst") { _ in } }
            // Measured over at most two minutes rather than waiting for the whole burst.
            finished = try await waitUntilQuiet(receiverURL: receiver, expected: spans)
            task.cancel()
        }
        let elapsed = finished - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return ["seconds": seconds, "rss": Harness.peakResidentBytes()]
    }

    /// Waits until the receiver has `expected` spans, or its count has not changed for longer than
    /// swift-otel's default export interval (5 s; it has no non-deprecated flush), or `limit` has
    /// passed; returns when the count last changed.
    @discardableResult
    static func waitUntilQuiet(_ receiver: DiscardServerProcess) async throws -> ContinuousClock.Instant {
        try await waitUntilQuiet(receiverURL: receiver.endpoint)
    }

    @discardableResult
    static func waitUntilQuiet(
        receiverURL: String, expected: Int = .max, limit: Duration = .seconds(120)
    ) async throws -> ContinuousClock.Instant {
        let client = LoopbackHTTPClient()
        let start = ContinuousClock.now
        var last = -1
        var lastChange = start
        while ContinuousClock.now - lastChange < .seconds(6), ContinuousClock.now - start < limit, last < expected {
            let response = try client.send("GET", "\(receiverURL)/count")
            let count = Int(String(decoding: response.body, as: UTF8.self)) ?? 0
            if count != last {
                last = count
                lastChange = ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return lastChange
    }

    /// Scenario 3a's form of it: the span bound as current while its body runs.
    @inline(__always)
    static func recordSpanInContext(_ tracer: OpenTelemetryTracer) {
        traceContext(tracer, "process_batch") { span in
            span.setAttribute("batch_size", 1000)
            span.setAttribute("source", "kafka")
            span.setAttribute("retry", false)
        }
    }

    /// The measured operation of scenarios 3 and 3b: start a span, set 3 attributes, end it.
    @inline(__always)
    static func recordSpan(_ tracer: OpenTelemetryTracer) {
        let span = tracer.startSpan("process_batch")
        span.setAttribute("batch_size", 1000)
        span.setAttribute("source", "kafka")
        span.setAttribute("retry", false)
        tracer.endSpan(span)
    }

    static func ourTracer(_ receiver: DiscardServerProcess, sampler: Sampler, queue: Int) -> OpenTelemetryTracer {
        OpenTelemetryTracer(
            serviceName: "bench", exporter: OTLPExporter(endpoint: receiver.endpoint, selfMetrics: MetricsCollector()),
            sampler: sampler, batch: BatchConfiguration(maxQueueSize: queue, maxExportBatchSize: 512),
            selfMetrics: MetricsCollector())
    }

    /// swift-otel's tracing backend; with `deliverAll`, a queue of that many spans and a 1 ms export tick, so
    /// it drops none of them.
    static func otelBackend(
        _ receiver: DiscardServerProcess, sampler: OTel.Configuration.TracesConfiguration.SamplerConfiguration, deliverAll: Int? = nil
    ) throws -> (any Tracing.Tracer, any Service) {
        var configuration = OTel.Configuration.default
        if let deliverAll {
            configuration.traces.batchSpanProcessor.maxQueueSize = deliverAll
            configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(1)
        }
        configuration.traces.otlpExporter.endpoint = receiver.endpoint + "/v1/traces"  // used as-is
        configuration.traces.sampler = sampler
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        return (tracer, service)
    }
}
