import Foundation
import Logging
import Telemetry
import TelemetryConfig
import TelemetryTestSupport
import Testing

@Suite("TelemetryPipeline from one YAML file")
struct TelemetryPipelineTests {
    @Test("Tracer, collector and every exporter come from the file, and both signals arrive")
    func endToEnd() async throws {
        let intake = try await IntakeServer()
        let debugFile = FileManager.default.temporaryDirectory.appendingPathComponent("debug-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: debugFile) }
        let prometheusPort = try freeLoopbackPort()
        let yaml = """
            service:
              name: orders
              resource: {team: data}
            sampling: {type: always_on}
            batch: {schedule_delay: 100ms}
            metrics: {interval: 1h}
            exporters:
              - type: otlp
                endpoint: ${INTAKE}
              - type: debug
                path: \(debugFile.path)
            prometheus:
              endpoint: 127.0.0.1:\(prometheusPort)
              prefix: orders
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("telemetry-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let telemetry = try TelemetryPipeline(configFile: file.path, environment: ["INTAKE": intake.endpoint])
        let processed = try telemetry.collector.counter("orders_processed_total")
        traceContext(telemetry.tracer, "process_order") { span in
            span.setAttribute("order_id", 42)
            processed.inc()
        }
        #expect(telemetry.flush(timeout: .seconds(10)))

        let spans = try await intake.acceptedSpans()
        #expect(spans.map { $0.string("name") } == ["process_order"])
        let resource = DecodedSpan.attributes(try #require(spans.first).resource)
        #expect(resource["service.name"]?["string_value"] as? String == "orders")
        #expect(resource["team"]?["string_value"] as? String == "data")
        #expect(try await intake.acceptedMetrics().contains { $0.name == "orders_processed_total" })

        let lines = try String(contentsOf: debugFile, encoding: .utf8).split(separator: "\n")
        let signals = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["signal"] as? String
        }
        #expect(signals.contains("traces") && signals.contains("metrics"))

        let scrape = try await httpRequest("http://127.0.0.1:\(prometheusPort)/metrics")
        #expect(scrape.text.contains("orders_orders_processed_total 1"))
        #expect(scrape.text.contains("orders_telemetry_exporter_sent_items_total{exporter=\"otlp\",signal=\"traces\"} 1"))
        #expect(telemetry.shutdown())
    }

    @Test("queue_size sizes that exporter's queues (spans and metrics); the others keep the defaults 16 and 4")
    func queueSizePerExporter() throws {
        let directory = FileManager.default.temporaryDirectory
        let small = directory.appendingPathComponent("small-\(UUID().uuidString).jsonl")
        let plain = directory.appendingPathComponent("plain-\(UUID().uuidString).jsonl")
        defer { for file in [small, plain] { try? FileManager.default.removeItem(at: file) } }
        let telemetry = try TelemetryPipeline(configuration: TelemetryConfiguration.parse(yaml: """
            metrics: {interval: 1h}
            exporters:
              - {type: debug, name: small, path: \(small.path), queue_size: 3}
              - {type: debug, name: plain, path: \(plain.path)}
            """, file: "queues.yaml"))
        defer { _ = telemetry.shutdown() }
        func capacity(_ exporter: String, _ signal: String) -> Double? {
            telemetry.selfMetrics.currentValue("telemetry_exporter_queue_capacity", ["exporter": exporter, "signal": signal])
        }
        #expect(capacity("small", "traces") == 3)
        #expect(capacity("small", "metrics") == 3)
        #expect(capacity("plain", "traces") == 16)
        #expect(capacity("plain", "metrics") == 4)
    }

    @Test("logs: the level and batch apply, and records reach every exporter that takes logs (otlp, debug) but not one whose signals leave logs out")
    func logsFromConfiguration() async throws {
        let intake = try await IntakeServer()
        let metricsOnly = try await IntakeServer()
        let debugFile = FileManager.default.temporaryDirectory.appendingPathComponent("debug-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: debugFile) }
        let telemetry = try TelemetryPipeline(configuration: TelemetryConfiguration.parse(yaml: """
            service: {name: billing}
            metrics: {interval: 1h}
            logs:
              level: warning
              batch: {schedule_delay: 50ms, max_queue_size: 100}
            exporters:
              - {type: otlp, endpoint: "\(intake.endpoint)"}
              - {type: otlp, name: metrics_only, endpoint: "\(metricsOnly.endpoint)", signals: [metrics]}
              - {type: debug, path: \(debugFile.path)}
            """, file: "logs.yaml"))
        let logger = Logger(label: "billing.jobs") { telemetry.logHandler(label: $0) }
        logger.info("below the configured level")
        logger.warning("invoice late", metadata: ["invoice": "17"])
        #expect(telemetry.flush(timeout: .seconds(10)))
        let records = try await intake.acceptedLogRecords()
        #expect(records.map { ($0.fields["body"] as? [String: Any])?["string_value"] as? String } == ["invoice late"])
        #expect(DecodedSpan.attributes(try #require(records.first).resource)["service.name"]?["string_value"] as? String == "billing")
        #expect(try await metricsOnly.received(path: "/v1/logs").isEmpty)
        let lines = try String(contentsOf: debugFile, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains("\"signal\":\"logs\"") && $0.contains("invoice late") })
        #expect(telemetry.selfMetrics.currentValue("telemetry_exporter_queue_capacity", ["exporter": "otlp", "signal": "logs"]) == 100)
        #expect(telemetry.shutdown())
    }

    @Test("A bad file fails to build with a located error")
    func badFile() {
        do {
            _ = try TelemetryPipeline(
                configuration: TelemetryConfiguration.parse(yaml: "exporters:\n  - {type: kafka}\n", file: "bad.yaml"))
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix("bad.yaml:2:"))
        }
    }
}
