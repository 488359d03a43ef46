import Telemetry

/// The seed's example workload: a pipeline that extracts, transforms and loads batches of items,
/// recording metrics and nested spans as it goes.
struct DataPipeline {
    struct TransformFailed: Error, CustomStringConvertible {
        let item: Int
        var description: String { "item \(item) could not be transformed" }
    }

    let name: String
    let tracer: SimpleTracer
    let executions: Counter
    let itemsProcessed: Counter
    let duration: Histogram
    let stepLatency: Summary
    let activePipelines: Gauge

    init(name: String, collector: MetricsCollector, tracer: SimpleTracer) throws {
        self.name = name
        self.tracer = tracer
        executions = try collector.counter(
            "pipeline_executions_total", help: "Total pipeline executions", labels: ["pipeline_name", "status"])
        itemsProcessed = try collector.counter(
            "pipeline_items_processed_total", help: "Items processed", labels: ["pipeline_name"])
        duration = try collector.histogram(
            "pipeline_duration_seconds", help: "Pipeline duration", labels: ["pipeline_name"],
            buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1])
        stepLatency = try collector.summary(
            "pipeline_step_latency_seconds", help: "Step latency", labels: ["step"], quantiles: [0.5, 0.9, 0.99])
        activePipelines = try collector.gauge("active_pipelines", help: "Pipelines currently running")
    }

    /// Runs one batch; a batch containing an item divisible by 13 fails in the transform step.
    func run(batch: [Int]) async {
        activePipelines.inc()
        defer { activePipelines.dec() }
        let labels = ["pipeline_name": name]
        do {
            let loaded = try await traceContext(tracer, "pipeline.run", attributes: ["pipeline": .string(name)]) { span in
                span.setAttribute("batch_size", batch.count)
                let extracted = await step("extract") { batch }
                let transformed = try await step("transform") { try extracted.map(transform) }
                return await step("load") { transformed.count }
            }
            executions.inc(["pipeline_name": name, "status": "success"])
            itemsProcessed.inc(by: Double(loaded), labels)
        } catch {
            executions.inc(["pipeline_name": name, "status": "failure"])
        }
        if let span = tracer.getSpans().last(where: { $0.name == "pipeline.run" }) {
            duration.observe(span.duration, labels)
        }
    }

    private func step<Output>(_ stepName: String, _ body: () async throws -> Output) async rethrows -> Output {
        try await traceContext(tracer, "pipeline.\(stepName)") { span in
            defer { stepLatency.observe(span.duration, ["step": stepName]) }
            try await Task.sleep(for: .milliseconds(2))
            span.addEvent("step.started", ["step": .string(stepName)])
            return try await body()
        }
    }

    private func transform(_ item: Int) throws -> Int {
        guard item % 13 != 0 else { throw TransformFailed(item: item) }
        return item * 2
    }
}
