import Telemetry

/// The seed's example workload: a pipeline that extracts, transforms and loads batches of items,
/// recording the standard pipeline metrics and nested spans as it goes.
struct DataPipeline {
    struct TransformFailed: Error, CustomStringConvertible {
        let item: Int
        var description: String { "item \(item) could not be transformed" }
    }

    let name: String
    let tracer: SimpleTracer
    let metrics: PipelineMetrics
    let stepLatency: TelemetrySummary

    init(name: String, collector: MetricsCollector, tracer: SimpleTracer) throws {
        self.name = name
        self.tracer = tracer
        metrics = try PipelineMetrics(collector: collector)
        stepLatency = try collector.summary(
            "pipeline_step_latency_seconds", help: "Step latency", labels: ["step"], quantiles: [0.5, 0.9, 0.99])
    }

    /// Runs one batch; a batch containing an item divisible by 13 fails in the transform step.
    func run(batch: [Int], queued: Int) async {
        metrics.setQueueDepth(queued, pipeline: name)
        try? await metrics.track(pipeline: name) { run in
            try await traceContext(tracer, "pipeline.run", attributes: ["pipeline": .string(name)]) { span in
                span.setAttribute("batch_size", batch.count)
                let extracted = try await step("extract", run) {
                    run.apiCall("warehouse")
                    return batch
                }
                let transformed = try await step("transform", run) { try extracted.map(transform) }
                let loaded = try await step("load", run) {
                    run.apiCall("warehouse")
                    return transformed.count
                }
                run.cost(usd: 0.001 * Double(loaded))
                run.processed(loaded)
            }
        }
    }

    private func step<Output>(_ stepName: String, _ run: PipelineRun, _ body: () async throws -> Output) async throws -> Output {
        try await run.step(stepName) {
            try await traceContext(tracer, "pipeline.\(stepName)") { span in
                defer { stepLatency.observe(span.duration, ["step": stepName]) }
                try await Task.sleep(for: .milliseconds(2))
                span.addEvent("step.started", ["step": .string(stepName)])
                return try await body()
            }
        }
    }

    private func transform(_ item: Int) throws -> Int {
        guard item % 13 != 0 else { throw TransformFailed(item: item) }
        return item * 2
    }
}
