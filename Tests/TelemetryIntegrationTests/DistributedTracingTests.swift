import Logging
import Synchronization
import Telemetry
import TelemetryTestSupport
import Testing
import Tracing

private struct Declined: Error {}

@Suite("swift-distributed-tracing Tracer conformance")
struct DistributedTracingTests {
    let tracer = SimpleTracer()

    @Test("A swift-log record written inside withSpan (and its child task) carries that span's ids")
    func logsInsideWithSpan() async {
        let processor = KeepingLogProcessor()
        let logger = Logger(label: "dt") { TelemetryLogHandler(label: $0, processor: processor) }
        let context = await tracer.withSpan("handler") { span in
            logger.info("inside")
            async let child: Void = { logger.info("in a child task") }()
            await child
            return span.span.context
        }
        #expect(processor.records.count == 2)
        #expect(processor.records.allSatisfy { $0.traceID == context.traceID && $0.spanID == context.spanID })
    }

    @Test("withSpan produces our spans: kinds, attributes, events, links, errors, status, parents")
    func withSpanRecordsEverything() throws {
        let linkTarget = tracer.startSpan("target", context: .topLevel, ofKind: .internal)
        linkTarget.end()
        try? tracer.withSpan("handle_request", context: .topLevel, ofKind: .server) { span in
            span.attributes["http.method"] = "GET"
            span.attributes["http.status_code"] = 200
            span.attributes["retry"] = true
            span.addEvent(SpanEvent(name: "cache.miss", attributes: ["key": "user:1"]))
            span.addLink(SpanLink(context: linkTarget.context, attributes: ["reason": "follows"]))
            tracer.withSpan("db.query", ofKind: .client) { child in
                child.setStatus(SpanStatus(code: .ok))
            }
            throw Declined()
        }
        let spans = tracer.getSpans()
        let server = try #require(spans.first { $0.name == "handle_request" })
        let database = try #require(spans.first { $0.name == "db.query" })
        #expect(server.kind == .server && database.kind == .client)
        #expect(database.parentSpanID == server.spanID && database.traceID == server.traceID)
        #expect(server.attributes["http.method"] == .string("GET"))
        #expect(server.attributes["http.status_code"] == .int(200))
        #expect(server.attributes["retry"] == .bool(true))
        #expect(server.events.map(\.name) == ["cache.miss", "exception"])
        #expect(server.events.first?.attributes["key"] == .string("user:1"))
        #expect(server.links.first?.context.spanID == linkTarget.span.spanID)
        #expect(server.links.first?.attributes["reason"] == .string("follows"))
        #expect(server.status.code == .error && database.status.code == .ok)
    }

    @Test("traceContext and withSpan nest in both directions through ServiceContext")
    func interoperability() throws {
        let outer = traceContext(tracer, "ours") { ours in
            tracer.withSpan("theirs") { _ in
                #expect(TelemetrySpan.current?.name == "theirs")
                traceContext(tracer, "ours again") { _ in }
            }
            return ours
        }
        let spans = tracer.getSpans()
        let theirs = try #require(spans.first { $0.name == "theirs" })
        let inner = try #require(spans.first { $0.name == "ours again" })
        #expect(theirs.parentSpanID == outer.spanID)
        #expect(inner.parentSpanID == theirs.spanID)
        #expect(tracer.activeSpan(identifiedBy: outer.serviceContext(basedOn: .topLevel))?.span === outer)
    }

    @Test("A span started at an earlier instant keeps that start time and a consistent duration")
    func explicitStartTime() throws {
        let start = DefaultTracerClock.now
        let span = tracer.startSpan("backdated", context: .topLevel, at: start)
        span.end()
        #expect(span.span.startTimeNanos == start.nanosecondsSinceEpoch)
        #expect(span.span.duration >= 0 && span.span.duration < 5)
    }
}

/// Keeps every record a handler emits.
private final class KeepingLogProcessor: LogRecordProcessor {
    private let kept = Mutex<[LogRecordData]>([])

    func onEmit(_ record: LogRecordData) -> Bool {
        kept.withLock { $0.append(record) }
        return true
    }

    var records: [LogRecordData] { kept.withLock { $0 } }
}
