import Synchronization
import Telemetry
import Testing

@Suite("Spans and SimpleTracer")
struct SpanTests {
    let tracer = SimpleTracer()

    @Test("Ids are random, never zero, and print as lowercase hex of the right length")
    func identifiers() throws {
        let spans = (0..<200).map { _ in tracer.startSpan("s", parent: .root) }
        #expect(Set(spans.map(\.traceID)).count == 200)
        #expect(Set(spans.map(\.spanID)).count == 200)
        for span in spans {
            let trace = span.traceID.description
            let id = span.spanID.description
            #expect(trace.count == 32 && id.count == 16)
            #expect(trace.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(id.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(span.traceID.isValid && span.spanID.isValid)
            #expect(TraceID(hex: trace) == span.traceID)
            #expect(TraceID(hex: trace.uppercased()) == span.traceID)
            #expect(SpanID(hex: id) == span.spanID)
            #expect(TraceID(bytes: span.traceID.bytes) == span.traceID)
            #expect(SpanID(bytes: span.spanID.bytes) == span.spanID)
        }
        #expect(TraceID(hex: "xyz") == nil)
        #expect(TraceID(hex: String(repeating: "g", count: 32)) == nil)
        #expect(SpanID(bytes: [1, 2, 3]) == nil)
        #expect(SpanID(0x0102_0304_0506_0708).description == "0102030405060708")
    }

    @Test("A start time before the machine booted, or in the far future, never traps")
    func extremeStartTimes() {
        let old = tracer.startSpan("old", kind: .internal, parent: .root, attributes: [:], links: [], startTimeNanos: 1)
        #expect(old.duration > 1e9, "running since 1970")
        old.end()
        let ended = old.duration
        #expect(ended > 1e9 && ended < 1e10)
        let future = tracer.startSpan("future", kind: .internal, parent: .root, attributes: [:], links: [], startTimeNanos: .max - 5)
        #expect(future.duration < 1e-6, "times saturate at the largest value")
        future.end()
        #expect((future.endTimeNanos ?? 0) >= .max - 5 && future.duration < 1e-6)
        let endsBeforeStart = tracer.startSpan("backwards", kind: .internal, parent: .root, attributes: [:], links: [], startTimeNanos: 2_000_000_000)
        endsBeforeStart.end(atNanos: 1)
        #expect(endsBeforeStart.duration == 0)
    }

    @Test("The seed API: attributes of every type, events, status, end, lookup by trace")
    func seedExample() throws {
        let span = tracer.startSpan("fetch_user")
        span.setAttribute("user_id", 123)
        span.setAttribute("name", "ada")
        span.setAttribute("ratio", 0.5)
        span.setAttribute("cached", true)
        span.setAttribute("tags", ["a", "b"])
        span.setAttribute("ids", [1, 2])
        span.setAttribute("weights", [0.1, 0.2])
        span.setAttribute("flags", [true, false])
        span.addEvent("database_query", ["query": "SELECT * FROM users"])
        span.setStatus(.ok)
        tracer.endSpan(span)

        #expect(span.attributes["user_id"] == .int(123))
        #expect(span.attributes["name"] == .string("ada"))
        #expect(span.attributes["ratio"] == .double(0.5))
        #expect(span.attributes["cached"] == .bool(true))
        #expect(span.attributes["tags"] == .stringArray(["a", "b"]))
        #expect(span.attributes["ids"] == .intArray([1, 2]))
        #expect(span.attributes["weights"] == .doubleArray([0.1, 0.2]))
        #expect(span.attributes["flags"] == .boolArray([true, false]))
        #expect(span.events.map(\.name) == ["database_query"])
        #expect(span.events.first?.attributes["query"] == .string("SELECT * FROM users"))
        #expect(span.status.code == .ok)
        #expect(span.status.message == nil)
        #expect(span.isEnded)
        #expect(span.duration >= 0)
        #expect(span.parentSpanID == nil)
        #expect(tracer.getSpans(traceID: span.traceID).map(\.spanID) == [span.spanID])
    }

    @Test("Status rules: ok is final, unset is ignored, the message is kept only for errors")
    func statusRules() {
        let failing = tracer.startSpan("a")
        failing.setStatus(.error, "disk full")
        #expect(failing.status == TelemetrySpanStatus(code: .error, message: "disk full"))
        failing.setStatus(.unset)
        #expect(failing.status.code == .error)
        failing.setStatus(.ok, "ignored message")
        #expect(failing.status == TelemetrySpanStatus(code: .ok, message: nil))
        failing.setStatus(.error, "too late")
        #expect(failing.status.code == .ok)
    }

    @Test("Changes after the end are ignored and ending twice keeps the first end")
    func endIsFinal() throws {
        let span = tracer.startSpan("a")
        span.end()
        let end = try #require(span.endTimeNanos)
        span.setAttribute("late", 1)
        span.addEvent("late")
        span.end()
        #expect(span.attributes.isEmpty && span.events.isEmpty)
        #expect(span.endTimeNanos == end)
        #expect(tracer.getSpans().count == 1)
    }

    @Test("Start and end times are wall-clock times, from one monotonic read each")
    func wallClockTimes() {
        let before = UInt64(Date().timeIntervalSince1970 * 1e9)
        let spans = (0..<1_000).map { _ in tracer.startSpan("s", parent: .root) }
        for span in spans { tracer.endSpan(span) }
        let after = UInt64(Date().timeIntervalSince1970 * 1e9)
        // Within a millisecond of the system clock (Date's precision is about a microsecond).
        #expect(spans.allSatisfy { $0.startTimeNanos + 1_000_000 >= before && $0.startTimeNanos <= after + 1_000_000 })
        #expect(spans.allSatisfy { ($0.endTimeNanos ?? 0) >= $0.startTimeNanos && ($0.endTimeNanos ?? 0) <= after + 1_000_000 })
    }

    @Test("Duration measures the time between start and end in seconds")
    func duration() throws {
        let span = tracer.startSpan("sleep")
        Thread.sleep(forTimeInterval: 0.05)
        tracer.endSpan(span)
        #expect(span.duration >= 0.05 && span.duration < 5)
        let end = try #require(span.endTimeNanos)
        #expect(Double(end - span.startTimeNanos) / 1e9 == span.duration)
    }

    @Test("Attributes and links given at the start are kept, within the limits, and reach the export record")
    func initialAttributesAndLinks() throws {
        let limited = SimpleTracer(limits: SpanLimits(attributeCountLimit: 2))
        let other = limited.startSpan("other")
        let span = limited.startSpan(
            "a", attributes: ["user": "u1", "retry": .bool(true)], links: [TelemetrySpanLink(context: other.context)])
        span.setAttribute("count", 3)
        limited.endSpan(span)
        let data = try #require(span.data())
        #expect(data.attributes == ["user": "u1", "retry": .bool(true)] && data.droppedAttributesCount == 1)
        #expect(data.links.map(\.context) == [other.context])
    }

    @Test("Attribute, event and link limits drop the excess and count it")
    func limits() {
        let limited = SimpleTracer(limits: SpanLimits(attributeCountLimit: 2, eventCountLimit: 1, linkCountLimit: 1))
        let other = limited.startSpan("other")
        let span = limited.startSpan("a", links: [TelemetrySpanLink(context: other.context), TelemetrySpanLink(context: other.context)])
        span.setAttribute("a", 1)
        span.setAttribute("b", 2)
        span.setAttribute("a", 3)
        span.setAttribute("c", 4)
        span.addEvent("first")
        span.addEvent("second")
        #expect(span.attributes == ["a": 3, "b": 2])
        #expect(span.droppedAttributesCount == 1)
        #expect(span.events.count == 1 && span.droppedEventsCount == 1)
        #expect(span.links.count == 1 && span.droppedLinksCount == 1)
    }

    @Test("SimpleTracer keeps a bounded number of finished spans, newest last, and clear() empties it")
    func boundedStore() {
        let small = SimpleTracer(maxSpans: 3)
        for index in 0..<5 {
            small.endSpan(small.startSpan("span-\(index)"))
        }
        #expect(small.getSpans().map(\.name) == ["span-2", "span-3", "span-4"])
        #expect(small.droppedSpanCount == 2)
        small.clear()
        #expect(small.getSpans().isEmpty)
    }

    @Test("Unended spans are not returned")
    func unendedNotReturned() {
        _ = tracer.startSpan("running")
        #expect(tracer.getSpans().isEmpty)
    }
}

import Foundation

@Suite("An ended span as its own record")
struct EndedSpanRecordTests {
    /// Stands for whatever a tracer's end-of-span callback holds (its processor).
    private final class Holder: Sendable {}

    @Test("data() of an ended span has every field, equals a record built from them, and ignores later changes")
    func recordFields() throws {
        let parent = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3))
        let span = TelemetrySpan(
            name: "op", context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(4)), parent: parent, kind: .server,
            startTimeNanos: 1_000)
        #expect(span.data() == nil)
        span.setAttribute("a", 1)
        span.addEvent("e", ["k": .string("v")], timeNanos: 1_500)
        span.setStatus(.error, "failed")
        span.end(atNanos: 2_000)
        span.setAttribute("late", true)
        span.updateName("renamed")
        let data = try #require(span.data())
        #expect(data.name == "op" && data.kind == .server && data.parent == parent)
        #expect(data.startTimeNanos == 1_000 && data.endTimeNanos == 2_000)
        #expect(data.attributes == ["a": .int(1)] && data.events.map(\.name) == ["e"])
        #expect(data.status == TelemetrySpanStatus(code: .error, message: "failed"))
        let built = SpanData(
            name: "op", context: span.context, parent: parent, kind: .server, startTimeNanos: 1_000, endTimeNanos: 2_000,
            attributes: ["a": .int(1)], events: data.events, status: data.status)
        #expect(data == built && data.hashValue == built.hashValue)
    }

    @Test("The end-of-span callback is released when the span ends, so a queued span holds nothing of its tracer")
    func callbackReleased() {
        var holder: Holder? = Holder()
        weak let weakHolder = holder
        let ends = Counter()
        let span = TelemetrySpan(
            name: "op", context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(4)), parent: nil,
            onEnd: { [holder] _ in
                _ = holder
                ends.add()
            })
        holder = nil
        #expect(weakHolder != nil)
        span.end()
        span.end()
        #expect(weakHolder == nil)
        #expect(ends.value == 1)
        #expect(span.data() != nil)
    }

    private final class Counter: Sendable {
        private let count = Atomic(0)
        var value: Int { count.load(ordering: .relaxed) }
        func add() { count.wrappingAdd(1, ordering: .relaxed) }
    }
}
