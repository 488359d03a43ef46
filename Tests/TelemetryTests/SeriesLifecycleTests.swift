import Foundation
import Synchronization
import Testing

@testable import Telemetry

@Suite("Series lifecycle: removal, handles held across it, reset, consistent histogram reads")
struct SeriesLifecycleTests {
    let collector = MetricsCollector()

    private func point(_ name: String, _ labels: [Label] = []) -> MetricPoint? {
        collector.collectAll().family(named: name)?.points.first { $0.labels == labels }
    }

    @Test("A counter handle held across remove() keeps counting: the series comes back from zero with a new start")
    func counterHandleSurvivesRemoval() throws {
        let counter = try collector.counter("jobs_total", labels: ["queue"])
        let handle = try counter.labels(["queue": "a"])
        handle.inc(by: 3)
        let before = try #require(point("jobs_total", [Label(name: "queue", value: "a")]))
        #expect(counter.remove(["queue": "a"]))
        #expect(point("jobs_total", [Label(name: "queue", value: "a")]) == nil, "removed series leave the output")
        handle.inc(by: 2)
        let after = try #require(point("jobs_total", [Label(name: "queue", value: "a")]), "recordings after removal are exported")
        #expect(after.value == .counter(2))
        #expect(after.startTimeNanos > before.startTimeNanos)
        // The label API finds the same series, not a twin.
        counter.inc(["queue": "a"])
        #expect(handle.get() == 3)
        #expect(collector.collectAll().family(named: "jobs_total")?.points.count == 1)
    }

    @Test("Recording by labels after remove() revives the series a handle holds; an unheld removed series is forgotten")
    func labelsReviveHeldSeries() throws {
        let gauge = try collector.gauge("depth", labels: ["queue"])
        let handle = try gauge.labels(["queue": "a"])
        handle.set(7)
        gauge.remove(["queue": "a"])
        gauge.set(4, ["queue": "a"])
        #expect(handle.get() == 4)
        handle.set(9)
        #expect(point("depth", [Label(name: "queue", value: "a")])?.value == .gauge(9))

        gauge.set(1, ["queue": "b"])
        gauge.remove(["queue": "b"])
        #expect(point("depth", [Label(name: "queue", value: "b")]) == nil)
        gauge.inc(["queue": "b"])
        #expect(point("depth", [Label(name: "queue", value: "b")])?.value == .gauge(1), "starts again from zero")
    }

    @Test("Histogram and summary handles held across remove() keep recording")
    func histogramAndSummaryHandles() throws {
        let histogram = try collector.histogram("latency", labels: ["route"], buckets: [1, 10])
        let handle = try histogram.labels(["route": "/"])
        handle.observe(5)
        histogram.remove(["route": "/"])
        #expect(point("latency", [Label(name: "route", value: "/")]) == nil)
        handle.observe(20)
        guard case .histogram(let value)? = point("latency", [Label(name: "route", value: "/")])?.value else {
            Issue.record("the histogram series did not come back")
            return
        }
        #expect(value.count == 1 && value.sum == 20 && value.bucketCounts == [0, 0, 1] && value.min == 20)

        let summary = try collector.summary("size", labels: ["kind"], quantiles: [0.5])
        let sizes = try summary.labels(["kind": "x"])
        sizes.observe(1)
        summary.remove(["kind": "x"])
        sizes.observe(3)
        guard case .summary(let data)? = point("size", [Label(name: "kind", value: "x")])?.value else {
            Issue.record("the summary series did not come back")
            return
        }
        #expect(data.count == 1 && data.sum == 3)
    }

    @Test("A counter reset starts the series over with a new start time")
    func resetRestarts() throws {
        let counter = try collector.counter("resets_total")
        let handle = try counter.labels([:])
        handle.inc(by: 5)
        let before = try #require(point("resets_total"))
        handle.reset()
        let after = try #require(point("resets_total"))
        #expect(after.value == .counter(0))
        #expect(after.startTimeNanos > before.startTimeNanos)
    }

    @Test("A histogram read while another thread observes is always consistent: count, sum, min and max agree")
    func consistentHistogramReads() throws {
        let histogram = try collector.histogram("race", labels: ["round"], buckets: [0.5, 2])
        var inconsistent: [String] = []
        for round in 0..<40 {
            let series = try histogram.labels(["round": String(round)])
            let stop = StopFlag()
            // A dedicated thread, not a task: a spinning task would hold one of the test pool's threads.
            let writer = WorkerThread {
                while !stop.isRaised { series.observe(1) }
            }
            for _ in 0..<2000 {
                let value = series.get()
                let ok = value.sum == Double(value.count)
                    && (value.count == 0 ? value.min == nil && value.max == nil : value.min == 1 && value.max == 1)
                if !ok, inconsistent.count < 5 { inconsistent.append("\(value)") }
            }
            stop.raise()
            writer.join()
        }
        #expect(inconsistent.isEmpty, "\(inconsistent)")
    }
}

/// A flag one task raises and another polls.
private final class StopFlag: Sendable {
    private let raised = Atomic(false)

    var isRaised: Bool { raised.load(ordering: .relaxed) }

    func raise() { raised.store(true, ordering: .relaxed) }
}
