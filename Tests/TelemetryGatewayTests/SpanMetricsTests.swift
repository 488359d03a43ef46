import Foundation
import Telemetry
@testable import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import Testing

/// The `spanmetrics` connector: calls and durations per series, temporality, exemplars, cardinality,
/// memory and refusals (the Collector's `connector/spanmetricsconnector` semantics).
@Suite("spanmetrics connector")
struct SpanMetricsTests {
    typealias Span = SpanMetricsHarness.Span

    @Test("Calls and duration per service, span name, kind and status; durations land in the Collector's default buckets")
    func callsAndBuckets() throws {
        let harness = try SpanMetricsHarness()
        // 1ms and 2ms in (0, 2] (bounds are inclusive), 3ms in (2, 4], 50ms in (10, 50], 20s past 15s.
        let millis: [UInt64] = [1, 2, 3, 50, 20_000]
        try harness.send(millis.map { Span(durationNanos: $0 * 1_000_000) } + [Span(status: .error, durationNanos: 7_000_000)])
        let flushed = try harness.flush()
        #expect(flushed.count == 1)
        let calls = flushed.points("traces.span.metrics.calls")
        #expect(calls.count == 2)
        let ok = try #require(calls.first { $0.attributes["status.code"] == "STATUS_CODE_UNSET" })
        #expect(ok.value == 5)
        #expect(ok.attributes == [
            "service.name": "shipping", "span.name": "get_shipping/{shippingId}", "span.kind": "SPAN_KIND_SERVER",
            "status.code": "STATUS_CODE_UNSET",
        ])
        #expect(calls.first { $0.attributes["status.code"] == "STATUS_CODE_ERROR" }?.value == 1)
        let durations = flushed.points("traces.span.metrics.duration")
        let histogram = try #require(durations.first { $0.attributes["status.code"] == "STATUS_CODE_UNSET" }?.histogram)
        var expected = [UInt64](repeating: 0, count: 17)
        expected[0] = 2
        expected[1] = 1
        expected[5] = 1
        expected[16] = 1
        #expect(histogram.bucketCounts == expected)
        #expect(histogram.explicitBounds == SpanMetricsSettings.defaultBoundsMilliseconds)
        #expect(histogram.count == 5)
        #expect(histogram.sum == 20_056)
        #expect(histogram.min == 1 && histogram.max == 20_000)
        let metric = try #require(flushed.first?.resourceMetrics.first?.scopeMetrics.first)
        #expect(metric.scope.name == "spanmetricsconnector")
        #expect(metric.metrics.first { $0.name == "traces.span.metrics.duration" }?.unit == "ms")
        #expect(flushed.first?.resourceMetrics.first?.resource.serviceName == "shipping")
        #expect(harness.metric("telemetry_connector_spans_total", ["outcome": "counted"]) == 6)
    }

    @Test(
        "A large resource costs once per request, not once per span: a 4 MiB service.name and a 1 MiB resource dimension over 20,000 spans",
        .timeLimit(.minutes(1)))
    func largeResourceOncePerRequest() throws {
        let harness = try SpanMetricsHarness("{dimensions: [{name: region}]}")
        let service = String(repeating: "s", count: 4 << 20)
        let region = String(repeating: "r", count: 1 << 20)
        try harness.send(
            Array(repeating: Span(name: "n"), count: 20_000), resource: ["service.name": .string(service), "region": .string(region)])
        // Before the series keys marked the resource's values, this copied and hashed 5 MiB per span (100 GB).
        let calls = try harness.flush().points("traces.span.metrics.calls")
        #expect(calls.count == 1)
        #expect(calls.first?.value == 20_000)
        #expect(calls.first?.attributes["region"] == region && calls.first?.attributes["service.name"] == service)
    }

    @Test("A resource dimension tells series of different resources apart, a span's own value wins over it")
    func resourceDimensionPerResource() throws {
        let harness = try SpanMetricsHarness("{dimensions: [{name: region}]}")
        try harness.send([Span(), Span(attributes: ["region": .string("own")])], resource: ["service.name": .string("shipping"), "region": .string("eu")])
        try harness.send([Span()], resource: ["service.name": .string("shipping"), "region": .string("us")])
        let calls = try harness.flush().points("traces.span.metrics.calls")
        #expect(Set(calls.map { "\($0.attributes["region"] ?? "-")=\(Int($0.value ?? -1))" }) == ["eu=1", "own=1", "us=1"])
    }

    @Test("Seconds: durations divided into seconds, the default buckets too")
    func seconds() throws {
        let harness = try SpanMetricsHarness("histogram: {unit: s}")
        try harness.send([Span(durationNanos: 1_500_000_000)])
        let histogram = try #require(try harness.flush().points("traces.span.metrics.duration").first?.histogram)
        #expect(histogram.sum == 1.5)
        #expect(histogram.bucketCounts[DurationAggregate.bucket(of: 1.5, in: histogram.explicitBounds)] == 1)
        #expect(histogram.explicitBounds[11] == 1.4 && histogram.bucketCounts[12] == 1)
    }

    @Test("Dimensions: the span's attribute, else the resource's, else the default; without a default it is left out")
    func dimensionsWithDefaults() throws {
        let harness = try SpanMetricsHarness("""
            dimensions:
              - name: http.method
                default: GET
              - name: http.status_code
              - name: region
            exclude_dimensions: ['status.code']
            """)
        try harness.send(
            [
                Span(attributes: ["http.method": .string("POST"), "http.status_code": .int(201)]),
                Span(attributes: ["region": .string("span-region")]),
            ], resource: ["service.name": .string("shipping"), "region": .string("eu")])
        let calls = try harness.flush().points("traces.span.metrics.calls")
        #expect(Set(calls.map(\.attributes)) == [
            [
                "service.name": "shipping", "span.name": "get_shipping/{shippingId}", "span.kind": "SPAN_KIND_SERVER",
                "http.method": "POST", "http.status_code": "201", "region": "eu",
            ],
            [
                "service.name": "shipping", "span.name": "get_shipping/{shippingId}", "span.kind": "SPAN_KIND_SERVER",
                "http.method": "GET", "region": "span-region",
            ],
        ])
    }

    @Test("Cumulative: totals keep growing from one start time and are sent at every flush")
    func cumulative() throws {
        let harness = try SpanMetricsHarness()
        try harness.send(Array(repeating: Span(), count: 3))
        let first = try #require(try harness.flush().points("traces.span.metrics.calls").first)
        harness.clock.advance(by: .seconds(15))
        try harness.send(Array(repeating: Span(), count: 2))
        let second = try #require(try harness.flush().points("traces.span.metrics.calls").first)
        harness.clock.advance(by: .seconds(15))
        let third = try #require(try harness.flush().points("traces.span.metrics.calls").first)
        #expect((first.value, second.value, third.value) == (3, 5, 5))
        #expect(first.start == second.start && second.start == third.start)
        #expect(third.time == first.time + 30_000_000_000)
    }

    @Test("Delta: each flush has what came since the previous one, starting at it; nothing new sends nothing")
    func delta() throws {
        let harness = try SpanMetricsHarness("aggregation_temporality: AGGREGATION_TEMPORALITY_DELTA")
        try harness.send(Array(repeating: Span(), count: 3))
        let first = try #require(try harness.flush().points("traces.span.metrics.calls").first)
        harness.clock.advance(by: .seconds(15))
        try harness.send(Array(repeating: Span(durationNanos: 3_000_000), count: 2))
        let flushed = try harness.flush()
        let second = try #require(flushed.points("traces.span.metrics.calls").first)
        #expect((first.value, second.value) == (3, 2))
        #expect(second.start == first.time)
        #expect(flushed.points("traces.span.metrics.duration").first?.histogram?.count == 2)
        #expect(try harness.flush().isEmpty)
        #expect(harness.metric("telemetry_connector_held_bytes") == 0)
    }

    @Test("Exemplars: trace and span ids of the spans, at most max_per_data_point, gone after the flush")
    func exemplars() throws {
        let harness = try SpanMetricsHarness("exemplars: {enabled: true, max_per_data_point: 2}")
        let spans = (0..<3).map { Span(durationNanos: UInt64($0 + 1) * 1_000_000) }
        try harness.send(spans)
        let flushed = try harness.flush()
        let exemplars = try #require(flushed.points("traces.span.metrics.duration").first?.exemplars)
        #expect(exemplars.count == 2)
        #expect(exemplars.map(\.traceID) == spans.prefix(2).map(\.trace))
        #expect(exemplars.map(\.value) == [1, 2])
        #expect(exemplars.allSatisfy { $0.spanID != nil })
        #expect(flushed.points("traces.span.metrics.calls").first?.exemplars.count == 2)
        #expect(try harness.flush().points("traces.span.metrics.duration").first?.exemplars.isEmpty == true)
    }

    @Test("aggregation_cardinality_limit: past the limit new series fold into one otel.metric.overflow series, counted")
    func cardinalityLimit() throws {
        let harness = try SpanMetricsHarness("aggregation_cardinality_limit: 5")
        try harness.send((0..<20).map { Span(name: "op-\($0)") })
        try harness.send([Span(name: "op-1"), Span(name: "op-99")])
        let calls = try harness.flush().points("traces.span.metrics.calls")
        #expect(calls.count == 6)
        let overflow = try #require(calls.first { $0.attributes["otel.metric.overflow"] == "true" })
        #expect(overflow.value == 16)
        #expect(overflow.attributes.count == 1)
        #expect(calls.first { $0.attributes["span.name"] == "op-1" }?.value == 2)
        #expect(harness.metric("telemetry_connector_spans_total", ["outcome": "overflow"]) == 16)
        #expect(harness.metric("telemetry_connector_spans_total", ["outcome": "counted"]) == 6)
    }

    @Test("dimensions_cache_size bounds the series over all resources; resource_metrics_cache_size the resources")
    func globalBounds() throws {
        let harness = try SpanMetricsHarness("dimensions_cache_size: 3\nresource_metrics_cache_size: 2")
        for service in ["a", "b", "c"] {
            try harness.send([Span(name: "x"), Span(name: "y")], resource: ["service.name": .string(service)])
        }
        let flushed = try harness.flush()
        #expect(flushed.first?.resourceMetrics.count == 3)
        let calls = flushed.points("traces.span.metrics.calls")
        #expect(calls.filter { $0.attributes["otel.metric.overflow"] == nil }.count == 3)
        #expect(calls.filter { $0.attributes["otel.metric.overflow"] == "true" }.reduce(0) { $0 + ($1.value ?? 0) } == 3)
        #expect(harness.metric("telemetry_connector_series") == 5)
    }

    @Test("resource_metrics_key_attributes: resources differing only in other attributes share their series")
    func resourceKeyAttributes() throws {
        let harness = try SpanMetricsHarness("resource_metrics_key_attributes: [service.name]")
        try harness.send([Span()], resource: ["service.name": .string("shipping"), "process.pid": .int(1)])
        try harness.send([Span()], resource: ["service.name": .string("shipping"), "process.pid": .int(2)])
        let flushed = try harness.flush()
        #expect(flushed.first?.resourceMetrics.count == 1)
        #expect(flushed.points("traces.span.metrics.calls").first?.value == 2)
    }

    @Test("Spans of a resource without service.name are left out and counted")
    func withoutServiceName() throws {
        let harness = try SpanMetricsHarness()
        try harness.send([Span(), Span()], resource: ["host.name": .string("h")])
        #expect(try harness.flush().isEmpty)
        #expect(harness.metric("telemetry_connector_spans_total", ["outcome": "no_service_name"]) == 2)
    }

    @Test("histogram.disable leaves only calls; an empty namespace gives the bare names")
    func disabledHistogram() throws {
        let harness = try SpanMetricsHarness("histogram: {disable: true}\nnamespace: \"\"")
        try harness.send([Span()])
        let flushed = try harness.flush()
        #expect(flushed.points("calls").first?.value == 1)
        #expect(flushed.first?.resourceMetrics.first?.scopeMetrics.first?.metrics.count == 1)
    }

    @Test("Exponential histogram: at most max_size buckets, every span counted, the scale lowered to fit")
    func exponential() throws {
        let harness = try SpanMetricsHarness("histogram: {exponential: {max_size: 10}}")
        let nanos: [UInt64] = [0, 1_000, 1_000_000, 7_000_000, 1_000_000_000, 60_000_000_000]
        try harness.send(nanos.map { Span(durationNanos: $0) })
        let point = try #require(try harness.flush().points("traces.span.metrics.duration").first?.exponential)
        #expect(point.count == 6)
        #expect(point.zeroCount == 1)
        #expect(point.positive.counts.count <= 10)
        #expect(point.positive.counts.reduce(0, +) == 5)
        #expect(point.scale < 20)
        // Each value lies in its bucket: (base^index, base^(index+1)].
        let base = pow(2, pow(2, -Double(point.scale)))
        for millis in nanos.dropFirst().map({ Double($0) / 1e6 }) {
            let index = ExponentialBuckets.index(of: millis, scale: point.scale)
            #expect(pow(base, Double(index)) < millis * (1 + 1e-9) && millis <= pow(base, Double(index + 1)) * (1 + 1e-9))
            #expect(point.positive.counts[index - Int(point.positive.offset)] >= 1)
        }
    }

    @Test("metrics_expiration: a cumulative series unseen that long is exported a last time, then no longer (as in the Collector)")
    func expiration() throws {
        let harness = try SpanMetricsHarness("metrics_expiration: 1m")
        try harness.send([Span(name: "old")])
        _ = try harness.flush()
        harness.clock.advance(by: .seconds(45))
        try harness.send([Span(name: "new")])
        harness.clock.advance(by: .seconds(30))
        let last = try harness.flush().points("traces.span.metrics.calls").compactMap { $0.attributes["span.name"] }
        #expect(Set(last) == ["old", "new"])
        let names = try harness.flush().points("traces.span.metrics.calls").compactMap { $0.attributes["span.name"] }
        #expect(names == ["new"])
        #expect(harness.metric("telemetry_connector_series") == 1)
    }

    @Test("A request whose new series the budget cannot hold is refused whole (retryable); nothing of it is counted")
    func budgetRefusal() throws {
        let harness = try SpanMetricsHarness(budgetBytes: 1 << 20)
        try harness.send([Span(name: "known")])
        let hog = try #require(harness.budget.reserve(harness.budget.limitBytes - harness.budget.usedBytes - 30_000))
        let many = [Span(name: "known")] + (0..<50).map { Span(name: String(repeating: "n", count: 200) + "\($0)") }
        #expect(throws: Refusal.self) { try harness.send(many) }
        withExtendedLifetime(hog) {}
        let calls = try harness.flush().points("traces.span.metrics.calls")
        #expect(calls.count == 1 && calls.first?.value == 1)
        #expect(harness.metric("telemetry_connector_spans_total", ["outcome": "counted"]) == 1)
    }

    @Test("A downstream refusal at flush keeps the cumulative state; delta points are lost and counted")
    func downstreamRefusal() throws {
        let cumulative = try SpanMetricsHarness()
        try cumulative.send([Span(), Span()])
        cumulative.output.refuse(with: .retryLater(reason: "queue_full", "full"))
        #expect(try cumulative.flush().isEmpty)
        #expect(cumulative.metric("telemetry_connector_flushes_total", ["outcome": "refused"]) == 1)
        cumulative.output.refuse(with: nil)
        try cumulative.send([Span()])
        #expect(try cumulative.flush().points("traces.span.metrics.calls").first?.value == 3)

        let delta = try SpanMetricsHarness("aggregation_temporality: AGGREGATION_TEMPORALITY_DELTA")
        try delta.send([Span(), Span()])
        delta.output.refuse(with: .retryLater(reason: "queue_full", "full"))
        #expect(try delta.flush().isEmpty)
        #expect(delta.metric("telemetry_connector_flushes_total", ["outcome": "lost"]) == 1)
        delta.output.refuse(with: nil)
        try delta.send([Span()])
        #expect(try delta.flush().points("traces.span.metrics.calls").first?.value == 1)
    }

    @Test("The state's bytes are held in the budget and return at a delta flush")
    func leases() throws {
        let harness = try SpanMetricsHarness("aggregation_temporality: AGGREGATION_TEMPORALITY_DELTA")
        #expect(harness.budget.usedBytes == 0)
        try harness.send((0..<10).map { Span(name: "op-\($0)") })
        let held = harness.budget.usedBytes
        #expect(held > 10 * SpanMetricsCost.entryOverhead)
        #expect(Double(held) == harness.metric("telemetry_connector_held_bytes"))
        #expect(try harness.flush().count == 1)
        #expect(harness.budget.usedBytes == 0, "the memory exporter keeps the payload, not its lease")
        #expect(harness.metric("telemetry_connector_held_bytes") == 0)
    }
}
