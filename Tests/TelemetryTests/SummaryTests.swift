import Foundation
import Synchronization
import Testing

@testable import Telemetry

@Suite("Summaries and the quantile sketch")
struct SummaryTests {
    /// A deterministic log-normal sample: heavily skewed, spanning several orders of magnitude.
    private func skewedSample(count: Int) -> [Double] {
        var generator = SeededGenerator(seed: 42)
        return (0..<count).map { _ in
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return exp(-3 + 1.5 * normal)
        }
    }

    @Test("Sketch quantiles are within 1% of exact quantiles of 100,000 skewed observations")
    func sketchAccuracy() {
        let values = skewedSample(count: 100_000)
        var sketch = QuantileSketch()
        values.forEach { sketch.add($0) }
        let sorted = values.sorted()
        for q in [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
            let estimate = sketch.quantile(q)
            #expect(abs(estimate - exact) / exact <= 0.01, "q=\(q) exact=\(exact) estimate=\(estimate)")
        }
        #expect(sketch.count == 100_000)
    }

    @Test("Negative values, zeros and mixed signs keep their order and accuracy")
    func mixedSigns() {
        var sketch = QuantileSketch()
        let values: [Double] = (1...1000).map { Double($0) - 500.5 } + [0, 0, 0]
        values.forEach { sketch.add($0) }
        let sorted = values.sorted()
        for q in [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] {
            let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
            let estimate = sketch.quantile(q)
            #expect(abs(estimate - exact) <= abs(exact) * 0.01, "q=\(q) exact=\(exact) estimate=\(estimate)")
        }
        #expect(QuantileSketch().quantile(0.5).isNaN)
    }

    @Test("The extreme ranks are the exact smallest and largest values; no estimate lies outside them")
    func exactExtremes() {
        var single = QuantileSketch()
        single.add(42.125)
        #expect([0, 0.5, 0.99, 1].map { single.quantile($0) } == [42.125, 42.125, 42.125, 42.125])
        var sketch = QuantileSketch()
        let values = [3.7, 3.71, 1e-12, 1000.001, 999.5]
        values.forEach { sketch.add($0) }
        var other = QuantileSketch()
        other.add(-2.5)
        sketch.merge(other)
        #expect(sketch.quantile(0) == -2.5 && sketch.quantile(1) == 1000.001)
        for q in stride(from: 0.0, through: 1.0, by: 0.05) {
            #expect((-2.5...1000.001).contains(sketch.quantile(q)), "q=\(q)")
        }
        // Close values share a bin whose estimate (99.84) lies below all of them.
        var close = QuantileSketch()
        [100, 100.2, 100.5].forEach { close.add($0) }
        #expect((100...100.5).contains(close.quantile(0.5)), "\(close.quantile(0.5))")
    }

    @Test("Memory stays bounded for values spanning 40 orders of magnitude")
    func boundedBins() {
        var store = LogarithmicBinStore(maxBins: 100)
        for index in stride(from: -5000, through: 5000, by: 7) {
            store.add(index: index)
        }
        #expect(store.counts.count <= 100)
        #expect(store.total == UInt64(Array(stride(from: -5000, through: 5000, by: 7)).count))
        #expect(store.counts.reduce(0, +) == store.total)
    }

    @Test("The seed API: observe with labels, quantiles, sum and count")
    func summaryBasics() throws {
        let collector = MetricsCollector()
        let latency = try collector.summary(
            "request_latency_seconds", help: "Request latency", labels: ["service"], quantiles: [0.5, 0.9, 0.95, 0.99])
        for value in 1...100 {
            latency.observe(Double(value) / 1000, ["service": "api"])
        }
        let data = try #require(latency.get(["service": "api"]))
        #expect(data.count == 100)
        #expect(abs(data.sum - 5.05) < 1e-9)
        #expect(data.quantiles.map(\.quantile) == [0.5, 0.9, 0.95, 0.99])
        let expected = [0.050, 0.090, 0.095, 0.099]
        for (estimate, exact) in zip(data.quantiles.map(\.value), expected) {
            #expect(abs(estimate - exact) / exact <= 0.01)
        }
    }

    @Test("Quantiles forget observations older than the window; sum and count do not")
    func slidingWindow() throws {
        let clock = TestClock()
        let collector = MetricsCollector(cardinalityLimit: 10, logger: .init(label: "test"), summaryClock: clock.now)
        let summary = try collector.summary("windowed", quantiles: [0.5], maxAge: .seconds(60), ageBuckets: 3)
        for _ in 0..<100 { summary.observe(1000) }
        clock.advance(seconds: 30)
        for _ in 0..<10 { summary.observe(1) }
        #expect(abs((summary.get()?.quantiles[0].value ?? 0) - 1000) <= 10)
        clock.advance(seconds: 45)
        #expect(abs((summary.get()?.quantiles[0].value ?? 0) - 1) <= 0.01)
        clock.advance(seconds: 60)
        #expect(summary.get()?.quantiles[0].value.isNaN == true)
        #expect(summary.get()?.count == 110)
        #expect(summary.get()?.sum == 100_010)
    }
}

extension SummaryTests {
    @Test("A read within the same slot is answered again until a value is added, which is seen at once")
    func repeatedReads() throws {
        let clock = TestClock()
        let collector = MetricsCollector(cardinalityLimit: 10, logger: .init(label: "test"), summaryClock: clock.now)
        let summary = try collector.summary("repeated", quantiles: [0.5], maxAge: .seconds(60), ageBuckets: 3)
        for _ in 0..<3 { summary.observe(10) }
        let first = try #require(summary.get()?.quantiles[0].value)
        #expect(abs(first - 10) <= 0.1)
        #expect(summary.get()?.quantiles[0].value == first)
        for _ in 0..<10 { summary.observe(1000) }
        #expect(abs((summary.get()?.quantiles[0].value ?? 0) - 1000) <= 10)
    }
}

extension SummaryTests {
    @Test("A collection holds what each series reads at the collection's time (estimates, sum, count, start), in label order")
    func collectedPoints() throws {
        let clock = TestClock()
        let collector = MetricsCollector(cardinalityLimit: 2, logger: .init(label: "test"), summaryClock: clock.now)
        let summary = try collector.summary(
            "collected_bytes", labels: ["route"], quantiles: [0.5, 0.99], maxAge: .seconds(60), ageBuckets: 3)
        for value in [1.0, 2, 3, 4, 100] { summary.observe(value, ["route": "/b"]) }
        summary.observe(7.25, ["route": "/a"])
        summary.observe(9, ["route": "/c"])  // beyond the limit: the overflow series
        clock.advance(seconds: 30)
        summary.observe(5, ["route": "/a"])
        let family = try #require(collector.collectAll().family(named: "collected_bytes"))
        #expect(family.pointCount == 3 && family.points.count == 3)
        #expect(family.points.map(\.labels) == [
            [Label(name: "route", value: "/a")], [Label(name: "route", value: "/b")],
            [Label(name: "otel_metric_overflow", value: "true")],
        ])
        for (point, route) in zip(family.points, ["/a", "/b"]) {
            guard case .summary(let value) = point.value else {
                Issue.record("not a summary point")
                continue
            }
            #expect(value == summary.get(["route": route]))
            #expect(value.quantiles.map(\.quantile) == [0.5, 0.99])
            #expect(point.startTimeNanos > 0)
        }
        guard case .summary(let overflow) = family.points[2].value else {
            Issue.record("not a summary point")
            return
        }
        #expect(overflow.count == 1 && overflow.sum == 9 && overflow.quantiles.map(\.value) == [9, 9])
        // The window moves on: a later collection forgets what the earlier one held, as `get` does.
        clock.advance(seconds: 75)
        let later = try #require(collector.collectAll().family(named: "collected_bytes")?.points.first)
        guard case .summary(let emptied) = later.value else {
            Issue.record("not a summary point")
            return
        }
        #expect(emptied.quantiles.allSatisfy(\.value.isNaN) && emptied.count == 2 && emptied.sum == 12.25)
    }
}

extension SummaryTests {
    @Test("A summary declared without quantiles still collects each series' sum and count")
    func noQuantiles() throws {
        let collector = MetricsCollector()
        let summary = try collector.summary("plain_bytes", labels: ["route"], quantiles: [])
        summary.observe(2.5, ["route": "/a"])
        summary.observe(4, ["route": "/a"])
        summary.observe(1, ["route": "/b"])
        let points = try #require(collector.collectAll().family(named: "plain_bytes")?.points)
        let values = points.compactMap { point -> SummaryValue? in
            if case .summary(let value) = point.value { return value }
            return nil
        }
        #expect(values == [
            SummaryValue(quantiles: [], sum: 6.5, count: 2), SummaryValue(quantiles: [], sum: 1, count: 1),
        ])
    }
}

/// A settable monotonic clock for window tests.
final class TestClock: Sendable {
    private let nanos = Atomic<UInt64>(1_000_000_000_000)

    var now: @Sendable () -> UInt64 {
        { self.nanos.load(ordering: .relaxed) }
    }

    func advance(seconds: UInt64) {
        nanos.wrappingAdd(seconds * 1_000_000_000, ordering: .relaxed)
    }
}

/// SplitMix64: a tiny deterministic generator so statistical tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
