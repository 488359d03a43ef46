/// Converts OTLP/JSON requests to their protobuf encoding in one pass, from the JSON bytes straight to
/// protobuf wire bytes, so JSON and protobuf requests share one processing path (and one scanner).
///
/// Follows the OTLP/JSON rules: field names in lowerCamelCase (the proto names are accepted too),
/// `traceId`/`spanId`/`parentSpanId` as hex, other bytes as base64, enums as integers (names accepted),
/// 64-bit integers as strings or numbers; unknown fields are skipped without building anything. A
/// key given twice follows protobuf's merge, as the Collector's reader does: the last scalar wins,
/// repeated fields append, messages merge. Strings must be UTF-8 (escapes included: an unpaired
/// surrogate is refused).
///
/// Why wire bytes and not protobuf-c structs: the wire bytes are what the gateway keeps, and they are
/// never larger than a small multiple of the JSON, where a protobuf-c struct costs 40–200 bytes for
/// `{}` (3 bytes of JSON) and a repeated field would need its count before its elements.
///
/// Memory: every buffer is reserved through `reserve` before it is allocated, and the reader is
/// iterative (an explicit stack, bounded by `2 × maxDepth + 2` levels), so
///
///     decoder memory ≤ 8 × JSON bytes + 64 KiB (at the default 64 levels)
///
/// Proof of the 8: the written bytes never pass 4 per JSON byte. The densest JSON is an element of a
/// packed `fixed64`/`double` array, `0,` (2 bytes, 8 written); an element message `{},` is 3 bytes
/// for a 1-byte tag and an 8-byte placeholder; a negative varint `-1,` is 3 bytes for 10; every
/// other value writes at most its own size plus a tag its key pays for (a key is at least 3 bytes,
/// and a packed run's tag and placeholder are paid by its key, ≥ 12 letters in OTLP). The buffer is
/// capped at 4 × JSON bytes, so while it grows the old and new buffers hold ≤ 8×, and at the end the
/// buffer and the final bytes (never more than were written) hold ≤ 8×. The stack holds at most
/// `2 × maxDepth + 3` frames, a long number's text at most itself (within the bound: it writes ≤ 8).
/// `OTLPJSONMemoryTests` checks the bound on generated and hostile JSON.
enum OTLPJSONDecoder {
    /// The most memory decoding `jsonBytes` of JSON can take with `limits` (see the proof above).
    static func memoryBound(jsonBytes: Int, limits: DecodeLimits) -> Int {
        8 * jsonBytes + OTLPJSONReader.fixedBytes(limits: limits)
    }

    /// The protobuf bytes of the `Export…ServiceRequest` for `signal` written as JSON in `json`.
    /// `reserve(total)` is asked before the decoder's memory grows to `total` bytes (and told when it
    /// shrinks); when it refuses, decoding stops with a `.memoryLimit` error. On return the decoder
    /// holds only the returned bytes (on error nothing).
    static func protobuf(
        fromJSON json: [UInt8], signal: OTLPSignal, limits: DecodeLimits, reserve: @escaping (Int) -> Bool
    ) throws(OTLPDecodeError) -> [UInt8] {
        let memory = DecoderMemory(reserve: reserve)
        let result = json.withUnsafeBytes { bytes in
            Result { () throws(OTLPDecodeError) in
                var reader = try OTLPJSONReader(bytes, schema: .of(signal), limits: limits, memory: memory)
                return try reader.read()
            }
        }
        memory.settle(at: (try? result.get())?.count ?? 0)
        return try result.get()
    }
}
