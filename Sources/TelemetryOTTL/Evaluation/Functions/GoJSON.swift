import TelemetryOTLPData

/// Text the way Go's `encoding/json.Marshal` writes it, for what the Collector stringifies with it
/// (`StringLikeGetter`: maps, lists and numbers in `Concat`, `String`, `IsMatch`): map keys sorted
/// byte-wise (a map goes through Go's `map[string]any`, so a repeated key keeps its last value), bytes
/// in base64, `<`, `>`, `&`, U+2028 and U+2029 escaped, floats in Go's shortest form.
enum GoJSON {
    /// Why a value cannot be written (Go's `json: unsupported value: NaN`).
    struct Unsupported: Error {
        let message: String
    }

    /// `value` as JSON. Recursion follows the value's nesting, which decoding capped
    /// (`DecodeLimits.maxDepth`) or a bounded parse (`ParseJSON`, 64 levels) built.
    /// `escapingHTML: false` writes `<`, `>` and `&` as they are (an `Encoder` with `SetEscapeHTML(false)`).
    static func encode(_ value: OTLPValue, escapingHTML: Bool = true) throws(Unsupported) -> String {
        var output = ""
        try write(value, into: &output, escapingHTML: escapingHTML)
        return output
    }

    static func write(_ value: OTLPValue, into output: inout String, escapingHTML: Bool = true) throws(Unsupported) {
        switch value {
        case .empty: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += try float(number)
        case .string(let text): writeString(text, into: &output, escapingHTML: escapingHTML)
        case .bytes(let bytes): writeString(Base64.encode(bytes), into: &output)
        case .array(let values):
            output += "["
            for (index, element) in values.enumerated() {
                if index > 0 { output += "," }
                try write(element, into: &output, escapingHTML: escapingHTML)
            }
            output += "]"
        case .map(let pairs):
            var latest: [String: OTLPValue] = [:]
            for pair in pairs { latest[pair.key] = pair.value }
            output += "{"
            for (index, key) in latest.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { output += "," }
                writeString(key, into: &output, escapingHTML: escapingHTML)
                output += ":"
                try write(latest[key] ?? .empty, into: &output, escapingHTML: escapingHTML)
            }
            output += "}"
        }
    }

    /// A float as `json.Marshal` writes it: shortest digits, exponent form below 1e-6 and from 1e21.
    static func float(_ number: Double) throws(Unsupported) -> String {
        guard number.isFinite else { throw Unsupported(message: "json: unsupported value: \(GoFloat.format(number))") }
        let magnitude = number.magnitude
        let exponential = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)
        // Go's json cleans e-07 up to e-7 (but keeps e+21).
        return exponential ? GoFloat.exponential(number, padNegativeExponent: false) : GoFloat.fixed(number)
    }

    /// A JSON string literal with Go's escapes.
    static func writeString(_ text: String, into output: inout String, escapingHTML: Bool = true) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "<", ">", "&":
                if escapingHTML { output += "\\u" + hex4(scalar.value) } else { output.unicodeScalars.append(scalar) }
            case "\u{2028}", "\u{2029}":
                output += "\\u" + hex4(scalar.value)
            default:
                if scalar.value < 0x20 {
                    output += "\\u" + hex4(scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Go's `strconv.FormatFloat(f, 'f' | 'e' | 'g', -1, 64)` from Swift's shortest round-trip digits (both
/// print the shortest digits that read back as the same double).
package enum GoFloat {
    /// Digits and decimal exponent: the value is 0.d₁d₂… × 10^exponent.
    private static func decimal(_ number: Double) -> (negative: Bool, digits: [Character], exponent: Int) {
        let text = "\(number.magnitude)"  // "55.0", "3.14159", "1e-07", "1.5e+20", "5e-324"
        var mantissa = Substring(text)
        var power = 0
        if let e = text.firstIndex(of: "e") {
            mantissa = text[..<e]
            power = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts.first.map(String.init) ?? "0"
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array(whole + fraction)
        var exponent = whole.count + power
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }
        if digits == ["0"] { exponent = 1 }
        return (number.sign == .minus, digits, exponent)
    }

    /// `'f'` with the shortest digits: `55`, `2.7`, `0.000001`.
    package static func fixed(_ number: Double) -> String {
        let (negative, digits, exponent) = decimal(number)
        var text = negative ? "-" : ""
        if exponent <= 0 {
            text += "0." + String(repeating: "0", count: -exponent) + String(digits)
        } else if exponent >= digits.count {
            text += String(digits) + String(repeating: "0", count: exponent - digits.count)
        } else {
            text += String(digits[..<exponent]) + "." + String(digits[exponent...])
        }
        return text
    }

    /// `'e'` with the shortest digits: `1e+21`, `1.5e-07` (`1.5e-7` without `padNegativeExponent`).
    static func exponential(_ number: Double, padNegativeExponent: Bool = true) -> String {
        let (negative, digits, exponent) = decimal(number)
        var text = negative ? "-" : ""
        text += String(digits[0])
        if digits.count > 1 { text += "." + String(digits[1...]) }
        let power = exponent - 1
        let magnitude = String(power.magnitude)
        text += (power < 0 ? "e-" : "e+") + (magnitude.count < 2 && (power >= 0 || padNegativeExponent) ? "0" : "") + magnitude
        return text
    }

    /// `'g'`-like text for messages (`NaN`, `+Inf`).
    package static func format(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Inf" : "+Inf" }
        return fixed(number)
    }
}

/// Standard base64 with padding (Go's `base64.StdEncoding`, what `json.Marshal` writes bytes as).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
