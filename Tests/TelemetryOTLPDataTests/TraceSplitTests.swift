import Foundation
import Telemetry
import Testing

@testable import TelemetryOTLPData

/// Splitting a request by trace shares its resources and scopes instead of copying them.
@Suite("OTLP data layer: splitting by trace")
struct TraceSplitTests {
    /// One resource with an attribute of `resourceBytes` bytes and `traces` one-span traces.
    static func request(resourceBytes: Int, traces: Int) -> [UInt8] {
        let attribute = Wire.string(1, "big") + Wire.field(2, Wire.string(1, String(repeating: "x", count: resourceBytes)))
        let spans = (0..<traces).map { index in
            Wire.span(traceID: Array(repeating: 0, count: 12) + withUnsafeBytes(of: UInt32(index + 1).bigEndian, Array.init))
        }
        return Wire.field(1, Wire.field(1, Wire.field(1, attribute)) + Wire.field(2, spans.flatMap { Wire.field(2, $0) }))
    }

    @Test("1,000 one-span traces under a 256 KiB resource: fragments hold no copy of it; joined, the resource is written once")
    func sharedResource() throws {
        let bytes = Self.request(resourceBytes: 256 << 10, traces: 1000)
        let payload = try OTLPPayload(validating: bytes, signal: .traces, limits: DecodeLimits())
        let fragments = try TracesView(payload).splitByTrace()
        #expect(fragments.count == 1000)
        #expect(fragments.allSatisfy { $0.spanCount == 1 && $0.spanBytes < 100 })
        let joined = try #require(OTLPPayload.joined(fragments))
        #expect(joined.itemCount == 1000)
        #expect(joined.bytes.count < bytes.count + 1024, "the joined request is \(joined.bytes.count) bytes for a \(bytes.count)-byte request")
        // One fragment alone is a request of its own: the resource and its one span.
        let one = try #require(OTLPPayload.joined([fragments[7]]))
        let view = try TracesView(one)
        #expect(view.resourceSpans.count == 1 && one.itemCount == 1)
        #expect(view.resourceSpans[0].scopeSpans[0].spans[0].traceID == fragments[7].traceID)
        #expect(one.bytes.count > 256 << 10)
    }

    @Test("Joined fragments of several requests keep every span once, each resource once, and decode within their estimate")
    func joinAcrossRequests() throws {
        let first = try TracesView(try OTLPPayload(validating: Self.request(resourceBytes: 100, traces: 30), signal: .traces, limits: DecodeLimits()))
        let second = try TracesView(try OTLPPayload(validating: Self.request(resourceBytes: 50, traces: 20), signal: .traces, limits: DecodeLimits()))
        let fragments = first.splitByTrace() + second.splitByTrace() + first.splitByTrace().prefix(3)
        let joined = try #require(OTLPPayload.joined(Array(fragments)))
        let view = try TracesView(joined)
        #expect(view.resourceSpans.count == 2)
        #expect(joined.itemCount == 53)
        #expect(view.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } } == 53)
        let violation = DecodeAmplification.violation(joined)
        #expect(violation == nil, "\(violation ?? "")")
        // A request of one trace comes back as it was, without re-encoding.
        let single = try OTLPPayload(validating: Self.request(resourceBytes: 10, traces: 1), signal: .traces, limits: DecodeLimits())
        #expect(OTLPPayload.joined(try TracesView(single).splitByTrace())?.bytes == single.bytes)
        // A refused charge encodes nothing.
        #expect(OTLPPayload.joined(Array(fragments), charging: { _ in false }) == nil)
    }

    @Test("The trace state edit rewrites each span's trace state on the way")
    func traceStateEdit() throws {
        let payload = try OTLPPayload(validating: Self.request(resourceBytes: 10, traces: 3), signal: .traces, limits: DecodeLimits())
        let joined = try #require(OTLPPayload.joined(try TracesView(payload).splitByTrace(), traceState: { $0 + "ot=th:8" }))
        let states = try TracesView(joined).resourceSpans[0].scopeSpans[0].spans.map(\.traceState)
        #expect(states == ["ot=th:8", "ot=th:8", "ot=th:8"])
    }
}

/// An upstream's answer is read without protobuf-c.
@Suite("OTLP data layer: partial success answers")
struct PartialSuccessDecodeTests {
    @Test("partial_success is read; repeats merge (last wins); unknown fields are skipped; junk and empty answers give nothing")
    func decode() {
        let partial = Wire.field(1, Wire.varintField(1, 3) + Wire.string(2, "bad spans"))
        #expect(OTLPPartialSuccess.decode(partial, signal: .traces) == OTLPPartialSuccess(rejected: 3, message: "bad spans"))
        let merged = partial + Wire.varintField(9, 7) + Wire.field(1, Wire.varintField(1, 5)) + Wire.field(12, Array(repeating: 1, count: 100))
        #expect(OTLPPartialSuccess.decode(merged, signal: .metrics) == OTLPPartialSuccess(rejected: 5, message: "bad spans"))
        #expect(OTLPPartialSuccess.decode(Wire.field(1, Wire.varintField(1, 2)), signal: .logs)
            == OTLPPartialSuccess(rejected: 2, message: "no reason given"))
        #expect(OTLPPartialSuccess.decode(Wire.field(1, Wire.varintField(1, UInt64(bitPattern: -4))), signal: .logs) == nil)
        #expect(OTLPPartialSuccess.decode(Wire.field(1, []), signal: .traces) == nil)
        #expect(OTLPPartialSuccess.decode([], signal: .traces) == nil)
        #expect(OTLPPartialSuccess.decode(Array("<html>".utf8), signal: .traces) == nil)
        #expect(OTLPPartialSuccess.decode(partial.dropLast(2).map { $0 }, signal: .traces) == nil)
        let long = Wire.field(1, Wire.varintField(1, 1) + Wire.string(2, String(repeating: "é", count: 10_000)))
        #expect(OTLPPartialSuccess.decode(long, signal: .traces)?.message.utf8.count ?? 0 <= OTLPPartialSuccess.maxMessageBytes)
    }

    @Test("A 4 MiB answer of unknown fields is read through, nothing kept")
    func unknownFields() {
        let answer = Array([[UInt8]](repeating: [0x78, 0x01], count: 2 << 20).joined()) + Wire.field(1, Wire.varintField(1, 9))
        #expect(OTLPPartialSuccess.decode(answer, signal: .traces) == OTLPPartialSuccess(rejected: 9, message: "no reason given"))
    }
}
