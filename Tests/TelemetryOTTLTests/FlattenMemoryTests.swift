import Telemetry
import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// `flatten` repeats every parent key in each leaf's key: a long key above many leaves makes keys
/// quadratic in the input. They are charged to the request's edit session as they are made.
@Suite("flatten charges the keys it makes")
struct FlattenMemoryTests {
    /// One span whose `json` attribute is `{"<key>": {"a0": 1, …}}` with `leaves` leaves, and a session
    /// asking `reserve` for its memory.
    static func request(keyBytes: Int, leaves: Int, reserve: @escaping (Int) -> Bool) throws -> EditableRequest {
        let inner = (0..<leaves).map { "\"a\($0)\":1" }.joined(separator: ",")
        let json = "{\"\(String(repeating: "k", count: keyBytes))\":{\(inner)}}"
        let span = SpanData(
            name: "s", context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3)), parent: nil, kind: .server,
            startTimeNanos: 1, endTimeNanos: 2, attributes: ["json": .string(json)])
        let bytes = OTLPTraceEncoder(resource: Resource(serviceName: "svc")).encode([span])
        return try EditableRequest(try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits()), reserve: reserve)
    }

    static func run(on request: EditableRequest) throws {
        let statements = [#"set(span.attributes["m"], ParseJSON(span.attributes["json"]))"#, #"flatten(span.attributes["m"])"#]
        let parsed = try statements.map { try OTTLParser.statement($0) }
        let compiler = OTTLCompiler(context: .span, functions: .standard)
        let group = OTTLStatementGroup(
            context: .span, conditions: [], statements: try zip(parsed, statements).map { (try compiler.statement($0), $1) }, errorMode: .ignore)
        try group.run(on: request) { _, _ in }
    }

    @Test("A 64 KiB key above 2,000 leaves (128 MB of keys from 80 KB) is refused by an 8 MiB budget, whatever the error mode")
    func longPrefixIsCharged() throws {
        let asked = LockedValue(0)
        let request = try Self.request(keyBytes: 64 << 10, leaves: 2_000) { total in
            asked.withLock { $0 = max($0, total) }
            return total <= 8 << 20
        }
        let error = try #require(throws: OTTLError.self) { try Self.run(on: request) }
        #expect(error.memoryRefusal != nil)
        #expect(asked.withLock { $0 } > 8 << 20)
    }

    @Test("Small maps flatten within the budget: every leaf under its dotted key")
    func smallMapFlattens() throws {
        let request = try Self.request(keyBytes: 8, leaves: 100) { $0 <= 8 << 20 }
        try Self.run(on: request)
        let map = request.resourceSpans[0].scopeSpans[0].spans[0].attributes["m"]
        guard case .map(let pairs) = map else { Issue.record("m is \(String(describing: map))"); return }
        #expect(pairs.count == 100 && pairs.first?.key == "kkkkkkkk.a0" && pairs.last?.key == "kkkkkkkk.a99")
    }
}
