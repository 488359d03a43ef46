import Foundation
import Telemetry
import TelemetryTestSupport
import Testing

@testable import TelemetryOTLP

@Suite("OTLP span export, checked by the official decoder")
struct OTLPSpanExportTests {
    private func makeTracer(
        _ receiver: IntakeServer, environment: [String: String] = [:], limits: SpanLimits = SpanLimits(),
        compression: OTLPExporter.Compression = .gzip
    ) -> OpenTelemetryTracer {
        let exporter = OTLPExporter(endpoint: receiver.endpoint, compression: compression, selfMetrics: MetricsCollector())
        return OpenTelemetryTracer(
            serviceName: "my_pipeline", exporter: exporter, sampler: .alwaysOn,
            batch: BatchConfiguration(scheduleDelay: .milliseconds(50)), limits: limits,
            selfMetrics: MetricsCollector(), logger: .init(label: "test"),
            environment: OTLPEnvironment(variables: environment, logger: .init(label: "test")))
    }

    @Test("Every field of every span arrives as recorded")
    func spansArriveIntact() async throws {
        let receiver = try await IntakeServer()
        let tracer = makeTracer(receiver, environment: ["OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test,team=data%20eng"])
        let linked = SpanContext(
            traceID: TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10), spanID: SpanID(0x1112_1314_1516_1718),
            traceFlags: 1, traceState: "vendor=value", isRemote: true)
        let parent = traceContext(tracer, "process_batch", kind: .server) { parent in
            parent.setAttribute("batch_size", 1000)
            parent.setAttribute("name", "orders")
            parent.setAttribute("ratio", 0.25)
            parent.setAttribute("cached", true)
            parent.setAttribute("tags", ["a", "b"])
            parent.setAttribute("ids", [1, 2])
            parent.setAttribute("weights", [0.5, 1.5])
            parent.setAttribute("flags", [true, false])
            parent.addEvent("database_query", ["query": "SELECT 1", "rows": 3])
            parent.addLink(TelemetrySpanLink(context: linked, attributes: ["link.kind": "follows"]))
            #expect(throws: CancellationError.self) {
                try traceContext(tracer, "step") { _ in throw CancellationError() }
            }
            return parent
        }
        #expect(tracer.forceFlush())
        let spans = try await receiver.acceptedSpans()
        try #require(spans.count == 2)
        let decodedParent = try #require(spans.first { $0.string("name") == "process_batch" })
        let decodedChild = try #require(spans.first { $0.string("name") == "step" })

        #expect(decodedParent.string("trace_id") == parent.traceID.description)
        #expect(decodedParent.string("span_id") == parent.spanID.description)
        #expect(decodedParent.string("parent_span_id") == nil)
        #expect(decodedChild.string("parent_span_id") == parent.spanID.description)
        #expect(decodedChild.string("trace_id") == parent.traceID.description)
        #expect(decodedParent.string("kind") == "SPAN_KIND_SERVER")
        #expect(decodedChild.string("kind") == "SPAN_KIND_INTERNAL")
        #expect(decodedParent.string("start_time_unix_nano") == String(parent.startTimeNanos))
        #expect(decodedParent.string("end_time_unix_nano") == String(try #require(parent.endTimeNanos)))
        #expect(decodedParent.fields["flags"] as? Int == 0x03)
        #expect(decodedChild.fields["flags"] as? Int == 0x103)

        let attributes = DecodedSpan.attributes(decodedParent.fields)
        #expect(attributes["batch_size"]?["int_value"] as? String == "1000")
        #expect(attributes["name"]?["string_value"] as? String == "orders")
        #expect(attributes["ratio"]?["double_value"] as? Double == 0.25)
        #expect(attributes["cached"]?["bool_value"] as? Bool == true)
        let tags = (attributes["tags"]?["array_value"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(tags?.compactMap { $0["string_value"] as? String } == ["a", "b"])
        let ids = (attributes["ids"]?["array_value"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(ids?.compactMap { $0["int_value"] as? String } == ["1", "2"])
        let weights = (attributes["weights"]?["array_value"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(weights?.compactMap { $0["double_value"] as? Double } == [0.5, 1.5])
        let flags = (attributes["flags"]?["array_value"] as? [String: Any])?["values"] as? [[String: Any]]
        #expect(flags?.map { $0["bool_value"] as? Bool ?? false } == [true, false])

        let events = decodedParent.fields["events"] as? [[String: Any]] ?? []
        #expect(events.count == 1)
        #expect(events.first?["name"] as? String == "database_query")
        #expect(events.first?["time_unix_nano"] as? String == String(parent.events[0].timeNanos))
        let eventAttributes = DecodedSpan.attributes(events.first ?? [:])
        #expect(eventAttributes["query"]?["string_value"] as? String == "SELECT 1")
        #expect(eventAttributes["rows"]?["int_value"] as? String == "3")

        let links = decodedParent.fields["links"] as? [[String: Any]] ?? []
        #expect(links.first?["trace_id"] as? String == "0102030405060708090a0b0c0d0e0f10")
        #expect(links.first?["span_id"] as? String == "1112131415161718")
        #expect(links.first?["trace_state"] as? String == "vendor=value")
        #expect(links.first?["flags"] as? Int == 0x301)
        #expect(DecodedSpan.attributes(links.first ?? [:])["link.kind"]?["string_value"] as? String == "follows")

        #expect((decodedParent.fields["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_OK")
        let childStatus = decodedChild.fields["status"] as? [String: Any]
        #expect(childStatus?["code"] as? String == "STATUS_CODE_ERROR")
        #expect((childStatus?["message"] as? String)?.contains("CancellationError") == true)
        let exception = (decodedChild.fields["events"] as? [[String: Any]])?.first
        #expect(exception?["name"] as? String == "exception")
        #expect(DecodedSpan.attributes(exception ?? [:])["exception.type"]?["string_value"] as? String == "Swift.CancellationError")

        let resource = DecodedSpan.attributes(decodedParent.resource)
        #expect(resource["service.name"]?["string_value"] as? String == "my_pipeline")
        #expect(resource["telemetry.sdk.name"]?["string_value"] as? String == "swift-telemetry")
        #expect(resource["telemetry.sdk.language"]?["string_value"] as? String == "swift")
        #expect(resource["telemetry.sdk.version"]?["string_value"] as? String == TelemetryVersion.current)
        #expect(resource["deployment.environment"]?["string_value"] as? String == "test")
        #expect(resource["team"]?["string_value"] as? String == "data eng")
        #expect(decodedParent.scope["name"] as? String == "swift-telemetry")

        let request = try #require(try await receiver.received(path: "/v1/traces").first)
        let headers = request["headers"] as? [String: String] ?? [:]
        #expect(headers["content-type"] == "application/x-protobuf")
        #expect(headers["content-encoding"] == "gzip")
        #expect(headers["user-agent"] == "swift-telemetry/\(TelemetryVersion.current)")
        tracer.shutdown()
    }

    @Test("Limits fill in dropped counts; uncompressed bodies and custom headers work")
    func droppedCountsAndHeaders() async throws {
        let receiver = try await IntakeServer()
        let exporter = OTLPExporter(
            endpoint: receiver.endpoint, headers: ["Authorization": "Bearer secret-token"], compression: OTLPExporter.Compression.none,
            selfMetrics: MetricsCollector())
        let tracer = OpenTelemetryTracer(
            serviceName: "limits", exporter: exporter, sampler: .alwaysOn,
            limits: SpanLimits(attributeCountLimit: 2, eventCountLimit: 1, linkCountLimit: 1), selfMetrics: MetricsCollector())
        let span = tracer.startSpan("limited")
        for index in 0..<5 { span.setAttribute("a\(index)", index) }
        span.addEvent("one")
        span.addEvent("two")
        span.addLink(TelemetrySpanLink(context: span.context))
        span.addLink(TelemetrySpanLink(context: span.context))
        tracer.endSpan(span)
        #expect(tracer.forceFlush())
        let decoded = try #require(try await receiver.acceptedSpans().first)
        #expect(decoded.fields["dropped_attributes_count"] as? Int == 3)
        #expect(decoded.fields["dropped_events_count"] as? Int == 1)
        #expect(decoded.fields["dropped_links_count"] as? Int == 1)
        let request = try #require(try await receiver.received().first)
        let headers = request["headers"] as? [String: String] ?? [:]
        #expect(headers["content-encoding"] == nil)
        #expect(headers["authorization"] == "Bearer secret-token")
        tracer.shutdown()
    }
}
