import Foundation
import Telemetry
import Testing

@testable import TelemetryOTLPData

/// Decoding holds no more memory than the pre-scan charged, and takes time linear in the request.
@Suite("OTLP data layer: decoding is charged before it allocates")
struct DecodeChargeTests {
    let limits = DecodeLimits(maxDecodedBytes: 1 << 30)

    /// Checks that `bytes` validate, unpack within their estimate, and that the estimate is within the
    /// amplification bound.
    func checkCharged(_ bytes: [UInt8], _ signal: OTLPSignal, _ name: String) throws {
        let payload = try OTLPPayload(validating: bytes, signal: signal, limits: limits)
        let violation = DecodeAmplification.violation(payload)
        #expect(violation == nil, "\(name): \(violation ?? "")")
    }

    @Test("A non-repeated message field that occurs twice is refused, naming the field (protobuf-c merges repeats by copying: quadratic)")
    func repeatedSingularMessage() {
        // ResourceMetrics { resource { attributes: [{}] } × 100,000 }: 5.7 s of merging before.
        let resource = Wire.field(1, Wire.field(1, []))
        let request = Wire.field(1, Array([[UInt8]](repeating: resource, count: 100_000).joined()))
        #expect(throws: OTLPDecodeError(.malformed, "field resource occurs more than once in its message (a non-repeated message field may occur once)")) {
            try OTLPPayload(validating: request, signal: .metrics, limits: limits)
        }
        // The same for a oneof member (AnyValue.kvlist_value twice) deep in a span.
        let twice = Wire.string(1, "k") + Wire.field(2, Wire.field(6, []) + Wire.field(6, []))
        #expect(throws: OTLPDecodeError.self) {
            try OTLPPayload(validating: Wire.traceRequest([Wire.span(attributes: [twice])]), signal: .traces, limits: limits)
        }
        // Repeated fields may repeat, and a singular message once is fine.
        #expect((try? OTLPPayload(validating: Wire.field(1, resource), signal: .metrics, limits: limits)) != nil)
    }

    @Test("Field numbers of every OTLP message are below 64 (the scanner tracks fields seen in a 64-bit mask)")
    func fieldNumbersFitTheMask() {
        for signal in OTLPSignal.allCases {
            for message in OTLPSchema.messageTypes(from: OTLPSchema.request(signal)) {
                for index in 0..<Int(message.pointee.n_fields) {
                    #expect(message.pointee.fields[index].id < 64)
                }
            }
        }
    }

    @Test("Hostile shapes unpack within what was charged: non-packed scalars, empty messages, strings, bytes, unknown fields")
    func hostileShapesWithinEstimate() throws {
        // 100,000 non-packed bucket_counts (fixed64, field 6 of HistogramDataPoint): each a 32-byte scan
        // record in doubling slabs; charged 8 bytes each before (5× too little).
        let nonPacked = Array([[UInt8]](repeating: [0x31] + [UInt8](repeating: 0, count: 8), count: 100_000).joined())
        let histogram = Wire.string(1, "h") + Wire.field(9, Wire.field(1, nonPacked))
        try checkCharged(Wire.field(1, Wire.field(2, Wire.field(2, histogram))), .metrics, "non-packed bucket_counts")
        // Exponential histogram buckets' bucket_counts (uint64, field 2), non-packed varints.
        let varints = Array([[UInt8]](repeating: [0x10, 0x01], count: 100_000).joined())
        let exponential = Wire.string(1, "e") + Wire.field(10, Wire.field(1, Wire.field(8, varints)))
        try checkCharged(Wire.field(1, Wire.field(2, Wire.field(2, exponential))), .metrics, "varint bucket_counts")
        let emptyAttributes = Array([[UInt8]](repeating: [0x0A, 0x00], count: 50_000).joined())
        try checkCharged(Wire.field(1, Wire.field(1, emptyAttributes)), .metrics, "empty resource attributes")
        let emptyResources = Array([[UInt8]](repeating: [0x0A, 0x00], count: 50_000).joined())
        try checkCharged(emptyResources, .traces, "empty resource spans")
        for wireType: UInt8 in [0, 1, 2, 5] {
            let unknown: [UInt8] = switch wireType {
            case 0: [0x78, 0x00]
            case 1: [0x79] + [UInt8](repeating: 0, count: 8)
            case 2: [0x7A, 0x00]
            default: [0x7D, 0, 0, 0, 0]
            }
            try checkCharged(Array([[UInt8]](repeating: unknown, count: 50_000).joined()), .logs, "unknown fields of wire type \(wireType)")
        }
        let strings = Wire.span(attributes: (0..<2000).map { _ in Wire.string(1, "") + Wire.field(2, Wire.string(1, "")) })
        try checkCharged(Wire.traceRequest([strings]), .traces, "empty strings")
        let ids = (0..<5000).map { _ in Wire.span() }
        try checkCharged(Wire.traceRequest(ids), .traces, "many spans with ids")
        try checkCharged(Wire.traceRequest([Wire.span(attributes: [Wire.nestedAttribute(depth: 29)])]), .traces, "nested arrays")
    }

    @Test("Requests from real SDKs (the fuzz seed corpus) and the library's encoders unpack within what was charged")
    func realRequestsWithinEstimate() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus/gateway-request")
        var checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted() {
            let input = try Array(Data(contentsOf: corpus.appendingPathComponent(file)))
            // The target's first byte: signal (mod 3), OTLP/JSON (0x10), gzip (0x20, applied by the target).
            guard let selector = input.first, selector & 0x10 == 0 else { continue }
            let signal = OTLPSignal.allCases[Int(selector % 3)]
            guard (try? OTLPPayload(validating: Array(input.dropFirst()), signal: signal, limits: limits)) != nil else { continue }
            try checkCharged(Array(input.dropFirst()), signal, file)
            checked += 1
        }
        #expect(checked >= 3, "only \(checked) protobuf seeds")
        let spans = (0..<200).map { index in
            SpanData(
                name: "op\(index)", context: SpanContext(traceID: .random(), spanID: .random()), parent: nil, kind: .server,
                startTimeNanos: 10, endTimeNanos: 20, attributes: ["n": .int(index), "tags": .stringArray(["a", "b"])],
                events: [TelemetrySpanEvent(name: "e", timeNanos: 15, attributes: ["k": .string("v")])])
        }
        try checkCharged(OTLPTraceEncoder(resource: Resource(serviceName: "svc")).encode(spans), .traces, "encoded spans")
    }

    @Test("Unpacking is held to the payload's estimate: past it, decoding fails instead of allocating")
    func capEnforced() throws {
        let bytes = Wire.traceRequest((0..<100).map { _ in Wire.span() })
        let honest = try OTLPPayload(validating: bytes, signal: .traces, limits: limits)
        #expect((try? TracesView(honest)) != nil)
        let undercharged = OTLPPayload(signal: .traces, bytes: bytes, itemCount: 100, decodedBytesEstimate: honest.decodedBytesEstimate / 2)
        #expect(throws: OTLPDecodeError.self) { try TracesView(undercharged) }
    }
}
