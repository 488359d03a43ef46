import Foundation
import TelemetryOTLPData

/// Values as the Collector writes them as text (pdata's `Value.AsString`, Go's `strconv`), so a
/// converted or matched value reads exactly as it would there.
enum GoValueText {
    /// pdata's `AsString`: a string as is; an int in decimal; a bool `true`/`false`; a double in the
    /// JSON (ES6) form (`99.1`, `100`, `1e+21`, `1e-7`); bytes in standard base64; a map or list as JSON
    /// with sorted keys; empty as "".
    static func asString(_ value: OTLPValue) -> String {
        switch value {
        case .empty: return ""
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            guard number.isFinite else { return "json: unsupported value: \(goSpecial(number))" }
            return jsonNumber(number)
        case .bytes(let bytes): return Data(bytes).base64EncodedString()
        case .array, .map:
            var text = ""
            // Go's json.Marshal fails on NaN and infinities, and pdata then returns "".
            return appendJSON(value, to: &text) ? text : ""
        }
    }

    /// Go's `strconv.FormatFloat(number, 'f', -1, 64)`: the shortest digits that read back the same, never
    /// with an exponent.
    static func fixed(_ number: Double) -> String {
        guard number.isFinite else { return goSpecial(number) }
        let (negative, digits, point) = shortestDigits(number)
        let sign = negative ? "-" : ""
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        let split = digits.index(digits.startIndex, offsetBy: point)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// Go's `strconv.ParseInt(text, 10, 64)`: an optional sign and decimal digits, nothing else.
    static func parseInt(_ text: String) -> Int64? {
        Int64(text, radix: 10)
    }

    /// Go's `strconv.ParseFloat(text, 64)`: decimal with an optional exponent, hex with a `p` exponent,
    /// `inf`/`infinity`/`nan` in any case; a finite number too large for a double is an error.
    static func parseFloat(_ text: String) -> Double? {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let lowered = body.lowercased()
        if lowered == "inf" || lowered == "infinity" || lowered == "nan" { return Double(text) }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isHexDigit || ".xXpPeE+-".contains($0)) }) else { return nil }
        let hex = body.hasPrefix("0x") || body.hasPrefix("0X")
        if hex, !body.contains(where: { $0 == "p" || $0 == "P" }) { return nil }
        guard let number = Double(text), number.isFinite else { return nil }
        return number
    }

    // MARK: Internals

    /// `NaN`, `+Inf` or `-Inf`, as Go's `FormatFloat(…, 'g', -1, 64)` writes them.
    private static func goSpecial(_ number: Double) -> String {
        number.isNaN ? "NaN" : (number > 0 ? "+Inf" : "-Inf")
    }

    /// encoding/json's float form: 'f' unless the magnitude is below 1e-6 or from 1e21 up, then 'e' with
    /// at least two exponent digits, except that `e-07` is written `e-7`.
    private static func jsonNumber(_ number: Double) -> String {
        let magnitude = abs(number)
        guard magnitude != 0, magnitude < 1e-6 || magnitude >= 1e21 else { return fixed(number) }
        let (negative, digits, point) = shortestDigits(number)
        let exponent = point - 1
        var text = negative ? "-" : ""
        text += String(digits.prefix(1))
        if digits.count > 1 { text += "." + digits.dropFirst() }
        let exponentDigits = String(abs(exponent))
        text += "e" + (exponent < 0 ? "-" : "+") + (exponent >= 0 && exponentDigits.count < 2 ? "0" : "") + exponentDigits
        return text
    }

    /// The shortest decimal digits that read back as `number` (no leading or trailing zeros; "0" for zero)
    /// and where the decimal point goes: the value is 0.DIGITS × 10^point.
    private static func shortestDigits(_ number: Double) -> (negative: Bool, digits: String, point: Int) {
        let negative = number.sign == .minus
        guard number != 0 else { return (negative, "0", 1) }
        // Swift's description holds the shortest round-trip digits, as `1.2345e+20`, `0.001` or `99.1`.
        let text = abs(number).description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let wholeDigits = mantissa.prefix { $0 != "." }
        let fractionDigits = mantissa.contains(".") ? mantissa.drop { $0 != "." }.dropFirst() : ""
        var digits = Array(wholeDigits + fractionDigits)
        var point = wholeDigits.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (negative, String(digits), point)
    }

    /// Appends `value` as Go's json.Marshal of pdata's `AsRaw` writes it; false on a NaN or an infinity.
    /// Recursion follows the value's nesting, which the decoder held to `DecodeLimits.maxDepth`.
    private static func appendJSON(_ value: OTLPValue, to text: inout String) -> Bool {
        switch value {
        case .empty: text += "null"
        case .string(let string): appendQuoted(string, to: &text)
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .double(let number):
            guard number.isFinite else { return false }
            text += jsonNumber(number)
        case .bytes(let bytes): text += "\"" + Data(bytes).base64EncodedString() + "\""
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                guard appendJSON(item, to: &text) else { return false }
            }
            text += "]"
        case .map(let pairs):
            // AsRaw builds a Go map (a repeated key keeps its last value); json.Marshal sorts the keys.
            var latest: [String: OTLPValue] = [:]
            for pair in pairs { latest[pair.key] = pair.value }
            text += "{"
            for (index, key) in latest.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
                if index > 0 { text += "," }
                appendQuoted(key, to: &text)
                text += ":"
                guard let item = latest[key], appendJSON(item, to: &text) else { return false }
            }
            text += "}"
        }
        return true
    }

    /// A JSON string as encoding/json writes it without HTML escaping.
    private static func appendQuoted(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\u{2028}": text += "\\u2028"
            case "\u{2029}": text += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
