internal import CProtobufC

/// One OTLP export request of one signal, checked: its protobuf bytes, the items in it and what
/// decoding it would cost. The only way to make one is to validate bytes (or JSON) against the limits,
/// so every payload in the gateway is known to be well-formed OTLP.
public struct OTLPPayload: Sendable {
    /// The signal.
    public let signal: OTLPSignal
    /// The serialised `Export…ServiceRequest`.
    public let bytes: [UInt8]
    /// Spans, data points or log records in it.
    public let itemCount: Int
    /// An upper estimate of the memory decoding it takes.
    public let decodedBytesEstimate: Int
    /// Whether some string in it holds a NUL byte: valid OTLP, but protobuf-c (whose strings end at a
    /// NUL) would cut it when decoding, so the editing processors refuse it rather than see a prefix.
    public var stringsHoldNUL = false

    /// Checks `bytes` as a request of `signal` within `limits` (see `WireScanner`).
    ///
    /// - Throws: `OTLPDecodeError` naming the problem or the limit.
    public init(validating bytes: [UInt8], signal: OTLPSignal, limits: DecodeLimits) throws(OTLPDecodeError) {
        let scanner = WireScanner(
            limits: limits, itemDescriptors: OTLPSchema.items(signal), lengthRules: OTLPSchema.lengthRules(signal))
        let summary = try bytes.withUnsafeBytes { buffer in
            Result { () throws(OTLPDecodeError) in try scanner.scan(buffer, as: OTLPSchema.request(signal)) }
        }.get()
        self.init(signal: signal, bytes: bytes, itemCount: summary.items, decodedBytesEstimate: summary.decodedBytes)
        stringsHoldNUL = summary.stringsHoldNUL
    }

    /// Converts an OTLP/JSON request of `signal` and checks it like protobuf.
    ///
    /// - Parameter reserve: asked before the decoder's memory grows to a total number of bytes (and
    ///   told when it shrinks); when it refuses, decoding stops with a `.memoryLimit` error. On return
    ///   the decoder holds only `bytes`. The decoder never holds more than 8 × `json.count` + 64 KiB
    ///   (at 64 levels: see `OTLPJSONDecoder`). The default reserves nothing (tests and tools).
    /// - Throws: `OTLPDecodeError` naming the problem (with its JSON path) or the limit.
    public init(
        json: [UInt8], signal: OTLPSignal, limits: DecodeLimits, reserve: @escaping (_ totalBytes: Int) -> Bool = { _ in true }
    ) throws(OTLPDecodeError) {
        let bytes = try OTLPJSONDecoder.protobuf(fromJSON: json, signal: signal, limits: limits, reserve: reserve)
        do {
            try self.init(validating: bytes, signal: signal, limits: limits)
        } catch {
            _ = reserve(0)  // the converted bytes go with the refusal
            throw error
        }
    }

    /// The most memory decoding `jsonBytes` of OTLP/JSON can take within `limits` (the proven bound).
    public static func jsonDecodingBound(jsonBytes: Int, limits: DecodeLimits) -> Int {
        OTLPJSONDecoder.memoryBound(jsonBytes: jsonBytes, limits: limits)
    }

    /// A request this process encoded from checked data (a split, an edit): its items counted by the caller
    /// and its decoded size scanned again, since a part's share of the whole's estimate can be too small
    /// (a resource written into several parts, a trace state grown). Encoded data that does not scan (it
    /// cannot happen) is given an estimate no budget can hold.
    init(encoded bytes: [UInt8], signal: OTLPSignal, itemCount: Int) {
        let scanner = WireScanner(
            limits: DecodeLimits(maxDepth: .max, maxDecodedBytes: .max), itemDescriptors: [], lengthRules: [])
        let estimate = bytes.withUnsafeBytes { buffer in
            try? scanner.scan(buffer, as: OTLPSchema.request(signal)).decodedBytes
        }
        self.init(signal: signal, bytes: bytes, itemCount: itemCount, decodedBytesEstimate: estimate ?? .max)
    }

    init(signal: OTLPSignal, bytes: [UInt8], itemCount: Int, decodedBytesEstimate: Int) {
        self.signal = signal
        self.bytes = bytes
        self.itemCount = itemCount
        self.decodedBytesEstimate = decodedBytesEstimate
    }

    /// One request holding every item of `payloads` (all of one signal): serialised requests
    /// concatenate into a valid request, as protobuf merges repeated fields.
    public static func concatenated(_ payloads: [OTLPPayload]) -> [UInt8] {
        payloads.count == 1 ? payloads[0].bytes : Array(payloads.map(\.bytes).joined())
    }
}
