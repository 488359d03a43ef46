import TelemetryOTLPData

/// `ParseJSON` (`pkg/ottl/ottlfuncs/func_parse_json.go`).
extension OTTLFunction {
    /// `ParseJSON(target)`: a JSON object as a map, an array as a list; numbers are doubles (`1` too), `null`
    /// an empty value. Invalid JSON, other top-level values and nesting deeper than 64 levels are errors.
    static let parseJSON = OTTLFunction(name: "ParseJSON", kind: .converter, parameters: ["target"], required: 1) {
        arguments, call, _ throws(OTTLCompileError) in
        let target = try OTTLCallArguments(arguments, call).getter(0)
        return { item throws(OTTLError) in try parse(try target(item).stringArgument(), charging: item.session) }
    }

    /// The most memory parsing `count` bytes of JSON can hold: the text's copy, and the values. The
    /// densest text is `[[1],[1],…]`: four bytes a value, each an `OTLPValue` (24 bytes) in an array of
    /// capacity up to twice its count, holding a one-element array of its own (a 64-byte chunk): 112 bytes,
    /// 28 a text byte; a map pair (`"a":1,`, 40 bytes doubled) and a string element (`"",`) cost less. So
    /// 64 a byte bounds it with room for the allocator's rounding.
    static func parsedBound(textBytes count: Int) -> Int {
        count.multipliedReportingOverflow(by: 64).overflow ? .max : count * 64 + 4096
    }

    private static func parse(_ text: String, charging session: EditSession) throws(OTTLError) -> OTTLValue {
        do throws(EditMemoryRefused) {
            try session.reserveTransient(bytes: parsedBound(textBytes: text.utf8.count))
        } catch {
            throw .memory(error)
        }
        var parser = JSONParser(Array(text.utf8))
        switch try parser.document() {
        case .map(let pairs): return .map(pairs)
        case .array(let values): return .list(values)
        default: throw OTTLError("could not convert parsed value to a map or a slice: the JSON is neither an object nor an array")
        }
    }
}

/// A JSON parser (RFC 8259) into OTLP values: one pass, linear in the text, nesting capped at
/// `maxDepth` so recursion stays bounded. A key met again keeps its first place and takes the last value.
struct JSONParser {
    /// The deepest nesting accepted.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The one value the text holds.
    mutating func document() throws(OTTLError) -> OTLPValue {
        let value = try parseValue(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw unexpected("after top-level value") }
        return value
    }

    private mutating func parseValue(depth: Int) throws(OTTLError) -> OTLPValue {
        skipSpace()
        guard index < bytes.count else { throw OTTLError("unexpected end of JSON input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseWord("true", .bool(true))
        case UInt8(ascii: "f"): return try parseWord("false", .bool(false))
        case UInt8(ascii: "n"): return try parseWord("null", .empty)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .double(try parseNumber())
        default: throw unexpected("looking for beginning of value")
        }
    }

    private mutating func parseObject(depth: Int) throws(OTTLError) -> OTLPValue {
        guard depth <= Self.maxDepth else { throw OTTLError("JSON nested deeper than \(Self.maxDepth) levels") }
        index += 1
        var pairs: [OTLPKeyValue] = []
        var positions: [String: Int] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .map(pairs)
        }
        while true {
            skipSpace()
            guard index < bytes.count else { throw OTTLError("unexpected end of JSON input") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw unexpected("looking for beginning of object key string") }
            let key = try parseString()
            skipSpace()
            guard index < bytes.count else { throw OTTLError("unexpected end of JSON input") }
            guard bytes[index] == UInt8(ascii: ":") else { throw unexpected("after object key") }
            index += 1
            let value = try parseValue(depth: depth)
            if let position = positions[key] {
                pairs[position].value = value
            } else {
                positions[key] = pairs.count
                pairs.append(OTLPKeyValue(key: key, value: value))
            }
            skipSpace()
            guard index < bytes.count else { throw OTTLError("unexpected end of JSON input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw unexpected("after object key:value pair") }
            index += 1
            return .map(pairs)
        }
    }

    private mutating func parseArray(depth: Int) throws(OTTLError) -> OTLPValue {
        guard depth <= Self.maxDepth else { throw OTTLError("JSON nested deeper than \(Self.maxDepth) levels") }
        index += 1
        var values: [OTLPValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(values)
        }
        while true {
            values.append(try parseValue(depth: depth))
            skipSpace()
            guard index < bytes.count else { throw OTTLError("unexpected end of JSON input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw unexpected("after array element") }
            index += 1
            return .array(values)
        }
    }

    private mutating func parseWord(_ word: StaticString, _ value: OTLPValue) throws(OTTLError) -> OTLPValue {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw unexpected("in literal \(word)")
        }
        index += expected.count
        return value
    }

    /// A number (JSON's grammar), as a double; one too large for a double is an error, as in Go.
    private mutating func parseNumber() throws(OTTLError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("in numeric literal") }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("after decimal point in numeric literal") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("in exponent of numeric literal") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw OTTLError("json: cannot unmarshal number \(text) into Go value of type float64")
        }
        return number
    }

    /// A string after its opening quote: escapes decoded, `\u` surrogate pairs joined (a lone surrogate
    /// becomes U+FFFD, as in Go); control characters are errors.
    private mutating func parseString() throws(OTTLError) -> String {
        index += 1
        var output: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"): output.append(contentsOf: String(try parseUnicodeEscape()).utf8)
                default:
                    index -= 1
                    throw unexpected("in string escape code")
                }
            case 0..<0x20:
                index -= 1
                throw unexpected("in string literal")
            default:
                output.append(byte)
            }
        }
        throw OTTLError("unexpected end of JSON input")
    }

    /// The character of `\uXXXX` (its `\u` read), with a following low surrogate when it is a high one.
    private mutating func parseUnicodeEscape() throws(OTTLError) -> Character {
        let first = try hex4()
        if (0xD800..<0xDC00).contains(first), bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
            let saved = index
            index += 2
            let second = try hex4()
            if (0xDC00..<0xE000).contains(second), let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) {
                return Character(scalar)
            }
            index = saved
        }
        return Character(Unicode.Scalar(first) ?? "\u{FFFD}")
    }

    private mutating func hex4() throws(OTTLError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw OTTLError("unexpected end of JSON input") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit = bytes[index]
            let nibble: UInt32
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt32(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt32(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt32(digit - UInt8(ascii: "A") + 10)
            default: throw unexpected("in \\u hexadecimal character escape")
            }
            value = value << 4 | nibble
            index += 1
        }
        return value
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Go's `invalid character 'x' <context>`.
    private func unexpected(_ context: String) -> OTTLError {
        guard index < bytes.count else { return OTTLError("unexpected end of JSON input") }
        let scalar = String(decoding: bytes[index...].prefix(4), as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        return OTTLError("invalid character '\(scalar.escaped(asASCII: false))' \(context)")
    }
}
