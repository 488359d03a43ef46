import Foundation
import Logging
import Telemetry
import TelemetryGatewayTesting
import TelemetryOTLP
import TelemetryTestSupport
import Testing

/// swift-log records exported over OTLP and read back by the official `opentelemetry-proto` decoder.
@Suite("OTLP logs: swift-log records, decoded by the official opentelemetry-proto")
struct OTLPLogExportTests {
    @Test("Records from a real swift-log call site inside nested spans arrive field for field")
    func recordsArriveIntact() async throws {
        let intake = try await IntakeServer()
        let selfMetrics = MetricsCollector()
        let logs = OpenTelemetryLogs(
            serviceName: "orders", exporter: OTLPExporter(endpoint: intake.endpoint, selfMetrics: selfMetrics),
            batch: BatchConfiguration(scheduleDelay: .milliseconds(50)), level: .debug, selfMetrics: selfMetrics)
        var logger = Logger(label: "orders.worker") { logs.handler(label: $0) }
        logger[metadataKey: "team"] = "data"
        let tracer = SimpleTracer()
        logger.trace("below the level")
        let taskLogger = logger
        let (outer, inner) = await traceContext(tracer, "outer") { outerSpan in
            logger.info("order received", metadata: ["order": ["id": "42", "items": ["a", "b"]]])
            let inner = await traceContext(tracer, "inner") { innerSpan in
                async let logged: Void = { taskLogger.error("payment failed", error: CardDeclined()) }()
                await logged
                return innerSpan.context
            }
            return (outerSpan.context, inner)
        }
        logger.warning("after the spans")
        #expect(logs.forceFlush(timeout: .seconds(10)))

        let records = try await intake.acceptedLogRecords()
        try #require(records.count == 3, "\(records.map(\.fields))")
        let (received, failed, after) = (records[0], records[1], records[2])
        #expect(DecodedSpan.attributes(received.resource)["service.name"]?["string_value"] as? String == "orders")
        #expect(received.scope["name"] as? String == "orders.worker")
        #expect(received.string("severity_number") == "SEVERITY_NUMBER_INFO" && received.string("severity_text") == "INFO")
        #expect((received.fields["body"] as? [String: Any])?["string_value"] as? String == "order received")
        #expect(received.string("trace_id") == outer.traceID.description && received.string("span_id") == outer.spanID.description)
        #expect(received.fields["flags"] as? Int == Int(outer.traceFlags))
        let time = UInt64(received.string("time_unix_nano") ?? "") ?? 0
        #expect(time > 1_700_000_000_000_000_000 && received.string("observed_time_unix_nano") == received.string("time_unix_nano"))

        let attributes = DecodedSpan.attributes(received.fields)
        #expect(attributes["team"]?["string_value"] as? String == "data")
        let order = (attributes["order"]?["kvlist_value"] as? [String: Any])?["values"] as? [[String: Any]] ?? []
        #expect(order.map { $0["key"] as? String } == ["id", "items"])
        let items = ((order.last?["value"] as? [String: Any])?["array_value"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(items?.map { $0["string_value"] as? String } == ["a", "b"])
        #expect(attributes["code.line.number"]?["int_value"] != nil && attributes["code.function.name"] != nil)
        #expect((attributes["code.file.path"]?["string_value"] as? String)?.hasSuffix("OTLPLogExportTests.swift") == true)

        #expect(failed.string("severity_number") == "SEVERITY_NUMBER_ERROR")
        #expect(failed.string("trace_id") == inner.traceID.description && failed.string("span_id") == inner.spanID.description)
        let failure = DecodedSpan.attributes(failed.fields)
        #expect(failure["exception.message"]?["string_value"] as? String == "card declined")
        #expect((failure["exception.type"]?["string_value"] as? String)?.hasSuffix("CardDeclined") == true)

        #expect(after.string("severity_number") == "SEVERITY_NUMBER_WARN" && after.fields["trace_id"] == nil)
        #expect(selfMetrics.currentValue("telemetry_exporter_sent_items_total", ["exporter": "otlp", "signal": "logs"]) == 3)
        #expect(logs.shutdown())
    }
}

struct CardDeclined: Error, CustomStringConvertible {
    var description: String { "card declined" }
}

/// Bursts of log records through the batch processor into a real OTLP/HTTP receiver (the gateway, in
/// process, counting what it decodes).
@Suite("OTLP logs: bursts")
struct OTLPLogBurstTests {
    private static func receiver() throws -> InProcessGateway {
        try InProcessGateway(yaml: """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            exporters:
              memory:
            service:
              pipelines:
                logs: {receivers: [otlp], exporters: [memory]}
              telemetry: {metrics: {level: none}}
            """)
    }

    private static func burst(_ count: Int, queue: Int, batch: Int, into receiver: InProcessGateway) -> (sent: Double, dropped: Double) {
        let selfMetrics = MetricsCollector()
        let logs = OpenTelemetryLogs(
            serviceName: "burst", exporter: OTLPExporter(endpoint: receiver.url, selfMetrics: selfMetrics),
            batch: BatchConfiguration(maxQueueSize: queue, maxExportBatchSize: batch, scheduleDelay: .milliseconds(100)),
            selfMetrics: selfMetrics)
        let logger = Logger(label: "burst") { logs.handler(label: $0) }
        for index in 0..<count { logger.info("record", metadata: ["index": "\(index)", "stage": "load", "ok": "true"]) }
        _ = logs.shutdown(timeout: .seconds(60))
        let labels = ["exporter": "otlp", "signal": "logs"]
        return (
            selfMetrics.currentValue("telemetry_exporter_sent_items_total", labels) ?? 0,
            selfMetrics.currentValue("telemetry_exporter_dropped_items_total", labels.merging(["reason": "queue_full"]) { $1 }) ?? 0
        )
    }

    @Test("200,000 records with a queue sized for them all arrive")
    func completeBurst() throws {
        let receiver = try Self.receiver()
        defer { receiver.shutdown() }
        let (sent, dropped) = Self.burst(200_000, queue: 200_000, batch: 2048, into: receiver)
        #expect(dropped == 0 && sent == 200_000)
        #expect(receiver.memory.itemCount(.logs) == 200_000)
    }

    @Test("With a small queue the drops are counted exactly: received + dropped = emitted")
    func smallQueue() throws {
        let receiver = try Self.receiver()
        defer { receiver.shutdown() }
        let (sent, dropped) = Self.burst(20_000, queue: 64, batch: 32, into: receiver)
        let received = receiver.memory.itemCount(.logs)
        #expect(dropped > 0, "a 64-record queue took a 20,000-record burst without dropping")
        #expect(Double(received) == sent && Double(received) + dropped == 20_000, "received \(received), dropped \(dropped)")
    }
}
