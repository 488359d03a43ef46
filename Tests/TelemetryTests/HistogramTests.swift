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
}
