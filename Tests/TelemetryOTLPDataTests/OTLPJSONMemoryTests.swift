import PropertyBased
import TelemetryOTLPData
import Testing

/// The OTLP/JSON decoder reserves every byte before it allocates it, and never holds more than its
/// proven bound (8 × the JSON + a constant), on generated and on hostile JSON.
@Suite("OTLP/JSON reader: memory")
struct OTLPJSONMemoryTests {
    /// What the decoder reserved: the current total and the highest.
    final class Reservations: @unchecked Sendable {
        // @unchecked: used by one decode on one thread.
        var held = 0
        var peak = 0
        let limit: Int

        init(limit: Int = .max) { self.limit = limit }

        func reserve(_ total: Int) -> Bool {
            guard total <= limit || total <= held else { return false }
            held = total
            peak = max(peak, total)
            return true
        }
    }

    static let limits = DecodeLimits(maxDecodedBytes: 1 << 30)

    /// Pieces of a metrics request, as the `resourceMetrics` elements they add: shape and size.
    static func piece(_ shape: Int, _ size: Int) -> String {
        switch shape {
        case 0: return Array(repeating: "{}", count: size).joined(separator: ",")
        case 1: return Array(repeating: #"{"schemaUrl":"xxxxxxxxxx"}"#, count: size).joined(separator: ",")
        case 2:
            let zeros = Array(repeating: "0", count: size).joined(separator: ",")
            return #"{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":[\#(zeros)],"explicitBounds":[\#(zeros)]}]}}]}]}"#
        case 3:
            return #"{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"attributes":[\#(nested(depth: min(size, 18)))]}]}}]}]}"#
        case 4: return #"{"\#(String(repeating: "k", count: size))":[[[{"\#(String(repeating: "u", count: size))":{}}]]],"schemaUrl":"s"}"#
        case 5: return #"{"schemaUrl":"\#(String(repeating: #"\u00e9\ud83d\ude00\n"#, count: size))"}"#
        case 6:
            let counts = Array(repeating: "18446744073709551615", count: size).joined(separator: ",")
            return #"{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"scale":-1,"positive":{"offset":-3,"bucketCounts":[\#(counts)]}}]}}]}]}"#
        default:
            let values = Array(repeating: #"{"quantile":0.30000000000000004}"#, count: size).joined(separator: ",")
            return #"{"scopeMetrics":[{"metrics":[{"summary":{"dataPoints":[{"quantileValues":[\#(values)],"sum":"-1e-300"}]}}]}]}"#
        }
    }

    /// A key-value whose value nests `depth` kvlists.
    static func nested(depth: Int) -> String {
        var value = #"{"stringValue":"leaf"}"#
        for _ in 0..<depth { value = #"{"kvlistValue":{"values":[{"key":"k","value":\#(value)}]}}"# }
        return #"{"key":"k","value":\#(value)}"#
    }

    static func request(_ pieces: [(Int, Int)]) -> [UInt8] {
        Array((#"{"resourceMetrics":["# + pieces.map { piece($0.0, $0.1) }.joined(separator: ",") + "]}").utf8)
    }

    /// Decodes `json`, checking the reservations against the bound; the peak, and whether it decoded.
    @discardableResult
    static func check(_ json: [UInt8], limit: Int = .max) -> (peak: Int, decoded: Bool) {
        let reservations = Reservations(limit: limit)
        let bound = OTLPPayload.jsonDecodingBound(jsonBytes: json.count, limits: limits)
        var decoded = false
        do throws(OTLPDecodeError) {
            let payload = try OTLPPayload(json: json, signal: .metrics, limits: limits, reserve: reservations.reserve)
            #expect(reservations.held == payload.bytes.count, "after decoding, only the protobuf bytes are held")
            decoded = true
        } catch {
            #expect(reservations.held == 0, "after a failure nothing is held: \(error)")
        }
        #expect(reservations.peak <= bound, "peak \(reservations.peak) over the bound \(bound) for \(json.count) bytes")
        return (reservations.peak, decoded)
    }

    @Test("Generated requests of every shape (tiny objects, packed zeros, deep nesting, long unknown keys, escapes, big varints, long numbers) stay within 8 × their size + 64 KiB")
    func generated() async {
        let pieces = zip(Gen.int(in: 0...7), Gen.int(in: 1...3000)).array(of: 1...6)
        await propertyCheck(count: 120, input: pieces) { pieces in
            let json = Self.request(pieces)
            let result = Self.check(json)
            #expect(result.decoded, "the generated request did not decode")
        }
    }

    @Test("Each hostile shape at 1 MiB: within the bound, and its ratio as measured")
    func hostileShapes() {
        for shape in 0...7 {
            let unit = Self.request([(shape, 2)]).count - Self.request([(shape, 1)]).count
            let pieces = shape != 3 ? [(shape, (1 << 20) / unit)] : Array(repeating: (shape, 18), count: (1 << 20) / Self.request([(shape, 18)]).count)
            let json = Self.request(pieces)
            let result = Self.check(json)
            let ratio = Double(result.peak) / Double(json.count)
            #expect(result.decoded, "shape \(shape)")
            print("OTLP/JSON memory: shape \(shape), \(json.count) bytes, peak \(result.peak) bytes, \(ratio) per byte")
        }
        let tooDeep = #"{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"attributes":[\#(Self.nested(depth: 20))]}]}}]}]}"#
        let deep = Self.check(Array((#"{"resourceMetrics":["# + tooDeep + "]}").utf8))
        #expect(!deep.decoded, "nesting past the limit is refused")
    }

    @Test("JSON that converts but fails validation (an 8-byte trace id) leaves nothing reserved (found by the fuzzer)")
    func invalidAfterConversion() {
        let json = Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"a1b2c3d4e5f60718"}]}]}]}"#.utf8)
        let reservations = Reservations()
        #expect(throws: OTLPDecodeError.self) {
            try OTLPPayload(json: json, signal: .logs, limits: Self.limits, reserve: reservations.reserve)
        }
        #expect(reservations.held == 0 && reservations.peak > 0)
    }

    @Test("A refused reservation stops decoding with memory_limit (a 429), holding nothing")
    func refused() {
        let json = Self.request([(2, 200_000)])
        let reservations = Reservations(limit: json.count)
        do throws(OTLPDecodeError) {
            _ = try OTLPPayload(json: json, signal: .metrics, limits: Self.limits, reserve: reservations.reserve)
            Issue.record("decoded 200,000 packed zeros within the size of the JSON")
        } catch {
            #expect(error.kind == .memoryLimit, "\(error)")
        }
        #expect(reservations.held == 0 && reservations.peak <= json.count)
    }
}
