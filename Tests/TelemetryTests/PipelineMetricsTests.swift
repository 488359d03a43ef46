import Foundation
import Testing

@testable import Telemetry

@Suite("Pipeline and process metrics")
struct PipelineMetricsTests {
    private struct Boom: Error {}

    @Test("track records executions by status, duration, active count, steps, failures and errors")
    func track() async throws {
        let collector = MetricsCollector()
        let metrics = try PipelineMetrics(collector: collector)
        let value = await metrics.track(pipeline: "etl") { run in
            #expect(collector.currentValue("pipeline_active", ["pipeline": "etl"]) == 1)
            run.apiCall("warehouse")
            run.cost(usd: 0.25)
            run.processed(40)
            return await run.step("extract") { 7 }
        }
        #expect(value == 7)
        await #expect(throws: Boom.self) {
            try await metrics.track(pipeline: "etl") { run in try await run.step("load") { throw Boom() } }
        }
        metrics.setQueueDepth(12, pipeline: "etl")
        #expect(collector.currentValue("pipeline_executions_total", ["pipeline": "etl", "status": "success"]) == 1)
        #expect(collector.currentValue("pipeline_executions_total", ["pipeline": "etl", "status": "failure"]) == 1)
        #expect(collector.currentValue("pipeline_active", ["pipeline": "etl"]) == 0)
        #expect(collector.currentValue("pipeline_step_failures_total", ["pipeline": "etl", "step": "load"]) == 1)
        #expect(collector.currentValue("pipeline_errors_total", ["pipeline": "etl", "error_type": "Boom"]) == 1)
        #expect(collector.currentValue("pipeline_api_calls_total", ["pipeline": "etl", "api": "warehouse"]) == 1)
        #expect(collector.currentValue("pipeline_cost_usd_total", ["pipeline": "etl"]) == 0.25)
        #expect(collector.currentValue("pipeline_items_processed_total", ["pipeline": "etl"]) == 40)
        #expect(collector.currentValue("pipeline_queue_depth", ["pipeline": "etl"]) == 12)
        let durations = try #require(collector.collectAll().family(named: "pipeline_duration_seconds")?.points.first)
        if case .histogram(let data) = durations.value { #expect(data.count == 2) } else { Issue.record("not a histogram") }
        let steps = try #require(collector.collectAll().family(named: "pipeline_step_duration_seconds"))
        #expect(steps.points.count == 2)
    }

    @Test("Process metrics come from /proc and change between collections")
    func processMetrics() throws {
        let collector = MetricsCollector()
        _ = try ProcessMetrics(collector: collector)
        let resident = try #require(collector.currentValue("process_resident_memory_bytes"))
        #expect(resident > 1_000_000 && resident < 100_000_000_000)
        #expect((collector.currentValue("process_open_fds") ?? 0) >= 3)
        let start = try #require(collector.currentValue("process_start_time_seconds"))
        #expect(abs(start - Date().timeIntervalSince1970) < 3600 * 24)
        let before = collector.currentValue("process_cpu_seconds_total") ?? 0
        var spin = 0.0
        let deadline = Date().addingTimeInterval(0.3)
        while Date() < deadline { spin += sin(spin) }
        #expect(spin.isFinite)
        #expect((collector.currentValue("process_cpu_seconds_total") ?? 0) > before)
    }

    @Test("Registering the process metrics twice in one collector does not count CPU time twice")
    func processMetricsTwice() throws {
        let collector = MetricsCollector()
        _ = try ProcessMetrics(collector: collector)
        _ = try ProcessMetrics(collector: collector)
        var spin = 0.0
        let deadline = Date().addingTimeInterval(0.3)
        while Date() < deadline { spin += sin(spin) }
        #expect(spin.isFinite)
        let reported = try #require(collector.currentValue("process_cpu_seconds_total"))
        let actual = try #require(ProcReader().cpuSeconds())
        #expect(reported <= actual + 0.02, "reported \(reported) s of CPU, the process used \(actual) s")
        #expect(reported >= 0.25)
    }
}
