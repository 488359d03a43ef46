import Foundation
import Telemetry
import TelemetryExporters

/// `telemetry-demo`: runs the example pipeline and prints the Prometheus text and the span tree.
///
/// `telemetry-demo --serve PORT --seconds N` instead keeps running batches for N seconds while serving
/// `/metrics` on 127.0.0.1:PORT (what the dashboard tests scrape).
@main
struct TelemetryDemo {
    static func main() async throws {
        let arguments = CommandLine.arguments
        func option(_ name: String) -> Int? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil }
        }
        let collector = MetricsCollector()
        _ = try ProcessMetrics(collector: collector)
        let tracer = SimpleTracer(maxSpans: 1000)
        let pipeline = try DataPipeline(name: "data_processor", collector: collector, tracer: tracer)

        if let port = option("--serve") {
            let exporter = try PrometheusExporter(port: port, collector: collector)
            let deadline = Date().addingTimeInterval(Double(option("--seconds") ?? 60))
            var next = 1
            while Date() < deadline {
                await pipeline.run(batch: Array(next..<next + 10), queued: Int.random(in: 0...50))
                next += 10
                try await Task.sleep(for: .milliseconds(100))
            }
            exporter.shutdown()
            return
        }

        for (index, batch) in [Array(1...10), Array(11...20), Array(21...25)].enumerated() {
            await pipeline.run(batch: batch, queued: 2 - index)
        }
        let exporter = PrometheusExporter(prefix: "myapp")
        try exporter.export(collector.collectAll())
        print("== Prometheus metrics ==")
        print(exporter.metricsText())
        print("== Spans ==")
        print(SpanTreePrinter.render(tracer.getSpans()))
    }
}
