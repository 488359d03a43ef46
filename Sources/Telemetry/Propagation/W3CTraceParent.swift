/// The W3C Trace Context `traceparent` header: `version-traceid-parentid-flags`.
public enum W3CTraceParent {
    /// Parses a `traceparent` value; `nil` for anything the specification says to ignore (wrong lengths,
    /// upper-case or non-hex digits, version `ff`, all-zero ids, a version-00 value with extra fields).
    public static func parse(_ header: String, traceState: String = "") -> SpanContext? {
        let value = Array(header.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        var trimmed = value
        while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { trimmed.removeLast() }
        guard trimmed.count >= 55, trimmed[2] == dash, trimmed[35] == dash, trimmed[52] == dash,
            let version = hexByte(trimmed[0], trimmed[1]), version != 0xFF,
            trimmed[3..<35].allSatisfy(isLowerHex), trimmed[36..<52].allSatisfy(isLowerHex),
            let flags = hexByte(trimmed[53], trimmed[54])
        else { return nil }
        // Version 00 has exactly 55 characters; later versions may append "-..." fields.
        if version == 0 && trimmed.count != 55 { return nil }
        if version > 0 && trimmed.count > 55 && trimmed[55] != dash { return nil }
        guard let traceID = TraceID(hex: String(decoding: trimmed[3..<35], as: UTF8.self)),
            let spanID = SpanID(hex: String(decoding: trimmed[36..<52], as: UTF8.self)), traceID.isValid, spanID.isValid
        else { return nil }
        return SpanContext(
            traceID: traceID, spanID: spanID, traceFlags: flags, traceState: sanitizedTraceState(traceState), isRemote: true)
    }

    /// The `traceparent` value for `context` (version 00; sampled and random flags as recorded).
    public static func format(_ context: SpanContext) -> String {
        let flags = context.traceFlags & 0x03
        let digits = Array("0123456789abcdef".utf8)
        return "00-\(context.traceID)-\(context.spanID)-" + String(decoding: [digits[Int(flags >> 4)], digits[Int(flags & 0xF)]], as: UTF8.self)
    }

    /// A `tracestate` value keeping only well-formed members (at most 32), or empty.
    static func sanitizedTraceState(_ value: String) -> String {
        TraceState.members(value).map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    private static let dash = UInt8(ascii: "-")

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard isLowerHex(high), isLowerHex(low) else { return nil }
        return UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
    }
}
