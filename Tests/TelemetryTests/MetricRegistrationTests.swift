import Testing

@testable import Telemetry

@Suite("Registering metrics")
struct MetricRegistrationTests {
    let collector = MetricsCollector()

    @Test("Invalid metric names are refused with a descriptive error")
    func invalidMetricNames() {
        for name in ["", "1abc", "with-dash", "with space", "é"] {
            #expect(throws: MetricsError.self) { try collector.counter(name) }
            do {
                _ = try collector.gauge(name)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.reason == .invalidMetricName)
                #expect(error.message.contains("\"\(name)\""))
            }
        }
        #expect(throws: Never.self) { try collector.gauge("ns:sub_system_1") }
    }

    @Test("Invalid, reserved and duplicate label names are refused")
    func invalidLabelNames() throws {
        #expect(throws: MetricsError(.invalidLabelName, "metric \"a\": invalid label name \"1x\": must match [a-zA-Z_][a-zA-Z0-9_]*")) {
            try collector.counter("a", labels: ["1x"])
        }
        #expect(throws: MetricsError.self) { try collector.counter("b", labels: ["__internal"]) }
        #expect(throws: MetricsError.self) { try collector.counter("c", labels: ["a:b"]) }
        #expect(throws: MetricsError.self) { try collector.histogram("d", labels: ["le"]) }
        #expect(throws: MetricsError.self) { try collector.summary("e", labels: ["quantile"]) }
        do {
            _ = try collector.counter("f", labels: ["x", "x"])
            Issue.record("duplicate label accepted")
        } catch {
            #expect(error.reason == .duplicateLabelName)
        }
        // `le` is only reserved for histograms.
        _ = try collector.counter("g", labels: ["le"])
    }

    @Test("Re-registering the same definition returns the same instrument")
    func sameDefinitionReturnsExisting() throws {
        let first = try collector.counter("jobs_total", help: "Jobs", labels: ["queue"])
        let second = try collector.counter("jobs_total", help: "Jobs", labels: ["queue"])
        #expect(first === second)
        let histogram = try collector.histogram("h", buckets: [1, 2])
        #expect(try collector.histogram("h", buckets: [1, 2, .infinity]) === histogram)
    }

    @Test("Re-registering a name with another kind, labels, help or buckets throws")
    func conflictingRegistrations() throws {
        _ = try collector.counter("jobs_total", help: "Jobs", labels: ["queue"])
        let conflicts: [() throws -> Void] = [
            { _ = try collector.gauge("jobs_total", help: "Jobs", labels: ["queue"]) },
            { _ = try collector.counter("jobs_total", help: "Jobs", labels: ["queue", "host"]) },
            { _ = try collector.counter("jobs_total", help: "Other", labels: ["queue"]) },
        ]
        for register in conflicts {
            do {
                try register()
                Issue.record("conflict accepted")
            } catch let error as MetricsError {
                #expect(error.reason == .conflictingRegistration)
                #expect(error.message.contains("already registered as counter"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        _ = try collector.histogram("latency", buckets: [1, 2])
        #expect(throws: MetricsError.self) { try collector.histogram("latency", buckets: [1, 3]) }
    }

    @Test("Names whose exposed samples collide are refused")
    func sampleNameCollisions() throws {
        _ = try collector.counter("requests")
        do {
            _ = try collector.gauge("requests_total")
            Issue.record("collision accepted")
        } catch {
            #expect(error.reason == .sampleNameCollision)
            #expect(error.message.contains("\"requests\""))
        }
        _ = try collector.histogram("size")
        #expect(throws: MetricsError.self) { try collector.gauge("size_bucket") }
        #expect(throws: MetricsError.self) { try collector.counter("size_count") }
    }

    @Test("Histogram buckets must be finite and strictly increasing")
    func invalidBuckets() throws {
        #expect(throws: MetricsError.self) { try collector.histogram("a", buckets: [1, 1]) }
        #expect(throws: MetricsError.self) { try collector.histogram("b", buckets: [2, 1]) }
        #expect(throws: MetricsError.self) { try collector.histogram("c", buckets: [.nan]) }
        #expect(try collector.histogram("d", buckets: [.infinity]).buckets.isEmpty)
        #expect(try collector.histogram("e").buckets == TelemetryHistogram.defaultBuckets)
    }

    @Test("Summary quantiles must be distinct values in 0...1, with a positive window")
    func invalidQuantiles() throws {
        #expect(throws: MetricsError.self) { try collector.summary("a", quantiles: [1.5]) }
        #expect(throws: MetricsError.self) { try collector.summary("b", quantiles: [0.5, 0.5]) }
        #expect(throws: MetricsError.self) { try collector.summary("c", maxAge: .zero) }
        #expect(throws: MetricsError.self) { try collector.summary("d", ageBuckets: 0) }
        #expect(throws: MetricsError.self) { try collector.counter("e", cardinalityLimit: 0) }
    }

    @Test("A snapshot lists families by name and does not change afterwards")
    func snapshotIsImmutable() throws {
        let gauge = try collector.gauge("zeta")
        _ = try collector.counter("alpha_total")
        gauge.set(1)
        let snapshot = collector.collectAll()
        gauge.set(2)
        let names = snapshot.families.map(\.name)
        #expect(names == names.sorted())
        #expect(names.contains(RecordingIssues.rejectedName))
        #expect(snapshot.family(named: "zeta")?.points.first?.value == .gauge(1))
        #expect(collector.collectAll().family(named: "zeta")?.points.first?.value == .gauge(2))
    }
}
