import CoreMetrics
import Telemetry
import TelemetryIntegration
import TelemetryTestSupport
import Testing

@Suite("swift-metrics backend")
struct SwiftMetricsBackendTests {
    let collector = MetricsCollector()
    var factory: TelemetryMetricsFactory {
        TelemetryMetricsFactory(collector: collector, recorderBuckets: [1, 10], timerBuckets: [0.01, 0.1, 1])
    }

    @Test("Counters, floating-point counters, meters, recorders and timers map to our instruments")
    func mapping() throws {
        let counter = CoreMetrics.Counter(label: "http.requests", dimensions: [("method", "GET"), ("code", "200")], factory: factory)
        counter.increment()
        counter.increment(by: 4)
        #expect(collector.currentValue("http_requests", ["method": "GET", "code": "200"]) == 5)
        let money = FloatingPointCounter(label: "revenue", factory: factory)
        money.increment(by: 2.5)
        #expect(collector.currentValue("revenue") == 2.5)
        let meter = Meter(label: "temperature", factory: factory)
        meter.set(21.5)
        meter.increment(by: 1)
        meter.decrement(by: 0.5)
        #expect(collector.currentValue("temperature") == 22)
        let gaugeRecorder = Recorder(label: "last_size", aggregate: false, factory: factory)
        gaugeRecorder.record(7)
        #expect(collector.currentValue("last_size") == 7)
        let recorder = Recorder(label: "payload_size", factory: factory)
        recorder.record(5)
        recorder.record(50)
        let timer = CoreMetrics.Timer(label: "db_query", dimensions: [("table", "users")], factory: factory)
        timer.recordMilliseconds(50)
        let snapshot = collector.collectAll()
        guard case .histogram(let sizes)? = snapshot.family(named: "payload_size")?.points.first?.value,
            case .histogram(let durations)? = snapshot.family(named: "db_query")?.points.first?.value
        else {
            Issue.record("recorders and timers should be histograms")
            return
        }
        #expect(sizes.bounds == [1, 10] && sizes.bucketCounts == [0, 1, 1])
        #expect(durations.bounds == [0.01, 0.1, 1] && durations.bucketCounts == [0, 1, 0, 0])
        #expect(abs(durations.sum - 0.05) < 1e-9)
    }

    @Test("destroy removes the series; reset sets a counter back to zero")
    func destroyAndReset() {
        let counter = CoreMetrics.Counter(label: "jobs", dimensions: [("queue", "a")], factory: factory)
        counter.increment(by: 3)
        counter.reset()
        #expect(collector.currentValue("jobs", ["queue": "a"]) == 0)
        counter.increment()
        #expect(collector.currentValue("jobs", ["queue": "a"]) == 1)
        counter.destroy()
        #expect(collector.currentValue("jobs", ["queue": "a"]) == nil)
    }

    @Test("Destroying one of two handlers of the same label and dimensions leaves the series to the other")
    func destroyWithSharedSeries() {
        let factory = self.factory  // one factory, as MetricsSystem.bootstrap installs
        let first = CoreMetrics.Counter(label: "shared", dimensions: [("k", "v")], factory: factory)
        let second = CoreMetrics.Counter(label: "shared", dimensions: [("k", "v")], factory: factory)
        first.increment(by: 2)
        first.destroy()
        first.destroy()
        second.increment()
        #expect(collector.currentValue("shared", ["k": "v"]) == 3, "the other handler's series survives")
        second.destroy()
        #expect(collector.currentValue("shared", ["k": "v"]) == nil)
    }

    @Test("A label reused with other dimensions records nothing and is counted")
    func conflictingDimensions() {
        CoreMetrics.Counter(label: "events", dimensions: [("kind", "a")], factory: factory).increment()
        CoreMetrics.Counter(label: "events", dimensions: [("other", "b")], factory: factory).increment()
        #expect(collector.currentValue("events", ["kind": "a"]) == 1)
        #expect(collector.currentValue(
            "telemetry_rejected_measurements_total", ["metric": "events", "reason": "conflicting_registration"]) == 1)
    }
}
