import Telemetry
import Testing

private struct PaymentDeclined: Error, CustomStringConvertible {
    var description: String { "card declined" }
}

@Suite("traceContext and traced")
struct TraceContextTests {
    let tracer = SimpleTracer()

    @Test("Nested sync traceContext builds a parent/child tree and sets ok")
    func nestedSync() {
        let root = traceContext(tracer, "database_transaction") { outer in
            traceContext(tracer, "query") { inner in
                #expect(inner.parentSpanID == outer.spanID)
                #expect(inner.traceID == outer.traceID)
                #expect(TelemetrySpan.current === inner)
                let manual = tracer.startSpan("manual")
                #expect(manual.parentSpanID == inner.spanID)
                tracer.endSpan(manual)
            }
            #expect(TelemetrySpan.current === outer)
            return outer
        }
        #expect(TelemetrySpan.current == nil)
        let spans = tracer.getSpans(traceID: root.traceID)
        #expect(spans.map(\.name) == ["manual", "query", "database_transaction"])
        #expect(spans.allSatisfy { $0.isEnded })
        #expect(spans[1...].allSatisfy { $0.status.code == .ok })
    }

    @Test("Async traceContext keeps the parent across await and in child tasks")
    func asyncAcrossAwait() async throws {
        let parent = try await traceContext(tracer, "pipeline") { span in
            try await Task.sleep(for: .milliseconds(5))
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        await traceContext(tracer, "step-\(index)") { _ in
                            try? await Task.sleep(for: .milliseconds(1))
                        }
                    }
                }
            }
            return span
        }
        let steps = tracer.getSpans().filter { $0.name.hasPrefix("step-") }
        #expect(steps.count == 4)
        #expect(steps.allSatisfy { $0.parentSpanID == parent.spanID && $0.traceID == parent.traceID })
    }

    @Test("A thrown error sets error status, records an exception event, ends the span, and is rethrown")
    func errorsAreCaptured() throws {
        #expect(throws: PaymentDeclined.self) {
            try traceContext(tracer, "charge") { _ in throw PaymentDeclined() }
        }
        let span = try #require(tracer.getSpans().first)
        #expect(span.isEnded)
        #expect(span.status == TelemetrySpanStatus(code: .error, message: "card declined"))
        let event = try #require(span.events.first)
        #expect(event.name == "exception")
        #expect(event.attributes["exception.message"] == .string("card declined"))
        #expect(event.attributes["exception.type"]?.description.hasSuffix("PaymentDeclined") == true)
    }

    @Test("A status set inside the body is not overwritten by ok")
    func explicitStatusWins() throws {
        traceContext(tracer, "soft-failure") { span in span.setStatus(.error, "partial") }
        #expect(tracer.getSpans().first?.status.code == .error)
    }

    @Test("traced wraps sync and async functions of any arity")
    func tracedFunctions() async throws {
        let process = traced(tracer, "process_data") { (items: [Int]) async throws -> Int in
            #expect(TelemetrySpan.current?.name == "process_data")
            return items.reduce(0, +)
        }
        let n = try await process([1, 2, 3])
        #expect(n == 6)
        let add = traced(tracer, "add") { (a: Int, b: Int) -> Int in a + b }
        #expect(add(2, 3) == 5)
        let noArguments = traced(tracer, "tick") { () throws -> String in "done" }
        #expect(try noArguments() == "done")
        let plainAsync = traced(tracer, "async-count") { (items: [String]) async -> Int in items.count }
        #expect(await plainAsync(["a"]) == 1)
        let failing = traced(tracer, "fail") { (_: Int) async throws -> Int in throw PaymentDeclined() }
        await #expect(throws: PaymentDeclined.self) { try await failing(1) }
        let names = tracer.getSpans().map(\.name)
        #expect(names == ["process_data", "add", "tick", "async-count", "fail"])
        #expect(tracer.getSpans().last?.status.code == .error)
    }

    @Test("traced calls inside traceContext become children")
    func tracedNested() async throws {
        let step = traced(tracer, "step") { (value: Int) async -> Int in value * 2 }
        let parent = await traceContext(tracer, "parent") { span in
            _ = await step(1)
            return span
        }
        let child = try #require(tracer.getSpans().first { $0.name == "step" })
        #expect(child.parentSpanID == parent.spanID)
    }

    @Test("Explicit parents: root starts a new trace, span and context choose the parent")
    func explicitParents() {
        traceContext(tracer, "outer") { outer in
            let root = tracer.startSpan("root", parent: .root)
            #expect(root.parentSpanID == nil && root.traceID != outer.traceID)
            let other = tracer.startSpan("other", parent: .root)
            let child = tracer.startSpan("child", parent: .span(other))
            #expect(child.parentSpanID == other.spanID && child.traceID == other.traceID)
            let remote = SpanContext(
                traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: 1, isRemote: true)
            let fromRemote = tracer.startSpan("server", kind: .server, parent: .context(remote))
            #expect(fromRemote.traceID == remote.traceID && fromRemote.parent == remote)
            #expect(fromRemote.kind == .server)
        }
    }
}
