/// A value as text, the way pdata's `Value.AsString` writes it (what the Collector's processors match
/// non-string values against): ints in decimal, doubles as JavaScript prints numbers, booleans as
/// `true`/`false`, bytes in standard base64, maps and lists as Go's `encoding/json` writes their raw form
/// (keys sorted), empty as "".
extension OTLPValue {
    /// The value as pdata's `AsString` writes it.
    public var pdataString: String {
        switch self {
        case .empty: return ""
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return Self.goNumber(number)
        case .bytes(let bytes): return Self.base64(bytes)
        case .array, .map:
            var json = ""
            appendJSON(to: &json)
            return json
        }
    }

    /// Appends the value as Go's `encoding/json` writes its raw form (a map's keys sorted by bytes).
    /// Recursion follows the value's nesting, which decoding held to `DecodeLimits.maxDepth`.
    private func appendJSON(to json: inout String) {
        switch self {
        case .empty: json += "null"
        case .string(let text): Self.appendJSONString(text, to: &json)
        case .bool, .int: json += pdataString
        case .double(let number):
            guard number.isFinite else {
                json += "null"
                return
            }
            json += Self.goNumber(number)
        case .bytes(let bytes): Self.appendJSONString(Self.base64(bytes), to: &json)
        case .array(let values):
            json += "["
            for (index, value) in values.enumerated() {
                if index > 0 { json += "," }
                value.appendJSON(to: &json)
            }
            json += "]"
        case .map(let pairs):
            json += "{"
            // A Go map keeps the last of duplicate keys.
            var latest: [String: OTLPValue] = [:]
            for pair in pairs { latest[pair.key] = pair.value }
            let keys = latest.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { json += "," }
                Self.appendJSONString(key, to: &json)
                json += ":"
                latest[key]?.appendJSON(to: &json)
            }
            json += "}"
        }
    }

    /// A JSON string as `encoding/json` escapes it (HTML characters and U+2028/U+2029 as `\u` escapes).
    private static func appendJSONString(_ text: String, to json: inout String) {
        json += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case "\u{08}": json += "\\b"
            case "\u{0C}": json += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }

    /// Standard base64 with padding.
    private static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { group |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            for position in 0..<4 {
                output.append(position <= chunk.count ? alphabet[Int((group >> (18 - 6 * UInt32(position))) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A double as Go's `float64AsString` (pdata) writes it: the shortest digits that read back as the
    /// same double, in plain notation unless its magnitude is below 1e-6 or at least 1e21 (then `1e-7`,
    /// `1.5e+21`), as JavaScript prints numbers.
    static func goNumber(_ number: Double) -> String {
        if number.isNaN { return "json: unsupported value: NaN" }
        if number.isInfinite { return number < 0 ? "json: unsupported value: -Inf" : "json: unsupported value: +Inf" }
        let sign = number.sign == .minus ? "-" : ""
        guard number != 0 else { return sign + "0" }
        let (digits, point) = shortestDigits(abs(number))
        let magnitude = abs(number)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            let exponent = point - 1
            let mantissa = digits.count > 1 ? "\(digits.first ?? "0").\(digits.dropFirst())" : digits
            return "\(sign)\(mantissa)e\(exponent < 0 ? "-" : "+")\(abs(exponent))"
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        let split = digits.index(digits.startIndex, offsetBy: point)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The shortest decimal digits of a positive finite double (no leading or trailing zeros) and the
    /// position of the decimal point: the value is 0.DIGITS × 10^point. Swift's `description` already
    /// prints the shortest digits that round-trip (as Go's `strconv` does with precision -1).
    private static func shortestDigits(_ number: Double) -> (digits: String, point: Int) {
        let text = number.description  // "123.45", "1e-07", "1.2345e+16"
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts.first ?? ""
        let whole = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = whole.first ?? ""
        let raw = integerPart + (whole.count > 1 ? whole[1] : "")
        let leadingZeros = raw.prefix { $0 == "0" }.count
        let digits = String(raw.dropFirst(leadingZeros).reversed().drop { $0 == "0" }.reversed())
        return (digits.isEmpty ? "0" : digits, integerPart.count + exponent - leadingZeros)
    }
}
