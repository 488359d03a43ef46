import TelemetryOTLPData

/// The Collector's typed getters (`pkg/ottl/expression.go`): how a function reads an argument of a given
/// kind, with the Collector's error texts.
extension OTTLValue {
    /// `StringGetter`: a string, else `expected string but got T` (nil included).
    func stringArgument() throws(OTTLError) -> String {
        guard case .string(let text) = self else { throw OTTLError("expected string but got \(goTypeName)") }
        return text
    }

    /// `IntGetter`: an int64, else `expected int64 but got T`.
    func intArgument() throws(OTTLError) -> Int64 {
        guard case .int(let number) = self else { throw OTTLError("expected int64 but got \(goTypeName)") }
        return number
    }

    /// `PMapGetter`: a map, else `expected pcommon.Map but got T`.
    func mapArgument() throws(OTTLError) -> [OTLPKeyValue] {
        guard case .map(let pairs) = self else { throw OTTLError("expected pcommon.Map but got \(goTypeName)") }
        return pairs
    }

    /// `StringLikeGetter`: nil stays nil; a string as is; bytes as lowercase hex; ints, floats, bools,
    /// maps and lists as Go's `json.Marshal` writes them. A float that JSON cannot hold (NaN, ±Inf) is an error.
    func stringLike() throws(OTTLError) -> String? {
        switch self {
        case .null: return nil
        case .string(let text): return text
        case .bytes(let bytes): return Hex.encode(bytes)
        default:
            do {
                return try GoJSON.encode(otlpValue)
            } catch {
                throw OTTLError(error.message)
            }
        }
    }

    /// `IntLikeGetter`: nil stays nil; an int; a float truncated toward zero (NaN and out-of-range floats
    /// give Go's amd64 result, the smallest int64); a bool as 1 or 0; a string parsed in base 10, nil when it
    /// does not parse (not an error, as in the Collector); anything else `unsupported type: T`.
    func intLike() throws(OTTLError) -> Int64? {
        switch self {
        case .null: return nil
        case .int(let number): return number
        case .double(let number): return Self.truncated(number)
        case .bool(let flag): return flag ? 1 : 0
        case .string(let text): return Int64(text, radix: 10)
        default: throw OTTLError("unsupported type: \(goTypeName)")
        }
    }

    /// `FloatLikeGetter`: nil stays nil; a float; an int; a bool as 1 or 0; a string parsed as a float, an
    /// error when it does not parse (unlike `intLike`, as in the Collector); anything else `unsupported type: T`.
    func floatLike() throws(OTTLError) -> Double? {
        switch self {
        case .null: return nil
        case .double(let number): return number
        case .int(let number): return Double(number)
        case .bool(let flag): return flag ? 1 : 0
        case .string(let text):
            guard let number = Double(text) else { throw OTTLError("strconv.ParseFloat: parsing \(goQuoted(text)): invalid syntax") }
            return number
        default: throw OTTLError("unsupported type: \(goTypeName)")
        }
    }

    /// `ByteSliceLikeGetter`: nil stays nil; bytes; a string's UTF-8; an int or float as 8 big-endian
    /// bytes, a bool as one byte; anything else `unsupported type: T`.
    func byteSliceLike() throws(OTTLError) -> [UInt8]? {
        switch self {
        case .null: return nil
        case .bytes(let bytes): return bytes
        case .string(let text): return Array(text.utf8)
        case .int(let number): return withUnsafeBytes(of: number.bigEndian) { Array($0) }
        case .double(let number): return withUnsafeBytes(of: number.bitPattern.bigEndian) { Array($0) }
        case .bool(let flag): return [flag ? 1 : 0]
        default: throw OTTLError("unsupported type: \(goTypeName)")
        }
    }

    /// Go's `int64(f)` on amd64: truncation toward zero, the smallest int64 when it does not fit.
    static func truncated(_ number: Double) -> Int64 {
        guard number.isFinite, number >= -9_223_372_036_854_775_808.0, number < 9_223_372_036_854_775_808.0 else { return .min }
        return Int64(number)
    }
}

/// A string quoted the way Go's `%q` quotes it (for messages): `"a\"b\\c"`.
func goQuoted(_ text: String) -> String {
    var output = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": output += "\\\""
        case "\\": output += "\\\\"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                output += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
    }
    return output + "\""
}

/// Lowercase hex, and back.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 15)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes an even number of hex digits (either case) stand for; nil when one is not a hex digit.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 2)
        var index = 0
        while index < text.count {
            guard let high = value(text[index]), let low = value(text[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
