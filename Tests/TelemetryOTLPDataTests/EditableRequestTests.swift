import Foundation
import Telemetry
import Testing

@testable import TelemetryOTLPData

/// The editable model: decode once, edit in place, encode once; untouched requests keep their bytes and
/// the unpacked tree is freed as it was unpacked.
@Suite("OTLP data layer: editable requests")
struct EditableRequestTests {
    static func traceRequest() throws -> OTLPPayload {
        let trace = TraceID(high: 1, low: 2)
        let spans = (0..<3).map { index in
            SpanData(
                name: "span-\(index)", context: SpanContext(traceID: trace, spanID: SpanID(UInt64(index + 1))), parent: nil, kind: .server,
                startTimeNanos: 1, endTimeNanos: 2, attributes: ["http.method": .string("GET"), "index": .int(index), "keep": .bool(true)])
        }
        let bytes = OTLPTraceEncoder(resource: Resource(serviceName: "svc")).encode(spans)
        return try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits())
    }

    @Test("A request nobody changed is handed on as its original bytes; reading changes nothing")
    func untouched() throws {
        let payload = try Self.traceRequest()
        let request = try EditableRequest(payload)
        let span = request.resourceSpans[0].scopeSpans[0].spans[1]
        #expect(span.name.value == "span-1")
        #expect(span.attributes["http.method"] == .string("GET"))
        #expect(request.resourceSpans[0].resource.attributes.string("service.name") == "svc")
        let encoded = try #require(try request.encoded())
        #expect(encoded.bytes == payload.bytes)
        #expect(encoded.itemCount == 3)
    }

    @Test("Edits in place: set keeps the slot, a new key is appended, remove moves the last pair in, a nested map is created")
    func edits() throws {
        let request = try EditableRequest(try Self.traceRequest())
        let spans = request.resourceSpans[0].scopeSpans[0].spans
        let attributes = spans[0].attributes
        try attributes.set("http.method", .string("POST"))
        try attributes.set("added", .double(1.5))
        #expect(attributes.keys == ["http.method", "index", "keep", "added"])
        try attributes.remove("http.method")
        #expect(attributes.keys == ["added", "index", "keep"])
        let nested = try #require(try attributes.nestedMap("deep", create: true))
        try nested.set("k", .array([.int(1), .string("two")]))
        try spans[1].name.set("renamed")
        try spans[1].setStatusCode(2)
        try spans[1].setStatusMessage("boom")
        spans[2].kind.set(3)
        try request.resourceSpans[0].resource.attributes.set("deployment.environment", .string("prod"))
        try spans.removeAll { $0.name.value == "span-2" }
        let encoded = try #require(try request.encoded())
        #expect(encoded.itemCount == 2)

        let again = try EditableRequest(encoded)
        let edited = again.resourceSpans[0].scopeSpans[0].spans
        #expect(edited.count == 2)
        #expect(edited[0].attributes.pairs == [
            OTLPKeyValue(key: "added", value: .double(1.5)), OTLPKeyValue(key: "index", value: .int(0)),
            OTLPKeyValue(key: "keep", value: .bool(true)),
            OTLPKeyValue(key: "deep", value: .map([OTLPKeyValue(key: "k", value: .array([.int(1), .string("two")]))])),
        ])
        #expect(edited[1].name.value == "renamed" && edited[1].statusCode == 2 && edited[1].statusMessage == "boom")
        #expect(again.resourceSpans[0].resource.attributes.string("deployment.environment") == "prod")
    }

    @Test("Many edits of one list, then the request goes away: the undo log gives protobuf-c back its own tree")
    func undoFreesTheUnpackedTree() throws {
        for _ in 0..<50 {
            let request = try EditableRequest(try Self.traceRequest())
            for span in request.resourceSpans[0].scopeSpans[0].spans {
                for index in 0..<40 { try span.attributes.set("k\(index)", .string(String(repeating: "v", count: index))) }
                try span.attributes.removeAll { key, _ in key.hasPrefix("k1") }
                try span.attributes.remove("index")
                try span.name.set("x")
            }
            _ = try request.encoded()
        }
    }

    @Test("Edits are charged before they are allocated: a refusing budget stops the edit with nothing changed")
    func chargedBeforeAllocating() throws {
        var asked: [Int] = []
        let request = try EditableRequest(try Self.traceRequest()) { total in
            asked.append(total)
            return total <= EditSession.chunkSize + 4096
        }
        let attributes = request.resourceSpans[0].scopeSpans[0].spans[0].attributes
        #expect(throws: EditMemoryRefused.self) { try attributes.set("big", .string(String(repeating: "x", count: 100_000))) }
        #expect(attributes["big"] == nil)
        try attributes.set("small", .string("ok"))
        #expect(attributes["small"] == .string("ok"))
        #expect(request.session.heldBytes <= EditSession.chunkSize + 4096)
        #expect(asked.contains { $0 > EditSession.chunkSize + 4096 })
    }

    @Test("A NUL inside a written string (which a C string cannot hold) is written as U+FFFD; the scan flags strings holding one")
    func nulInStrings() throws {
        let request = try EditableRequest(try Self.traceRequest())
        let attributes = request.resourceSpans[0].scopeSpans[0].spans[0].attributes
        try attributes.set("k", .string("a\u{0}b"))
        #expect(attributes["k"] == .string("a\u{FFFD}b"))
        #expect(try Self.traceRequest().stringsHoldNUL == false)
        let encoded = try #require(try request.encoded())
        #expect(encoded.stringsHoldNUL == false)
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"a\u0000b"}]}]}]}"#
        #expect(try OTLPPayload(json: Array(json.utf8), signal: .traces, limits: DecodeLimits()).stringsHoldNUL)
    }

    @Test("Dropping every span of a scope drops the scope and its resource; nothing left encodes as nil")
    func emptyGroupsRemoved() throws {
        let request = try EditableRequest(try Self.traceRequest())
        try request.resourceSpans[0].scopeSpans[0].spans.removeAll { _ in true }
        try request.removeEmptyGroups(metricsWithoutPoints: true)
        #expect(request.resourceSpans.isEmpty)
        #expect(try request.encoded() == nil)
    }
}
