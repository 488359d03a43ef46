import Foundation
import Logging
import Synchronization
import Telemetry
import Testing

/// Keeps every record a handler emits.
final class CapturingLogProcessor: LogRecordProcessor {
    private let records = Mutex<[LogRecordData]>([])

    func onEmit(_ record: LogRecordData) -> Bool {
        records.withLock { $0.append(record) }
        return true
    }

    var all: [LogRecordData] { records.withLock { $0 } }
}

struct SampleError: Error, CustomStringConvertible {
    var description: String { "disk full" }
}

@Suite("swift-log handler: records with severity, attributes, source and trace context")
struct LogHandlerTests {
    private func logger(_ processor: CapturingLogProcessor, level: Logger.Level = .trace, provider: Logger.MetadataProvider? = nil) -> Logger {
        Logger(label: "orders.worker") { label in
            TelemetryLogHandler(label: label, processor: processor, logLevel: level, metadataProvider: provider)
        }
    }

    private func attributes(_ record: LogRecordData) -> [String: LogValue] {
        Dictionary(record.attributes.map { ($0.key, $0.value) }) { first, _ in first }
    }

    @Test("Each swift-log level maps to OpenTelemetry's severity number and a text")
    func severities() {
        let processor = CapturingLogProcessor()
        let logger = logger(processor)
        for level in Logger.Level.allCases { logger.log(level: level, "at \(level)") }
        #expect(processor.all.map(\.severity.number) == [1, 5, 9, 10, 13, 17, 21])
        #expect(processor.all.map(\.severity.text) == ["TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL"])
        #expect(processor.all.map(\.body) == Logger.Level.allCases.map { .string("at \($0)") })
        #expect(processor.all.allSatisfy { $0.scope == "orders.worker" })
    }

    @Test("Below the handler's level nothing is made")
    func levelThreshold() {
        let processor = CapturingLogProcessor()
        let logger = logger(processor, level: .warning)
        logger.info("skipped")
        logger.warning("kept")
        #expect(processor.all.map(\.body) == [.string("kept")])
    }

    @Test("Metadata becomes attributes (the call's over the provider's over the handler's), nested values nested; source location as code.*")
    func attributesFromMetadata() throws {
        let processor = CapturingLogProcessor()
        var logger = logger(processor, provider: Logger.MetadataProvider { ["request": "from-provider", "region": "eu"] })
        logger[metadataKey: "request"] = "from-handler"
        logger[metadataKey: "team"] = "data"
        let line = #line + 1
        logger.info("done", metadata: ["request": "from-call", "batch": ["size": "3", "ids": ["a", "b"]], "count": "\(7)"])
        let record = try #require(processor.all.first)
        let values = attributes(record)
        #expect(values["request"] == .string("from-call"))
        #expect(values["region"] == .string("eu"))
        #expect(values["team"] == .string("data"))
        #expect(values["count"] == .string("7"))
        #expect(values["batch"] == .map([LogAttribute("ids", .array([.string("a"), .string("b")])), LogAttribute("size", .string("3"))]))
        #expect(values["code.line.number"] == .int(Int64(line)))
        #expect(values["code.function.name"] == .string("attributesFromMetadata()"))
        if case .string(let file)? = values["code.file.path"] { #expect(file.hasSuffix("LogHandlerTests.swift")) } else { Issue.record("no file") }
        #expect(record.timeNanos > 1_700_000_000_000_000_000 && record.observedTimeNanos == record.timeNanos)
    }

    @Test("An error (the event's, or metadata under error) becomes exception.type and exception.message")
    func errors() {
        let processor = CapturingLogProcessor()
        let logger = logger(processor)
        logger.error("write failed", error: SampleError())
        logger.error("write failed", metadata: ["error": "\(SampleError())"])
        let first = attributes(processor.all[0])
        #expect(first["exception.message"] == .string("disk full"))
        if case .string(let type)? = first["exception.type"] { #expect(type.hasSuffix("SampleError")) } else { Issue.record("no type") }
        let second = attributes(processor.all[1])
        #expect(second["exception.message"] == .string("disk full") && second["error"] == nil && second["exception.type"] == nil)
    }

    @Test("Records carry the current span's trace id, span id and flags, also in child tasks; none outside a span")
    func traceContext() async {
        let processor = CapturingLogProcessor()
        let logger = logger(processor)
        let tracer = SimpleTracer()
        logger.info("outside")
        var inner: SpanContext?
        var outer: SpanContext?
        await Telemetry.traceContext(tracer, "outer") { outerSpan in
            outer = outerSpan.context
            logger.info("in outer")
            await Telemetry.traceContext(tracer, "inner") { innerSpan in
                inner = innerSpan.context
                async let child: Void = { logger.info("in a child task") }()
                await child
            }
        }
        let records = processor.all
        #expect(records.count == 3)
        #expect(records[0].traceID == nil && records[0].spanID == nil && records[0].traceFlags == 0)
        #expect(records[1].traceID == outer?.traceID && records[1].spanID == outer?.spanID && records[1].traceFlags == outer?.traceFlags)
        #expect(outer?.isSampled == true, "flags \(String(describing: outer?.traceFlags))")
        #expect(records[2].traceID == inner?.traceID && records[2].spanID == inner?.spanID)
        #expect(inner?.traceID == outer?.traceID)
    }

    @Test("The metadata provider adds trace_id and span_id for other log backends")
    func metadataProvider() {
        let tracer = SimpleTracer()
        #expect(Logger.MetadataProvider.telemetryTraceIDs.get().isEmpty)
        let (metadata, context) = Telemetry.traceContext(tracer, "op") { span in
            (Logger.MetadataProvider.telemetryTraceIDs.get(), span.context)
        }
        #expect(metadata["trace_id"] == .string(context.traceID.description))
        #expect(metadata["span_id"] == .string(context.spanID.description))
    }

    @Test("Metadata nested deeper than the limit is cut to a description, not recursed without end")
    func deepMetadata() {
        var value = Logger.MetadataValue.string("bottom")
        for _ in 0..<1000 { value = .array([value]) }
        var depth = 0
        var current = LogValue(value)
        while case .array(let inner) = current, let first = inner.first {
            depth += 1
            current = first
        }
        #expect(depth == LogValue.maxDepth)
        if case .string(let text) = current { #expect(text.hasPrefix("[")) } else { Issue.record("not cut to a string") }
    }

    @Test("Metadata 20,000 levels deep is cut without recursion: converted on a 256 KiB stack, in text linear in its size")
    func veryDeepMetadataWithoutRecursion() {
        let levels = 20_000
        let cut = Self.onThread(stackSize: 64 << 20) {
            // Built and released on a large stack: swift-log's own value releases recursively.
            var value = Logger.MetadataValue.dictionary(["leaf": "a \"quoted\" \\ value"])
            for level in 0..<levels { value = level.isMultiple(of: 2) ? .array([value]) : .dictionary(["k": value]) }
            // Held here and only borrowed by the small thread, so that the last release is ours.
            let deep = DeepMetadata(value)
            defer { withExtendedLifetime(deep) {} }
            let text = Self.onThread(stackSize: 256 << 10) { [unowned deep] () -> String? in
                var current = LogValue(deep.value)
                while true {
                    switch current {
                    case .array(let inner) where inner.count == 1: current = inner[0]
                    case .map(let inner) where inner.count == 1: current = inner[0].value
                    case .string(let text): return text
                    default: return nil
                    }
                }
            }
            return text ?? nil
        }
        let text = cut ?? nil
        #expect(text != nil, "not cut to a string")
        #expect((text?.utf8.count ?? .max) <= 8 * levels, "\(text?.utf8.count ?? 0) bytes of text for \(levels) levels")
        #expect(text?.hasSuffix("[\"leaf\": \"a \\\"quoted\\\" \\\\ value\"]" + String(repeating: "]", count: levels - LogValue.maxDepth)) == true)
    }

    @Test("Deep metadata's text: arrays and dictionaries sorted by key, nested strings quoted once")
    func metadataText() {
        let value = Logger.MetadataValue.dictionary(["b": .array(["x", .stringConvertible(7)]), "a": .dictionary([:])])
        var wrapped = value
        for _ in 0..<LogValue.maxDepth { wrapped = .array([wrapped]) }
        var cut = LogValue(wrapped)
        while case .array(let inner) = cut, let first = inner.first { cut = first }
        #expect(cut == .string("[\"a\": [:], \"b\": [\"x\", \"7\"]]"))
    }

    /// Runs `work` on a thread of its own with `stackSize` bytes of stack, and waits for its result.
    private static func onThread<Result: Sendable>(stackSize: Int, _ work: @escaping @Sendable () -> Result) -> Result? {
        let outcome = ThreadOutcome<Result>()
        let thread = Thread {
            outcome.value = work()
            outcome.done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        outcome.done.wait()
        return outcome.value
    }
}

/// The result of work run on another thread (written before `done` is signalled, read after).
private final class ThreadOutcome<Result>: @unchecked Sendable {
    // @unchecked: written by one thread before `done.signal()`, read by another after `done.wait()`.
    var value: Result?
    let done = DispatchSemaphore(value: 0)
}

/// A metadata value shared by reference.
private final class DeepMetadata: Sendable {
    let value: Logger.MetadataValue

    init(_ value: Logger.MetadataValue) { self.value = value }
}
