/// OTTL string literals: unquoting exactly as the Collector does (participle's `Unquote`, which applies Go's
/// `strconv.UnquoteChar` to each character), and quoting in Go's `strconv.Quote` style for printing.
enum OTTLStringLiteral {
    /// The text between the quotes of a string token, unquoted; nil when an escape is not one Go accepts:
    /// `\a \b \f \n \r \t \v \\ \"`, `\xHH`, `\ooo` (≤ `\377`), `\uHHHH`, `\UHHHHHHHH` (a Unicode scalar).
    /// `\xHH` and `\ooo` give the character U+00HH, as participle's unquoting does (so `\xff` is `ÿ`).
    static func unquoted(_ body: ArraySlice<UInt8>) -> String? {
        var index = body.startIndex
        var pending = body.startIndex  // start of the plain bytes not yet copied
        var result = ""
        func flush(upTo end: Int) {
            result += String(decoding: body[pending..<end], as: UTF8.self)
        }
        while index < body.endIndex {
            guard body[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            flush(upTo: index)
            guard index + 1 < body.endIndex else { return nil }
            let escape = body[index + 1]
            index += 2
            guard let (scalar, length) = decodeEscape(escape, body[index...]) else { return nil }
            result.unicodeScalars.append(scalar)
            index += length
            pending = index
        }
        flush(upTo: index)
        return result
    }

    /// The character of the escape `\<escape>` whose remaining text starts `rest`, and how many bytes of
    /// `rest` it takes.
    private static func decodeEscape(_ escape: UInt8, _ rest: ArraySlice<UInt8>) -> (Unicode.Scalar, Int)? {
        switch escape {
        case UInt8(ascii: "a"): (Unicode.Scalar(0x07), 0)
        case UInt8(ascii: "b"): (Unicode.Scalar(0x08), 0)
        case UInt8(ascii: "f"): (Unicode.Scalar(0x0C), 0)
        case UInt8(ascii: "n"): (Unicode.Scalar(0x0A), 0)
        case UInt8(ascii: "r"): (Unicode.Scalar(0x0D), 0)
        case UInt8(ascii: "t"): (Unicode.Scalar(0x09), 0)
        case UInt8(ascii: "v"): (Unicode.Scalar(0x0B), 0)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""): (Unicode.Scalar(escape), 0)
        case UInt8(ascii: "x"): number(rest, digits: 2, radix: 16).flatMap { Unicode.Scalar($0) }.map { ($0, 2) }
        case UInt8(ascii: "u"): number(rest, digits: 4, radix: 16).flatMap { Unicode.Scalar($0) }.map { ($0, 4) }
        case UInt8(ascii: "U"): number(rest, digits: 8, radix: 16).flatMap { Unicode.Scalar($0) }.map { ($0, 8) }
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            number(rest, digits: 2, radix: 8).map { UInt32(escape - UInt8(ascii: "0")) << 6 | $0 }
                .flatMap { $0 <= 0xFF ? Unicode.Scalar($0) : nil }.map { ($0, 2) }
        default: nil
        }
    }

    /// The value of exactly `digits` digits of `radix` at the start of `text`.
    private static func number(_ text: ArraySlice<UInt8>, digits: Int, radix: UInt32) -> UInt32? {
        guard text.count >= digits else { return nil }
        var value: UInt32 = 0
        for byte in text.prefix(digits) {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue, UInt32(digit) < radix else { return nil }
            value = value * radix + UInt32(digit)
        }
        return value
    }

    /// `text` in double quotes with `"` and `\` escaped and control, format and separator characters as
    /// escapes (`\n`, `\x00`, `\u2028`): text that unquotes back to `text`, in the style of Go's `%q`.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{07}": result += "\\a"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0B}": result += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\x" + hex(scalar.value, digits: 2)
                } else if isInvisible(scalar) {
                    result += scalar.value <= 0xFFFF ? "\\u" + hex(scalar.value, digits: 4) : "\\U" + hex(scalar.value, digits: 8)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
