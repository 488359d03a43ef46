/// The lexical layer of the OTLP/JSON reader (RFC 8259): whitespace, punctuation, and tokens checked in
/// one pass each, with no allocation. A string's escapes and UTF-8 are checked when it is scanned, so
/// decoding it later cannot fail.
struct JSONCursor {
    /// A string's content between its quotes, and whether it holds escapes.
    struct Text {
        let start: Int
        let end: Int
        let escaped: Bool
        var rawCount: Int { end - start }
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next byte after any whitespace (`nil` at the end).
    @inline(__always)
    mutating func peek() -> UInt8? {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return byte }
            position += 1
        }
        return nil
    }

    /// Steps over the byte `peek` returned.
    @inline(__always)
    mutating func advance() { position += 1 }

    /// Goes back to `earlier`, a position this cursor was at.
    mutating func rewind(to earlier: Int) { position = min(position, earlier) }

    /// Steps over `byte` (after whitespace), or throws naming what was expected.
    mutating func expect(_ byte: UInt8, _ what: String) throws(OTLPDecodeError) {
        guard peek() == byte else { throw syntaxError("expected \(what)") }
        position += 1
    }

    func syntaxError(_ what: String) -> OTLPDecodeError {
        OTLPDecodeError(.malformed, position < bytes.count ? "invalid JSON: \(what) at byte \(position)" : "invalid JSON: \(what) at the end")
    }

    /// Steps over `true`, `false` or `null` starting at the current byte: the boolean, or nil for null.
    mutating func literal() throws(OTLPDecodeError) -> Bool? {
        if matches("true") {
            position += 4
            return true
        }
        if matches("false") {
            position += 5
            return false
        }
        guard matches("null") else { throw syntaxError("expected a value") }
        position += 4
        return nil
    }

    private func matches(_ word: StaticString) -> Bool {
        guard bytes.count - position >= word.utf8CodeUnitCount else { return false }
        for index in 0..<word.utf8CodeUnitCount where bytes[position + index] != word.utf8Start[index] { return false }
        return true
    }

    /// Scans a number (at its first byte): its bytes, checked against the JSON grammar.
    mutating func number() throws(OTLPDecodeError) -> UnsafeRawBufferPointer {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0 else { throw syntaxError("expected a number") }
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw syntaxError("a number with a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw syntaxError("expected a digit after the decimal point") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw syntaxError("expected a digit in the exponent") }
        }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<position])
    }

    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 { position += 1 }
        return position - start
    }

    /// Scans a string (at its opening quote), checking its escapes, surrogate pairs and UTF-8.
    mutating func string() throws(OTLPDecodeError) -> Text {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            // Eight plain ASCII bytes at a time (no quote, backslash, control or non-ASCII byte).
            while position + 8 <= bytes.count, Self.isPlain(bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
                position += 8
            }
            guard position < bytes.count else { break }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return Text(start: start, end: position - 1, escaped: escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                try escape()
            case 0..<0x20:
                throw syntaxError("a control character in a string")
            case 0x20..<0x80:
                position += 1
            default:
                try utf8Sequence()
            }
        }
        throw syntaxError("an unterminated string")
    }

    /// True when none of the eight bytes is a quote, a backslash, below 0x20 or above 0x7F.
    @inline(__always)
    private static func isPlain(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ value: UInt64) -> Bool { (value &- ones) & ~value & high != 0 }
        let control = (word &- ones &* 0x20) & ~word & high != 0
        return word & high == 0 && !control && !hasZero(word ^ (ones &* 0x22)) && !hasZero(word ^ (ones &* 0x5C))
    }

    private mutating func escape() throws(OTLPDecodeError) {
        guard position + 1 < bytes.count else { throw syntaxError("an unterminated escape") }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try codeUnit(at: position + 2)
            position += 6
            if (0xDC00...0xDFFF).contains(unit) { throw unpairedSurrogate(unit) }
            guard (0xD800...0xDBFF).contains(unit) else { return }
            guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u"),
                (0xDC00...0xDFFF).contains(try codeUnit(at: position + 2))
            else { throw unpairedSurrogate(unit) }
            position += 6
        default:
            throw syntaxError("an invalid escape")
        }
    }

    private func unpairedSurrogate(_ unit: UInt32) -> OTLPDecodeError {
        let hex = String(unit, radix: 16, uppercase: true)
        return OTLPDecodeError(.invalidUTF8, "a string holds an unpaired surrogate \\u\(hex) at byte \(position) (not UTF-8)")
    }

    /// The four hex digits of a `\u` escape at `offset`.
    func codeUnit(at offset: Int) throws(OTLPDecodeError) -> UInt32 {
        guard bytes.count - offset >= 4 else { throw syntaxError("an unterminated escape") }
        var unit: UInt32 = 0
        for index in offset..<offset + 4 {
            guard let digit = Self.hexValue(bytes[index]) else { throw syntaxError("an invalid \\u escape") }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Checks one multi-byte UTF-8 sequence (RFC 3629: no overlong forms, surrogates or values past U+10FFFF).
    private mutating func utf8Sequence() throws(OTLPDecodeError) {
        guard let length = UTF8Validation.sequenceLength(bytes, at: position) else { throw invalidUTF8() }
        position += length
    }

    private func invalidUTF8() -> OTLPDecodeError {
        OTLPDecodeError(.invalidUTF8, "a string is not valid UTF-8 at byte \(position)")
    }

    /// Writes the decoded content of `text` (escapes resolved, as UTF-8) at `target`, which has room for
    /// `text.rawCount` bytes (decoding never lengthens); returns its length.
    func decode(_ text: Text, into target: UnsafeMutableRawPointer) -> Int {
        guard text.escaped else {
            target.copyMemory(from: bytes.baseAddress.unsafelyUnwrapped + text.start, byteCount: text.rawCount)
            return text.rawCount
        }
        var read = text.start
        var written = 0
        func put(_ byte: UInt32) {
            target.storeBytes(of: UInt8(truncatingIfNeeded: byte), toByteOffset: written, as: UInt8.self)
            written += 1
        }
        while read < text.end {
            let byte = bytes[read]
            guard byte == UInt8(ascii: "\\") else {
                put(UInt32(byte))
                read += 1
                continue
            }
            let kind = bytes[read + 1]
            guard kind == UInt8(ascii: "u") else {
                put(UInt32(Self.unescaped(kind)))
                read += 2
                continue
            }
            // Checked by `string()`: four hex digits, and a low surrogate after a high one.
            var scalar = (try? codeUnit(at: read + 2)) ?? 0xFFFD
            read += 6
            if (0xD800...0xDBFF).contains(scalar) {
                let low = (try? codeUnit(at: read + 2)) ?? 0xDC00
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                read += 6
            }
            switch scalar {
            case 0..<0x80:
                put(scalar)
            case 0x80..<0x800:
                put(0xC0 | scalar >> 6)
                put(0x80 | scalar & 0x3F)
            case 0x800..<0x10000:
                put(0xE0 | scalar >> 12)
                put(0x80 | scalar >> 6 & 0x3F)
                put(0x80 | scalar & 0x3F)
            default:
                put(0xF0 | scalar >> 18)
                put(0x80 | scalar >> 12 & 0x3F)
                put(0x80 | scalar >> 6 & 0x3F)
                put(0x80 | scalar & 0x3F)
            }
        }
        return written
    }

    private static func unescaped(_ kind: UInt8) -> UInt8 {
        switch kind {
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: kind
        }
    }
}
