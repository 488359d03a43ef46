import Foundation
import Telemetry
import Testing

@testable import TelemetryOTLPData

@Suite("OTLP data layer: validating untrusted requests")
struct WireScannerTests {
    let limits = DecodeLimits()

    @Test("Requests from the library's own encoders validate, count their items, and decode back")
    func encodedRequests() throws {
        let traceID = TraceID.random()
        let spans = (0..<5).map { index in
            SpanData(
                name: "op\(index)", context: SpanContext(traceID: traceID, spanID: .random()), parent: nil, kind: .server,
                startTimeNanos: 10, endTimeNanos: 20, attributes: ["n": .int(index), "tags": .stringArray(["a", "b"])])
        }
        let payload = try OTLPPayload(
            validating: OTLPTraceEncoder(resource: Resource(serviceName: "svc")).encode(spans), signal: .traces, limits: limits)
        #expect(payload.itemCount == 5)
        #expect(payload.decodedBytesEstimate > payload.bytes.count)
        let view = try TracesView(payload)
        let decoded = view.resourceSpans.flatMap { $0.scopeSpans.flatMap { Array($0.spans) } }
        #expect(decoded.map(\.name) == spans.map(\.name))
        #expect(decoded.allSatisfy { $0.traceID == traceID && $0.isRoot && $0.kind == .server })
        #expect(decoded[3].attributes["n"]?.attributeValue == .int(3))
        #expect(decoded[0].attributes["tags"]?.attributeValue == .stringArray(["a", "b"]))
        #expect(view.resourceSpans.first?.resource.serviceName == "svc")

        let collector = MetricsCollector()
        try collector.counter("c", labels: ["k"]).inc(["k": "v"])
        try collector.histogram("h", buckets: [1, 2]).observe(1.5)
        try collector.summary("s", quantiles: [0.5]).observe(3)
        try collector.gauge("g").set(-2)
        let metrics = try OTLPPayload(
            validating: OTLPMetricsEncoder(resource: Resource(serviceName: "svc")).encode(collector.collectAll()), signal: .metrics,
            limits: limits)
        #expect(metrics.itemCount == 4)
        let validation = try MetricsView(metrics).validated()
        #expect(validation.rejected == 0 && validation.payload?.bytes == metrics.bytes)
    }

    @Test("An attribute nested 10,000 levels deep is refused as too deep, without recursion")
    func nestingBomb() throws {
        let request = Wire.traceRequest([Wire.span(attributes: [Wire.nestedAttribute(depth: 10_000)])])
        #expect(throws: OTLPDecodeError(.tooDeep, "messages nest deeper than 64 levels")) {
            try OTLPPayload(validating: request, signal: .traces, limits: limits)
        }
        // 29 nested arrays (5 + 2 × 29 = 63 levels) are fine.
        let deepButFine = Wire.traceRequest([Wire.span(attributes: [Wire.nestedAttribute(depth: 29)])])
        let payload = try OTLPPayload(validating: deepButFine, signal: .traces, limits: limits)
        guard case .array(let outer)? = try TracesView(payload).resourceSpans[0].scopeSpans[0].spans[0].attributes["nested"] else {
            Issue.record("the nested attribute did not decode")
            return
        }
        #expect(outer.count == 1)
    }

    @Test("Empty repeated messages are refused by their decoded size before protobuf-c allocates them")
    func amplification() throws {
        let emptyResources = (0..<(20 << 20)).map { UInt8($0 % 2 == 0 ? 0x0A : 0x00) }
        do throws(OTLPDecodeError) {
            _ = try OTLPPayload(validating: emptyResources, signal: .traces, limits: DecodeLimits(maxDecodedBytes: 64 << 20))
            Issue.record("accepted a request that decodes to hundreds of MiB")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.description.contains("max_decoded_bytes"))
        }
        // Unknown fields are kept by protobuf-c too (a struct and a copy each).
        let unknownFields = (0..<(4 << 20)).map { UInt8($0 % 2 == 0 ? 0x78 : 0x00) }
        do throws(OTLPDecodeError) {
            _ = try OTLPPayload(validating: unknownFields, signal: .metrics, limits: DecodeLimits(maxDecodedBytes: 16 << 20))
            Issue.record("accepted 2 million unknown fields within 16 MiB")
        } catch {
            #expect(error.kind == .tooLarge)
        }
    }

    @Test("Malformed wire data is refused with the rule it breaks", arguments: [
        ("truncated length", Wire.traceRequest([Wire.span()]).dropLast(3).map { $0 }, "runs past"),
        ("varint of 11 bytes", [0x78] + [UInt8](repeating: 0xFF, count: 10) + [0x01], "varint"),
        ("wrong wire type", [0x09] + [UInt8](repeating: 0, count: 8), "wrong wire type"),
        ("group", [0x7B, 0x7C], "groups"),
        ("field number 0", [0x02, 0x00], "out of range"),
        ("span without trace_id", Wire.traceRequest([Wire.field(2, Array(1...8)) + Wire.string(5, "x")]), "trace_id is missing"),
        ("trace_id of 3 bytes", Wire.traceRequest([Wire.span(traceID: [1, 2, 3])]), "trace_id is 3 bytes"),
        ("nested message past its parent", [0x0A, 0x02, 0x12, 0x05, 0, 0], "runs past"),
        // protobuf-c reads tags and lengths of at most 5 bytes (found by the decode-amplification fuzz target).
        ("tag of 6 bytes", [0xF8, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00], "tag is longer than 5 bytes"),
        ("length of 6 bytes", [0x7A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], "length is longer than 5 bytes"),
    ])
    func malformed(name: String, bytes: [UInt8], expected: String) {
        do throws(OTLPDecodeError) {
            _ = try OTLPPayload(validating: bytes, signal: .traces, limits: limits)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.kind == .malformed, "\(name): \(error)")
            #expect(error.description.contains(expected), "\(name): \(error.description)")
        }
    }

    @Test("A string field that is not UTF-8 is refused; valid multi-byte text passes")
    func utf8() throws {
        let invalid = Wire.traceRequest([Wire.field(1, Array(1...16)) + Wire.field(2, Array(1...8)) + Wire.field(5, [0x66, 0xC3, 0x28])])
        #expect(throws: OTLPDecodeError(.invalidUTF8, "field name is not valid UTF-8")) {
            try OTLPPayload(validating: invalid, signal: .traces, limits: limits)
        }
        for bad: [UInt8] in [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(!bad.withUnsafeBytes { UTF8Validation.isValid($0) }, "\(bad)")
        }
        let text = Array("Jürgen 東京 🚀 plain ascii text of some length".utf8)
        #expect(text.withUnsafeBytes { UTF8Validation.isValid($0) })
    }

    @Test("Every prefix of a valid request either validates or is refused; random bytes never crash")
    func prefixesAndNoise() throws {
        let request = Wire.traceRequest([Wire.span(attributes: [Wire.nestedAttribute(depth: 3)]), Wire.span()])
        for length in 0...request.count {
            _ = try? OTLPPayload(validating: Array(request.prefix(length)), signal: .traces, limits: limits)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let noise = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for signal in OTLPSignal.allCases {
                if let payload = try? OTLPPayload(validating: noise, signal: signal, limits: limits) {
                    // Whatever the scanner accepts, protobuf-c must unpack.
                    switch signal {
                    case .traces: _ = try TracesView(payload)
                    case .metrics: _ = try MetricsView(payload)
                    case .logs: _ = try LogsView(payload)
                    }
                }
            }
        }
    }

    @Test("OTLP/JSON: the specification's examples convert; deep nesting is refused, and huge arrays by their decoded size")
    func json() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/otlp-examples")
        for (file, signal, items) in [("trace", OTLPSignal.traces, 1), ("metrics", .metrics, 4), ("logs", .logs, 1)] {
            let json = try Array(Data(contentsOf: examples.appendingPathComponent("\(file).json")))
            let payload = try OTLPPayload(json: json, signal: signal, limits: limits)
            #expect(payload.itemCount == items, "\(file).json")
        }
        let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: OTLPDecodeError.self) { try OTLPPayload(json: deep, signal: .traces, limits: limits) }
        let many = Array(("{\"resourceSpans\":[" + String(repeating: "{},", count: 200_000) + "{}]}").utf8)
        do throws(OTLPDecodeError) {
            _ = try OTLPPayload(json: many, signal: .traces, limits: DecodeLimits(maxDecodedBytes: 4 << 20))
            Issue.record("accepted 200,000 JSON values within 4 MiB")
        } catch {
            #expect(error.kind == .tooLarge)
        }
        let nestedJSON = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
            + "\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"x\",\"attributes\":[{\"key\":\"k\",\"value\":"
            + String(repeating: "{\"arrayValue\":{\"values\":[", count: 40) + "{\"stringValue\":\"v\"}"
            + String(repeating: "]}}", count: 40) + "}]}]}]}]}"
        #expect(throws: OTLPDecodeError.self) { try OTLPPayload(json: Array(nestedJSON.utf8), signal: .traces, limits: limits) }
    }
}
