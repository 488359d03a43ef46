import TelemetryOTLPData

extension OTLPValue {
    /// The value as text, as pdata's `Value.AsString`: strings as they are, numbers and booleans in Go's
    /// formatting, bytes in base64, maps and lists as JSON, empty as "".
    public var asString: String {
        switch self {
        case .empty: ""
        case .string(let text): text
        default: json
        }
    }

    /// The value as JSON (pdata's `AsRaw` marshalled): bytes as base64 strings; depth follows the value's.
    public var json: String {
        switch self {
        case .empty: "null"
        case .string(let text): Self.quoted(text)
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): Self.goFloat(number)
        case .bytes(let bytes): Self.quoted(Base64.encode(bytes))
        case .array(let values): "[" + values.map(\.json).joined(separator: ",") + "]"
        case .map(let pairs): "{" + pairs.map { Self.quoted($0.key) + ":" + $0.value.json }.joined(separator: ",") + "}"
        }
    }

    /// A double as Go's `strconv.FormatFloat(v, 'f', -1, 64)`-like shortest form (integers without ".0").
    static func goFloat(_ number: Double) -> String {
        guard number.isFinite else { return number.isNaN ? "NaN" : (number < 0 ? "-Inf" : "+Inf") }
        if number == number.rounded(), abs(number) < 1e21 { return String(Int64(number)) }
        return "\(number)"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

