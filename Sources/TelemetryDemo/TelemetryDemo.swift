import Telemetry
import TelemetryExporters

/// `telemetry-demo`: runs the example pipeline over a few batches and prints the Prometheus text and the span tree.
@main
struct TelemetryDemo {
    static func main() async throws {
        let collector = MetricsCollector()
        let tracer = SimpleTracer()
        let pipeline = try DataPipeline(name: "data_processor", collector: collector, tracer: tracer)
        for batch in [Array(1...10), Array(11...20), Array(21...25)] {
            await pipeline.run(batch: batch)
        }

        let exporter = PrometheusExporter(prefix: "myapp")
        try exporter.export(collector.collectAll())
        print("== Prometheus metrics ==")
        print(exporter.metricsText())
        print("== Spans ==")
        print(SpanTreePrinter.render(tracer.getSpans()))
    }
}
