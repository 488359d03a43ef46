import Telemetry
import TelemetryTestSupport
import Testing

@Suite("Counters and gauges")
struct CounterAndGaugeTests {
    let logs = LogRecorder()
    let collector: MetricsCollector

    init() {
        collector = MetricsCollector(logger: logs.logger())
    }

    private func rejected(_ metric: String, _ reason: String) -> Double {
        let counter = try? collector.counter(
            "telemetry_rejected_measurements_total",
            help: "Measurements not recorded because of invalid labels or values", labels: ["metric", "reason"])
        return counter?.get(["metric": metric, "reason": reason]) ?? -1
    }

    @Test("The seed API: inc, inc(by:), get with labels")
    func counterBasics() throws {
        let executions = try collector.counter(
            "pipeline_executions_total", help: "Total pipeline executions", labels: ["pipeline_name", "status"])
        let success = ["pipeline_name": "data_processor", "status": "success"]
        executions.inc(success)
        executions.inc(by: 2, success)
        executions.inc(by: 0.5, success)
        #expect(executions.get(success) == 3.5)
        #expect(executions.get(["pipeline_name": "data_processor", "status": "failure"]) == 0)
    }

    @Test("Missing or unknown labels record nothing, are counted, and logged once")
    func labelMismatch() throws {
        let counter = try collector.counter("jobs_total", labels: ["queue"])
        counter.inc([:])
        counter.inc([:])
        counter.inc(["queue": "a", "extra": "b"])
        counter.inc(["other": "a"])
        #expect(counter.get(["queue": "a"]) == 0)
        #expect(collector.collectAll().family(named: "jobs_total")?.points.isEmpty == true)
        #expect(rejected("jobs_total", "missing_label") == 3)
        #expect(rejected("jobs_total", "unknown_label") == 1)
        let warnings = logs.all.filter { $0.metadata["metric"] == "jobs_total" }
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.level == .warning })
    }

    @Test("Literal labels in any order and dictionary labels reach one series; a label given twice is refused")
    func literalAndDictionaryLabels() throws {
        let counter = try collector.counter("routes_total", labels: ["method", "route", "code"])
        let gauge = try collector.gauge("inflight", labels: ["method", "route"])
        counter.inc(["method": "GET", "route": "/users", "code": "200"])
        counter.inc(["code": "200", "method": "GET", "route": "/users"])
        counter.inc(by: 2, ["route": "/users", "code": "200", "method": "GET"])
        let labels: [String: String] = ["method": "GET", "route": "/users", "code": "200"]
        counter.inc(labels)
        #expect(counter.get(labels) == 5)
        gauge.set(3, ["route": "/a", "method": "PUT"])
        gauge.dec(["method": "PUT", "route": "/a"])
        #expect(gauge.get(["method": "PUT", "route": "/a"]) == 2)

        counter.inc(["method": "GET", "method": "POST", "code": "200"])
        counter.inc(["method": "GET", "route": "/users", "code": "200", "code": "500"])
        #expect(rejected("routes_total", "missing_label") == 1)
        #expect(rejected("routes_total", "duplicate_label") == 1)
        #expect(counter.get(labels) == 5)
        #expect(collector.collectAll().family(named: "routes_total")?.points.count == 1)
    }

    @Test("Negative and non-finite counter increments are refused and counted")
    func invalidIncrements() throws {
        let counter = try collector.counter("c_total")
        counter.inc(by: -1)
        counter.inc(by: .nan)
        counter.inc(by: .infinity)
        try counter.labels([:]).inc(by: -5)
        #expect(counter.get() == 0)
        #expect(rejected("c_total", "invalid_value") == 4)
    }

    @Test("Unlabelled counters exist at zero from registration")
    func unlabelledStartsAtZero() throws {
        _ = try collector.counter("started_total")
        let family = try #require(collector.collectAll().family(named: "started_total"))
        #expect(family.points.map(\.value) == [.counter(0)])
    }

    @Test("Bound handles record into the same series as label lookups")
    func boundHandles() throws {
        let counter = try collector.counter("bound_total", labels: ["a"])
        let handle = try counter.labels(["a": "x"])
        handle.inc()
        handle.inc(by: 2)
        counter.inc(["a": "x"])
        #expect(counter.get(["a": "x"]) == 4)
        #expect(handle.get() == 4)
        #expect(throws: MetricsError.self) { try counter.labels(["b": "x"]) }
    }

    @Test("Gauge inc, dec, set, with and without labels")
    func gaugeBasics() throws {
        let connections = try collector.gauge("active_connections", help: "Current active connections")
        connections.inc()
        connections.inc()
        connections.dec()
        #expect(connections.get() == 1)
        connections.set(42)
        connections.inc(by: 0.5)
        connections.dec(by: 2.5)
        #expect(connections.get() == 40)
        connections.set(-3)
        #expect(connections.get() == -3)
        let labelled = try collector.gauge("queue_depth", labels: ["queue"])
        labelled.set(7, ["queue": "in"])
        labelled.dec(["queue": "in"])
        labelled.inc(by: .nan, ["queue": "in"])
        #expect(labelled.get(["queue": "in"]) == 6)
        #expect(rejected("queue_depth", "invalid_value") == 1)
    }

    @Test("Removing a series makes it start again from zero")
    func removeSeries() throws {
        let counter = try collector.counter("removed_total", labels: ["a"])
        counter.inc(["a": "x"])
        #expect(counter.remove(["a": "x"]))
        #expect(!counter.remove(["a": "x"]))
        #expect(counter.get(["a": "x"]) == 0)
        counter.inc(["a": "x"])
        #expect(counter.get(["a": "x"]) == 1)
    }

    @Test("100 threads × 10,000 inc() read exactly 1,000,000")
    func concurrentIncrements() throws {
        let plain = try collector.counter("plain_total")
        let labelled = try collector.counter("labelled_total", labels: ["shard"])
        let gauge = try collector.gauge("concurrent_gauge")
        runOnThreads(100) { index in
            let shard = ["shard": String(index % 4)]
            for _ in 0..<10_000 {
                plain.inc()
                labelled.inc(shard)
                gauge.inc()
            }
        }
        #expect(plain.get() == 1_000_000)
        #expect((0..<4).map { labelled.get(["shard": String($0)]) }.reduce(0, +) == 1_000_000)
        #expect(gauge.get() == 1_000_000)
    }

    @Test("Threads hammering one bound series (striped once contended) lose nothing, and reads never go backwards")
    func contendedBoundSeries() throws {
        let series = try collector.counter("contended_total", labels: ["a"]).labels(["a": "x"])
        let backwardsReads = try collector.counter("backwards_reads_total")
        runOnThreads(9) { index in
            guard index < 8 else {
                var last = 0.0
                for _ in 0..<20_000 {
                    let now = series.get()
                    if now < last { backwardsReads.inc() }
                    last = now
                }
                return
            }
            for step in 0..<100_000 {
                if step % 2 == 0 { series.inc() } else { series.inc(by: Double(index + 1)) }
            }
        }
        // Each adding thread: 50,000 × 1 + 50,000 × (index + 1).
        let expected = (0..<8).map { 50_000.0 + 50_000.0 * Double($0 + 1) }.reduce(0, +)
        #expect(series.get() == expected)
        #expect(backwardsReads.get() == 0)
    }

    @Test("Lock-free lookups while the table grows and series are removed: stable series lose nothing")
    func lookupsDuringGrowthAndRemoval() throws {
        let counter = try collector.counter("churn_total", labels: ["kind", "item"])
        runOnThreads(5) { index in
            guard index < 4 else {
                // The remover: every removal replaces the directory the recording threads read.
                for round in 0..<300 {
                    for item in 0..<20 { counter.remove(["kind": "churn", "item": String((round + item) % 50)]) }
                }
                return
            }
            // Each recorder adds series as it goes (the directory grows from 8 to 512 records) and
            // records into them and into churned ones.
            for round in 0..<40 {
                for item in 0..<100 {
                    counter.inc(["kind": "stable", "item": "\(index)-\(item)"])
                    counter.inc(["kind": "churn", "item": String((round + item) % 50)])
                }
            }
        }
        let stable = (0..<4).flatMap { index in (0..<100).map { counter.get(["kind": "stable", "item": "\(index)-\($0)"]) } }
        #expect(stable.count == 400)
        #expect(stable.allSatisfy { $0 == 40 }, "\(stable.filter { $0 != 40 }.prefix(5))")
        let family = try #require(collector.collectAll().families.first { $0.name == "churn_total" })
        let churned = family.points.filter { $0.labels.first?.value == "churn" }
        #expect(churned.count <= 50)
        #expect(family.points.count == 400 + churned.count)
    }

    @Test("Collecting while other threads add series: every snapshot is consistent, nothing is lost")
    func collectWhileAddingSeries() throws {
        let counter = try collector.counter("created_total", labels: ["writer", "item"])
        let inconsistent = try collector.counter("inconsistent_snapshots_total")
        runOnThreads(5) { index in
            guard index < 4 else {
                var lastCount = 0
                for _ in 0..<200 {
                    let family = collector.collectAll().families.first { $0.name == "created_total" }
                    let points = family?.points ?? []
                    // Sorted, each label set once, never fewer series than before, and every value 1
                    // (or 0: a series is created just before its first increment lands).
                    let keys = points.map { $0.labels.map(\.value).joined(separator: "/") }
                    let consistent = keys == keys.sorted() && Set(keys).count == keys.count
                        && points.allSatisfy { $0.value == .counter(1) || $0.value == .counter(0) }
                        && points.count >= lastCount
                        && family?.pointCount == points.count
                    if !consistent { inconsistent.inc() }
                    lastCount = points.count
                }
                return
            }
            for item in 0..<400 { counter.inc(["writer": String(index), "item": String(item)]) }
        }
        #expect(inconsistent.get() == 0)
        let final = collector.collectAll().families.first { $0.name == "created_total" }
        #expect(final?.pointCount == 1_600)
        #expect(final?.points.allSatisfy { $0.value == .counter(1) } == true)
    }

    @Test("Beyond the cardinality limit, label sets go to the overflow series and are counted")
    func cardinalityOverflow() throws {
        let counter = try collector.counter("users_total", labels: ["user"], cardinalityLimit: 3)
        for user in ["a", "b", "c", "d", "e"] {
            counter.inc(["user": user])
        }
        counter.inc(["user": "a"])
        let points = try #require(collector.collectAll().family(named: "users_total")).points
        #expect(points.count == 4)
        #expect(points.prefix(3).map { $0.labels.first?.value } == ["a", "b", "c"])
        #expect(points[0].value == .counter(2))
        #expect(points[3].labels == [Label(name: "otel_metric_overflow", value: "true")])
        #expect(points[3].value == .counter(2))
        let overflow = try collector.counter(
            "telemetry_cardinality_overflow_total",
            help: "Measurements recorded in the overflow series because the cardinality limit was reached",
            labels: ["metric"])
        #expect(overflow.get(["metric": "users_total"]) == 2)
        #expect(logs.all.filter { $0.message.contains("cardinality limit of 3") }.count == 1)
    }

    @Test("A snapshot keeps the series and values of its moment while the collector moves on")
    func snapshotsAreIsolated() throws {
        let counter = try collector.counter("jobs_total", labels: ["queue"])
        counter.inc(["queue": "b"])
        let gauge = try collector.gauge("depth", labels: ["queue"])
        gauge.set(5, ["queue": "b"])
        let before = collector.collectAll()
        counter.inc(by: 2, ["queue": "b"])
        counter.inc(["queue": "a"])
        gauge.set(-1, ["queue": "c"])
        let after = collector.collectAll()

        func series(_ snapshot: MetricsSnapshot, _ name: String) -> [String: MetricValue] {
            let family = snapshot.families.first { $0.name == name }
            return Dictionary(uniqueKeysWithValues: (family?.points ?? []).map { ($0.labels[0].value, $0.value) })
        }
        #expect(series(before, "jobs_total") == ["b": .counter(1)])
        #expect(series(before, "depth") == ["b": .gauge(5)])
        #expect(series(after, "jobs_total") == ["a": .counter(1), "b": .counter(3)])
        #expect(series(after, "depth") == ["b": .gauge(5), "c": .gauge(-1)])
        #expect(after.families.first { $0.name == "jobs_total" }?.pointCount == 2)
        #expect(after.families.first { $0.name == "jobs_total" }?.points.map(\.labels[0].value) == ["a", "b"])
    }

    @Test("Series are ordered by label values regardless of creation order")
    func deterministicOrder() throws {
        let counter = try collector.counter("ordered_total", labels: ["a", "b"])
        for (a, b) in [("z", "1"), ("a", "2"), ("m", "0"), ("a", "1")] {
            counter.inc(["a": a, "b": b])
        }
        let points = try #require(collector.collectAll().family(named: "ordered_total")).points
        #expect(points.map { $0.labels.map(\.value) } == [["a", "1"], ["a", "2"], ["m", "0"], ["z", "1"]])
    }
}
