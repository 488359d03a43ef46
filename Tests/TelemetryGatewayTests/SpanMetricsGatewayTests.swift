import Foundation
import Telemetry
import TelemetryGatewayCore
import TelemetryGatewayTesting
import TelemetryOTLPData
import TelemetryTestSupport
import Testing

/// `spanmetrics` inside a running gateway: traces posted over OTLP/HTTP become metrics in the metrics
/// pipeline the connector feeds, at every flush and at shutdown.
@Suite("spanmetrics connector in a gateway")
struct SpanMetricsGatewayTests {
    /// The README example (connector/spanmetricsconnector/README.md @20f107f6, "Examples") with the
    /// `nop` receiver and exporter replaced by `otlp` and `memory`, and a short flush interval.
    static let readmeExample = """
        receivers:
          otlp:
            protocols:
              http: {endpoint: "127.0.0.1:0"}
        exporters:
          memory:
        connectors:
          spanmetrics:
            histogram:
              explicit:
                buckets: [100us, 1ms, 2ms, 6ms, 10ms, 100ms, 250ms]
            dimensions:
              - name: http.method
                default: GET
              - name: http.status_code
            exemplars:
              enabled: true
            exclude_dimensions: ['status.code']
            dimensions_cache_size: 1000
            aggregation_temporality: "AGGREGATION_TEMPORALITY_CUMULATIVE"
            metrics_flush_interval: FLUSH
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [spanmetrics]
            metrics:
              receivers: [spanmetrics]
              exporters: [memory]
          telemetry: {metrics: {level: none}}
        """

    static func body(_ spans: [(name: String, millis: UInt64, attributes: AttributeMap)]) -> [UInt8] {
        let data = spans.map { span in
            SpanData(
                name: span.name, context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .client,
                startTimeNanos: 1_000_000_000, endTimeNanos: 1_000_000_000 + span.millis * 1_000_000, attributes: span.attributes)
        }
        return OTLPTraceEncoder(resource: Resource(serviceName: "frontend")).encode(data)
    }

    @Test("The README example: spans posted become calls and durations with the configured dimensions at the next flush")
    func readmeExample() throws {
        let gateway = try InProcessGateway(yaml: Self.readmeExample.replacingOccurrences(of: "FLUSH", with: "100ms"))
        defer { _ = gateway.shutdown() }
        let body = Self.body([
            ("GET /cart", 5, ["http.status_code": .int(200)]), ("GET /cart", 50, ["http.status_code": .int(200)]),
            ("POST /cart", 1, ["http.method": .string("POST"), "http.status_code": .int(500)]),
        ])
        #expect(try OTLPRequests.post(body, to: gateway.url + "/v1/traces").status == 200)
        let deadline = Date().addingTimeInterval(5)
        while gateway.memory.payloads(.metrics).isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let flushed = try gateway.memory.payloads(.metrics).prefix(1).map { try MetricsView($0) }
        let calls = flushed.points("traces.span.metrics.calls")
        #expect(Set(calls.map(\.attributes)) == [
            ["service.name": "frontend", "span.name": "GET /cart", "span.kind": "SPAN_KIND_CLIENT", "http.method": "GET", "http.status_code": "200"],
            ["service.name": "frontend", "span.name": "POST /cart", "span.kind": "SPAN_KIND_CLIENT", "http.method": "POST", "http.status_code": "500"],
        ])
        let cart = try #require(flushed.points("traces.span.metrics.duration").first { $0.attributes["span.name"] == "GET /cart" }?.histogram)
        #expect(cart.explicitBounds == [0.1, 1, 2, 6, 10, 100, 250])
        #expect(cart.bucketCounts == [0, 0, 0, 1, 0, 1, 0, 0])
        #expect(flushed.points("traces.span.metrics.duration").allSatisfy { !$0.exemplars.isEmpty })
        #expect(gateway.selfMetric("telemetry_connector_spans_total", ["connector": "spanmetrics", "outcome": "counted"]) == 3)
    }

    @Test("Shutdown flushes once more, before the metrics pipeline stops")
    func shutdownFlushes() throws {
        let gateway = try InProcessGateway(yaml: Self.readmeExample.replacingOccurrences(of: "FLUSH", with: "1h"))
        #expect(try OTLPRequests.post(Self.body([("GET /cart", 5, [:])]), to: gateway.url + "/v1/traces").status == 200)
        #expect(gateway.memory.payloads(.metrics).isEmpty)
        #expect(gateway.shutdown())
        let calls = try gateway.memory.payloads(.metrics).map { try MetricsView($0) }.points("traces.span.metrics.calls")
        #expect(calls.map(\.value) == [1])
    }

    @Test("A connector in a metrics pipeline's exporters, or feeding a traces pipeline, is refused at load")
    func wrongSignals() throws {
        let yaml = Self.readmeExample.replacingOccurrences(of: "FLUSH", with: "1s")
            .replacingOccurrences(of: "    metrics:\n      receivers: [spanmetrics]", with: "    traces/out:\n      receivers: [spanmetrics]")
        #expect(throws: (any Error).self) { try InProcessGateway(yaml: yaml) }
    }
}
