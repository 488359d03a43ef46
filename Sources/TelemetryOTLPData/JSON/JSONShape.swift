/// A single pass over JSON text before it is parsed: Foundation's parser recurses per nesting level and
/// builds an object per value, so depth and value count are bounded first.
enum JSONShape {
    /// Bytes of memory assumed per parsed JSON value (a boxed object and its container slot).
    static let bytesPerValue = 96

    /// Checks that `json` nests at most `2 × maxDepth + 2` containers (an OTLP message is an object, a
    /// repeated field an array) and that its values fit `maxDecodedBytes` at `bytesPerValue` each.
    static func check(_ json: [UInt8], limits: DecodeLimits) throws(OTLPDecodeError) {
        let maxNesting = 2 * limits.maxDepth + 2
        let maxValues = limits.maxDecodedBytes / bytesPerValue
        var depth = 0
        var values = 0
        var inString = false
        var escaped = false
        for byte in json {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                values += 1
                guard depth <= maxNesting else {
                    throw OTLPDecodeError(.tooDeep, "JSON nests deeper than \(maxNesting) levels")
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                values += 1
                guard values <= maxValues else {
                    throw OTLPDecodeError(
                        .tooLarge, "the JSON has too many values to decode within \(limits.maxDecodedBytes) bytes (max_decoded_bytes)")
                }
            default:
                break
            }
        }
    }
}
