/// The standard metrics of a data pipeline, with `pipeline` and `step` labels, as the dashboard and
/// alert rules in `Dashboards/` expect them.
///
/// ```swift
/// let metrics = try PipelineMetrics(collector: collector)
/// try await metrics.track(pipeline: "etl") { run in
///     let rows = try await run.step("extract") { try await extract() }
///     run.apiCall("warehouse"); run.cost(usd: 0.02); run.processed(rows.count)
/// }
/// ```
/// Metrics: `pipeline_executions_total{pipeline,status}`, `pipeline_duration_seconds{pipeline}`,
/// `pipeline_step_duration_seconds{pipeline,step}`, `pipeline_step_failures_total{pipeline,step}`,
/// `pipeline_errors_total{pipeline,error_type}`, `pipeline_api_calls_total{pipeline,api}`,
/// `pipeline_cost_usd_total{pipeline}`, `pipeline_items_processed_total{pipeline}`,
/// `pipeline_active{pipeline}`, `pipeline_queue_depth{pipeline}`.
public struct PipelineMetrics: Sendable {
    /// Bucket bounds for pipeline durations, in seconds (100 ms to 1 hour).
    public static let durationBuckets: [Double] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]
    /// Bucket bounds for step durations, in seconds (10 ms to 10 minutes).
    public static let stepBuckets: [Double] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

    let executions: TelemetryCounter
    let duration: TelemetryHistogram
    let stepDuration: TelemetryHistogram
    let stepFailures: TelemetryCounter
    let errors: TelemetryCounter
    let apiCalls: TelemetryCounter
    let costUSD: TelemetryCounter
    let itemsProcessed: TelemetryCounter
    let active: TelemetryGauge
    let queueDepth: TelemetryGauge

    /// Registers the pipeline metrics in `collector`.
    ///
    /// - Throws: `MetricsError` if one of the names is already registered differently.
    public init(collector: MetricsCollector) throws(MetricsError) {
        executions = try collector.counter(
            "pipeline_executions_total", help: "Pipeline executions by outcome", labels: ["pipeline", "status"])
        duration = try collector.histogram(
            "pipeline_duration_seconds", help: "Pipeline execution duration", labels: ["pipeline"],
            buckets: Self.durationBuckets)
        stepDuration = try collector.histogram(
            "pipeline_step_duration_seconds", help: "Pipeline step duration", labels: ["pipeline", "step"],
            buckets: Self.stepBuckets)
        stepFailures = try collector.counter(
            "pipeline_step_failures_total", help: "Pipeline steps that failed", labels: ["pipeline", "step"])
        errors = try collector.counter(
            "pipeline_errors_total", help: "Pipeline errors by type", labels: ["pipeline", "error_type"])
        apiCalls = try collector.counter(
            "pipeline_api_calls_total", help: "External API calls made by pipelines", labels: ["pipeline", "api"])
        costUSD = try collector.counter("pipeline_cost_usd_total", help: "Pipeline cost in US dollars", labels: ["pipeline"])
        itemsProcessed = try collector.counter(
            "pipeline_items_processed_total", help: "Items processed by pipelines", labels: ["pipeline"])
        active = try collector.gauge("pipeline_active", help: "Pipeline executions in progress", labels: ["pipeline"])
        queueDepth = try collector.gauge("pipeline_queue_depth", help: "Items waiting for a pipeline", labels: ["pipeline"])
    }

    /// Runs one execution of `pipeline`: counts it as active, times it, and records `success` or
    /// `failure` (with the error's type) when `body` returns or throws.
    public func track<Result>(
        pipeline: String, isolation: isolated (any Actor)? = #isolation, _ body: (PipelineRun) async throws -> Result
    ) async rethrows -> Result {
        let run = PipelineRun(pipeline: pipeline, metrics: self)
        active.inc(["pipeline": pipeline])
        let start = WallClock.monotonicNanos()
        defer {
            active.dec(["pipeline": pipeline])
            duration.observe(Double(WallClock.monotonicNanos() - start) / 1e9, ["pipeline": pipeline])
        }
        do {
            let result = try await body(run)
            executions.inc(["pipeline": pipeline, "status": "success"])
            return result
        } catch {
            executions.inc(["pipeline": pipeline, "status": "failure"])
            recordError(pipeline: pipeline, type: String(describing: type(of: error)))
            throw error
        }
    }

    /// Records a finished execution measured elsewhere.
    public func recordExecution(pipeline: String, success: Bool, duration seconds: Double) {
        executions.inc(["pipeline": pipeline, "status": success ? "success" : "failure"])
        duration.observe(seconds, ["pipeline": pipeline])
    }

    /// Records a step measured elsewhere.
    public func recordStep(pipeline: String, step: String, duration seconds: Double, failed: Bool = false) {
        stepDuration.observe(seconds, ["pipeline": pipeline, "step": step])
        if failed { stepFailures.inc(["pipeline": pipeline, "step": step]) }
    }

    /// Counts an error of `type`.
    public func recordError(pipeline: String, type: String) {
        errors.inc(["pipeline": pipeline, "error_type": type])
    }

    /// Sets how many items wait for `pipeline`.
    public func setQueueDepth(_ depth: Int, pipeline: String) {
        queueDepth.set(Double(depth), ["pipeline": pipeline])
    }
}

/// One execution of a pipeline inside `PipelineMetrics.track`.
public struct PipelineRun: Sendable {
    /// The pipeline's name.
    public let pipeline: String
    let metrics: PipelineMetrics

    /// Runs and times one step; a thrown error counts as a step failure (and, if it ends the run, an error).
    public func step<Result>(
        _ name: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
    ) async rethrows -> Result {
        let start = WallClock.monotonicNanos()
        do {
            let result = try await body()
            metrics.recordStep(pipeline: pipeline, step: name, duration: Double(WallClock.monotonicNanos() - start) / 1e9)
            return result
        } catch {
            metrics.recordStep(
                pipeline: pipeline, step: name, duration: Double(WallClock.monotonicNanos() - start) / 1e9, failed: true)
            throw error
        }
    }

    /// Counts one call to an external API.
    public func apiCall(_ api: String) {
        metrics.apiCalls.inc(["pipeline": pipeline, "api": api])
    }

    /// Adds to the pipeline's cost.
    public func cost(usd: Double) {
        metrics.costUSD.inc(by: usd, ["pipeline": pipeline])
    }

    /// Counts processed items.
    public func processed(_ count: Int) {
        metrics.itemsProcessed.inc(by: Double(count), ["pipeline": pipeline])
    }
}
