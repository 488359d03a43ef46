import Telemetry
import TelemetryTestSupport
import Testing

@Suite("Histograms")
struct HistogramTests {
    let collector = MetricsCollector()

    @Test("Observations land in the first bucket whose bound is at or above them")
    func bucketPlacement() throws {
        let duration = try collector.histogram(
            "request_duration_seconds", help: "Request duration", labels: ["endpoint"],
            buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10])
        let users = ["endpoint": "/api/users"]
        for value in [0.125, 0.01, 0.0, 10, 11, -1] {
            duration.observe(value, users)
        }
        let data = try #require(duration.get(users))
        #expect(data.bounds == [0.01, 0.05, 0.1, 0.5, 1, 5, 10])
        #expect(data.bucketCounts == [3, 0, 0, 1, 0, 0, 1, 1])
        #expect(data.cumulativeCounts == [3, 3, 3, 4, 4, 4, 5, 6])
        #expect(data.count == 6)
        #expect(abs(data.sum - 20.135) < 1e-9)
        #expect(data.min == -1)
        #expect(data.max == 11)
    }

    @Test("Reads between observations give the same value; a new observation and a removal are seen at once")
    func repeatedReads() throws {
        let histogram = try collector.histogram("repeated_seconds", labels: ["a"], buckets: [1, 2])
        let series = try histogram.labels(["a": "x"])
        for value in [0.5, 1.5, 3] { series.observe(value) }
        let first = series.get()
        #expect(first.count == 3 && first.bucketCounts == [1, 1, 1])
        #expect(series.get() == first)
        series.observe(0.25)
        let second = series.get()
        #expect(second.count == 4 && second.bucketCounts == [2, 1, 1] && second.min == 0.25 && abs(second.sum - 5.25) < 1e-9)
        #expect(histogram.remove(["a": "x"]))  // the series starts over; the handle still records into it
        #expect(series.get().count == 0 && series.get().bucketCounts == [0, 0, 0])
        series.observe(2)
        #expect(series.get().bucketCounts == [0, 1, 0])
    }

    @Test("Non-finite observations are refused and counted")
    func nonFinite() throws {
        let histogram = try collector.histogram("h")
        histogram.observe(.nan)
        histogram.observe(-.infinity)
        try histogram.labels([:]).observe(.infinity)
        #expect(histogram.get()?.count == 0)
        #expect(histogram.get()?.min == nil)
        let rejected = try collector.counter(
            "telemetry_rejected_measurements_total",
            help: "Measurements not recorded because of invalid labels or values", labels: ["metric", "reason"])
        #expect(rejected.get(["metric": "h", "reason": "invalid_value"]) == 3)
    }

    @Test("Concurrent observations are all counted, with a consistent count and sum")
    func concurrentObservations() throws {
        let histogram = try collector.histogram("concurrent", buckets: [1, 2, 3])
        runOnThreads(50) { index in
            for step in 0..<2_000 {
                histogram.observe(Double((index + step) % 4))
            }
        }
        let data = try #require(histogram.get())
        #expect(data.count == 100_000)
        #expect(data.bucketCounts == [50_000, 25_000, 25_000, 0])
        #expect(data.sum == 150_000)
        #expect(data.min == 0)
        #expect(data.max == 3)
    }

    @Test("A collection holds what each series reads (counts, sum, min, max, start), in label order with the overflow series last")
    func collectedPoints() throws {
        let collector = MetricsCollector(cardinalityLimit: 3)
        let histogram = try collector.histogram("collected_seconds", labels: ["route"], buckets: [0.1, 1])
        histogram.observe(0.05, ["route": "/b"])
        histogram.observe(2.5, ["route": "/b"])
        histogram.observe(0.5, ["route": "/a"])
        _ = try histogram.labels(["route": "/c"])  // bound, never observed: no minimum or maximum
        histogram.observe(7, ["route": "/d"])  // beyond the limit: the overflow series
        let family = try #require(collector.collectAll().family(named: "collected_seconds"))
        #expect(family.pointCount == 4 && family.points.count == 4)
        #expect(family.points.map(\.labels) == [
            [Label(name: "route", value: "/a")], [Label(name: "route", value: "/b")], [Label(name: "route", value: "/c")],
            [Label(name: "otel_metric_overflow", value: "true")],
        ])
        for (point, route) in zip(family.points, ["/a", "/b", "/c"]) {
            guard case .histogram(let value) = point.value else {
                Issue.record("not a histogram point")
                continue
            }
            #expect(value == histogram.get(["route": route]))
            #expect(point.startTimeNanos > 0)
        }
        guard case .histogram(let overflow) = family.points[3].value else {
            Issue.record("not a histogram point")
            return
        }
        #expect(overflow.bucketCounts == [0, 0, 1] && overflow.sum == 7 && overflow.min == 7 && overflow.max == 7)
        guard case .histogram(let unobserved) = family.points[2].value else {
            Issue.record("not a histogram point")
            return
        }
        #expect(unobserved.count == 0 && unobserved.min == nil && unobserved.max == nil)
    }

    @Test("Collections taken while threads observe each describe whole observations (count, buckets and sum agree)")
    func collectionsDuringObservations() throws {
        let collector = MetricsCollector()
        let histogram = try collector.histogram("busy_seconds", labels: ["worker"], buckets: [1, 2])
        let workers = ["a", "b"]
        runOnThreads(3) { index in
            guard index < workers.count else {
                // The third thread collects: every observation is 1, so each series' sum is its count.
                for _ in 0..<300 {
                    for point in collector.collectAll().family(named: "busy_seconds")?.points ?? [] {
                        guard case .histogram(let value) = point.value else { continue }
                        #expect(value.sum == Double(value.count) && value.bucketCounts[0] == value.count)
                    }
                }
                return
            }
            for _ in 0..<20_000 { histogram.observe(1, ["worker": workers[index]]) }
        }
        let points = try #require(collector.collectAll().family(named: "busy_seconds")?.points)
        #expect(points.count == 2)
        for point in points {
            guard case .histogram(let value) = point.value else { continue }
            #expect(value.count == 20_000 && value.sum == 20_000)
        }
    }
}
