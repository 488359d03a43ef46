import Foundation
import Telemetry
import TelemetryExporters
import TelemetryOTLPData
import TelemetryGatewayTesting
import Testing

@testable import TelemetryGatewayCore

/// The fold rules, one request at a time (OTLP/JSON through the data layer, as the gateway receives it).
@Suite("Folded metrics: delta, cumulative, duplicates, names")
struct FoldedMetricsStoreTests {
    let store = FoldedMetricsStore()

    @discardableResult
    private func fold(_ metrics: String, service: String = "svc") throws -> FoldedMetricsStore.Outcome {
        let json = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\(service)"}}]},
              "scopeMetrics":[{"metrics":[\(metrics)]}]}]}
            """
        return store.fold(try MetricsView(OTLPPayload(json: Array(json.utf8), signal: .metrics, limits: DecodeLimits())))
    }

    private func sum(_ name: String, temporality: Int, monotonic: Bool = true, value: Double, start: Int, time: Int, attributes: String = "") -> String {
        """
        {"name":"\(name)","sum":{"aggregationTemporality":\(temporality),"isMonotonic":\(monotonic),"dataPoints":[
          {"asDouble":\(value),"startTimeUnixNano":"\(start)","timeUnixNano":"\(time)","attributes":[\(attributes)]}]}}
        """
    }

    private func value(_ name: String) -> MetricValue? {
        store.collectAll().families.first { $0.name == name }?.points.first?.value
    }

    @Test("Deltas add up across advancing start times; a duplicate or out-of-order point is ignored and counted")
    func deltas() throws {
        try fold(sum("jobs", temporality: 1, value: 5, start: 100, time: 200))
        try fold(sum("jobs", temporality: 1, value: 2, start: 200, time: 300))
        #expect(value("jobs") == .counter(7))
        let duplicate = try fold(sum("jobs", temporality: 1, value: 2, start: 200, time: 300))
        let late = try fold(sum("jobs", temporality: 1, value: 9, start: 150, time: 250))
        #expect(duplicate.refused == ["out_of_order": 1] && late.refused == ["out_of_order": 1])
        #expect(value("jobs") == .counter(7))
        try fold(sum("jobs", temporality: 1, value: 1, start: 900, time: 1000))
        #expect(value("jobs") == .counter(8), "a gap between intervals still adds")
    }

    @Test("Cumulative values replace; a new start time is a reset; a non-monotonic delta sum adds as a gauge")
    func cumulative() throws {
        try fold(sum("requests", temporality: 2, value: 10, start: 100, time: 200))
        try fold(sum("requests", temporality: 2, value: 15, start: 100, time: 300))
        #expect(value("requests") == .counter(15))
        try fold(sum("requests", temporality: 2, value: 3, start: 400, time: 500))
        #expect(value("requests") == .counter(3))
        #expect(store.collectAll().families.first { $0.name == "requests" }?.points.first?.startTimeNanos == 400)
        try fold(sum("depth", temporality: 1, monotonic: false, value: 4, start: 1, time: 2))
        try fold(sum("depth", temporality: 1, monotonic: false, value: -6, start: 2, time: 3))
        #expect(value("depth") == .gauge(-2))
    }

    @Test("Delta histograms add bucket by bucket; new bounds start the series over")
    func histograms() throws {
        func histogram(_ counts: [Int], bounds: [Double], sum: Double, start: Int, time: Int) -> String {
            """
            {"name":"latency","histogram":{"aggregationTemporality":1,"dataPoints":[{"count":"\(counts.reduce(0, +))","sum":\(sum),
              "bucketCounts":[\(counts.map { "\"\($0)\"" }.joined(separator: ","))],"explicitBounds":\(bounds),
              "startTimeUnixNano":"\(start)","timeUnixNano":"\(time)"}]}}
            """
        }
        try fold(histogram([1, 2, 0], bounds: [1, 5], sum: 7, start: 1, time: 2))
        try fold(histogram([0, 1, 1], bounds: [1, 5], sum: 11, start: 2, time: 3))
        guard case .histogram(let total)? = value("latency") else { throw TestFailure("no histogram") }
        #expect(total.bucketCounts == [1, 3, 1] && total.sum == 18 && total.count == 5)
        try fold(histogram([2, 0], bounds: [10], sum: 4, start: 3, time: 4))
        guard case .histogram(let restarted)? = value("latency") else { throw TestFailure("no histogram") }
        #expect(restarted.bounds == [10] && restarted.count == 2)
    }

    @Test("Names: attribute keys that collide after sanitising merge with ';', reserved and empty keys get exported_")
    func names() throws {
        let attributes = """
            {"key":"a.b","value":{"stringValue":"1"}},{"key":"a_b","value":{"stringValue":"2"}},
            {"key":"","value":{"stringValue":"empty"}},{"key":"le","value":{"stringValue":"x"}},
            {"key":"service_name","value":{"stringValue":"spoof"}},{"key":"9lives","value":{"intValue":"9"}},
            {"key":"__name__","value":{"stringValue":"n"}}
            """
        try fold("""
            {"name":"http.server.duration","histogram":{"aggregationTemporality":2,"dataPoints":[{"count":"1","sum":1,
              "bucketCounts":["1","0"],"explicitBounds":[5],"timeUnixNano":"2","attributes":[\(attributes)]}]}}
            """)
        let point = try #require(store.collectAll().families.first { $0.name == "http_server_duration" }?.points.first)
        #expect(point.labels == [
            Label(name: "a_b", value: "1;2"), Label(name: "exported_", value: "empty"), Label(name: "exported___name__", value: "n"),
            Label(name: "exported_le", value: "x"), Label(name: "exported_service_name", value: "spoof"),
            Label(name: "key_9lives", value: "9"), Label(name: "service_name", value: "svc"),
        ])
    }

    @Test("A family whose exposed names clash with another's is refused, not the scrape; a kind change is refused too")
    func familyConflicts() throws {
        try fold(sum("x", temporality: 2, value: 1, start: 1, time: 2))
        let clash = try fold(#"{"name":"x_total","gauge":{"dataPoints":[{"asDouble":5,"timeUnixNano":"2"}]}}"#)
        #expect(clash.refused == ["name_conflict": 1])
        let kind = try fold(#"{"name":"x","gauge":{"dataPoints":[{"asDouble":5,"timeUnixNano":"3"}]}}"#)
        #expect(kind.refused == ["kind_conflict": 1])
        let text = String(decoding: PrometheusTextRenderer().render(store.collectAll().families, format: .text), as: UTF8.self)
        #expect(text == "# TYPE x_total counter\nx_total{service_name=\"svc\"} 1\n")
    }

    @Test("Series not updated within metric_expiration disappear; updated ones stay")
    func expiration() throws {
        let clock = ManualGatewayClock()
        let shortLived = FoldedMetricsStore(expiration: .seconds(300), clock: clock)
        func fold(_ name: String, time: Int) throws {
            let json = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[" + sum(name, temporality: 2, value: 1, start: 1, time: time) + "]}]}]}"
            _ = shortLived.fold(try MetricsView(OTLPPayload(json: Array(json.utf8), signal: .metrics, limits: DecodeLimits())))
        }
        try fold("gone", time: 2)
        try fold("kept", time: 2)
        clock.advance(by: .seconds(200))
        try fold("kept", time: 3)
        #expect(shortLived.collectAll().families.map(\.name) == ["gone", "kept"])
        clock.advance(by: .seconds(101))
        #expect(shortLived.collectAll().families.map(\.name) == ["kept"])
        clock.advance(by: .seconds(200))
        #expect(shortLived.collectAll().families.isEmpty)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
