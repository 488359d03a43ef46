import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import TelemetryExporters
import TelemetryIntegration
import TelemetryOTLP
import TelemetryTestSupport
import Testing
import Tracing

/// Code written only against swift-metrics and swift-distributed-tracing, as a library would be.
private enum OrderService {
    struct OutOfStock: Error {}

    static func placeOrder(_ id: Int) async throws {
        try await withSpan("place_order", ofKind: .server) { span in
            span.attributes["order.id"] = id
            CoreMetrics.Counter(label: "orders.placed", dimensions: [("channel", "web")]).increment()
            let timer = CoreMetrics.Timer(label: "orders.latency")
            let start = DispatchTime.now().uptimeNanoseconds
            try await withSpan("reserve_stock", ofKind: .client) { child in
                await Task.yield()
                child.addEvent("stock.checked")
                if id % 2 == 0 { throw OutOfStock() }
            }
            timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
        }
    }
}

@Suite("swift-metrics and swift-distributed-tracing bootstrapped to this library")
struct EcosystemEndToEndTests {
    @Test("Data recorded through both APIs shows in Prometheus text and in OTLP decoded by the official decoder")
    func bootstrapBothSystems() async throws {
        let intake = try await IntakeServer()
        let collector = MetricsCollector()
        let exporter = OTLPExporter(endpoint: intake.endpoint, selfMetrics: MetricsCollector())
        let tracer = OpenTelemetryTracer(
            serviceName: "orders", exporter: exporter, sampler: .alwaysOn,
            batch: BatchConfiguration(scheduleDelay: .milliseconds(50)), selfMetrics: MetricsCollector())
        MetricsSystem.bootstrap(TelemetryMetricsFactory(collector: collector))
        InstrumentationSystem.bootstrap(tracer)

        try await OrderService.placeOrder(1)
        await #expect(throws: OrderService.OutOfStock.self) { try await OrderService.placeOrder(2) }

        let prometheus = PrometheusExporter()
        try prometheus.export(collector.collectAll())
        let text = prometheus.metricsText()
        #expect(text.contains("orders_placed_total{channel=\"web\"} 2"))
        #expect(text.contains("orders_latency_count 1"))

        try exporter.export(collector.collectAll())
        #expect(tracer.forceFlush())
        let spans = try await intake.acceptedSpans()
        #expect(spans.count == 4)
        for root in spans.filter({ $0.string("name") == "place_order" }) {
            let child = try #require(spans.first { $0.string("parent_span_id") == root.string("span_id") })
            #expect(child.string("name") == "reserve_stock" && child.string("kind") == "SPAN_KIND_CLIENT")
            #expect(root.string("kind") == "SPAN_KIND_SERVER")
        }
        let failed = spans.filter { ($0.fields["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_ERROR" }
        #expect(failed.count == 2, "the error is recorded on both spans it passed through")
        let metrics = try await intake.acceptedMetrics()
        #expect(metrics.contains { $0.name == "orders_placed" })
        #expect(metrics.contains { $0.name == "orders_latency" })
        tracer.shutdown()
    }

    @Test("A ServiceGroup shuts the tracer and the metrics pipeline down gracefully, with a flush")
    func serviceGroupShutdown() async throws {
        let intake = try await IntakeServer()
        let collector = MetricsCollector()
        let gauge = try collector.gauge("queue_length")
        let exporter = OTLPExporter(endpoint: intake.endpoint, selfMetrics: MetricsCollector())
        let tracer = OpenTelemetryTracer(
            serviceName: "lifecycle", exporter: exporter, sampler: .alwaysOn,
            batch: BatchConfiguration(scheduleDelay: .seconds(3600)), selfMetrics: MetricsCollector())
        let pipeline = MetricsPipeline(
            collector: collector, exporters: [("otlp", exporter)], interval: .seconds(3600), selfMetrics: MetricsCollector())
        let group = ServiceGroup(
            configuration: .init(services: [tracer, pipeline], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tracer.endSpan(tracer.startSpan("queued"))
            gauge.set(9)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await intake.acceptedSpans().isEmpty, "nothing is exported before the shutdown")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await intake.acceptedSpans().map { $0.string("name") } == ["queued"])
        #expect(try await intake.acceptedMetrics().contains { $0.name == "queue_length" })
    }
}
