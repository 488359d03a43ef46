/// Cuts OTTL text into tokens by the Collector's rules (`pkg/ottl/grammar.go` `buildLexer`): at each
/// place the first rule that matches wins (bytes, float, integer, string, `not`/`or`/`and` at word
/// boundaries, comparison, `+ -`, `* /`, `true`/`false`, `=`, punctuation, identifiers), whitespace
/// between tokens is dropped. Numbers are unsigned here: the parser applies a leading `-` (so `1-1` is
/// arithmetic, and `-1` still a literal).
///
/// Brackets (`(`, `[`, `{`) may nest `OTTLParser.maxNesting` deep: deeper text is refused here, which
/// bounds the parser's recursion whatever the text.
struct OTTLLexer {
    private let bytes: [UInt8]
    private let subject: OTTLSyntaxError.Subject
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    /// The tokens of the UTF-8 text `bytes`, ending with `.end`.
    static func tokens(of bytes: [UInt8], subject: OTTLSyntaxError.Subject) throws(OTTLSyntaxError) -> [OTTLToken] {
        var lexer = OTTLLexer(bytes: bytes, subject: subject)
        var tokens: [OTTLToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private init(bytes: [UInt8], subject: OTTLSyntaxError.Subject) {
        self.bytes = bytes
        self.subject = subject
    }

    private var position: OTTLPosition { OTTLPosition(line: line, column: offset - lineStart + 1, offset: offset) }

    private mutating func next() throws(OTTLSyntaxError) -> OTTLToken {
        skipWhitespace()
        let start = position
        guard offset < bytes.count else { return OTTLToken(kind: .end, position: start, length: 0) }
        let kind = try scan(at: start)
        try trackNesting(kind, at: start)
        return OTTLToken(kind: kind, position: start, length: offset - start.offset)
    }

    private mutating func skipWhitespace() {
        // Go's `\s`: tab, newline, form feed, carriage return, space.
        while offset < bytes.count, [0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(bytes[offset]) {
            if bytes[offset] == 0x0A {
                line += 1
                lineStart = offset + 1
            }
            offset += 1
        }
    }

    private mutating func trackNesting(_ kind: OTTLToken.Kind, at start: OTTLPosition) throws(OTTLSyntaxError) {
        switch kind {
        case .leftParen, .leftBracket, .leftBrace:
            depth += 1
            if depth > OTTLParser.maxNesting {
                throw OTTLSyntaxError(
                    subject: subject, message: "brackets nest deeper than \(OTTLParser.maxNesting) levels", position: start)
            }
        case .rightParen, .rightBracket, .rightBrace:
            depth = max(0, depth - 1)
        default:
            break
        }
    }

    private mutating func scan(at start: OTTLPosition) throws(OTTLSyntaxError) -> OTTLToken.Kind {
        let first = bytes[offset]
        if first == UInt8(ascii: "0"), byte(at: offset + 1) == UInt8(ascii: "x"), Self.isHex(byte(at: offset + 2)) {
            return try scanBytes(at: start)
        }
        if let float = try scanFloat(at: start) { return float }
        if Self.isDigit(first) { return try scanInteger(at: start) }
        if first == UInt8(ascii: "\"") { return try scanString(at: start) }
        if Self.isLetter(first) { return scanWord() }
        if let punctuation = scanPunctuation(first) { return punctuation }
        let rest = String(decoding: bytes[offset...], as: UTF8.self)
        let sample = rest.count > 10 ? String(rest.prefix(10)) + "..." : rest
        throw OTTLSyntaxError(subject: subject, message: "invalid input text \(OTTLStringLiteral.quoted(sample))", position: start)
    }

    private mutating func scanBytes(at start: OTTLPosition) throws(OTTLSyntaxError) -> OTTLToken.Kind {
        offset += 2
        let digits = offset
        while Self.isHex(byte(at: offset)) { offset += 1 }
        guard (offset - digits) % 2 == 0 else {
            let text = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
            throw OTTLSyntaxError(subject: subject, message: "invalid bytes \(text): encoding/hex: odd length hex string", position: start)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity((offset - digits) / 2)
        var index = digits
        while index < offset {
            decoded.append(Self.hexValue(bytes[index]) << 4 | Self.hexValue(bytes[index + 1]))
            index += 2
        }
        return .bytes(decoded)
    }

    /// `\d*\.\d+([eE][-+]?\d+)?`, or nothing.
    private mutating func scanFloat(at start: OTTLPosition) throws(OTTLSyntaxError) -> OTTLToken.Kind? {
        var end = offset
        while Self.isDigit(byte(at: end)) { end += 1 }
        guard byte(at: end) == UInt8(ascii: "."), Self.isDigit(byte(at: end + 1)) else { return nil }
        end += 1
        while Self.isDigit(byte(at: end)) { end += 1 }
        if byte(at: end) == UInt8(ascii: "e") || byte(at: end) == UInt8(ascii: "E") {
            var exponent = end + 1
            if byte(at: exponent) == UInt8(ascii: "+") || byte(at: exponent) == UInt8(ascii: "-") { exponent += 1 }
            if Self.isDigit(byte(at: exponent)) {
                while Self.isDigit(byte(at: exponent)) { exponent += 1 }
                end = exponent
            }
        }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        offset = end
        guard let value = Double(text), value.isFinite else {
            throw OTTLSyntaxError(
                subject: subject, message: "strconv.ParseFloat: parsing \(OTTLStringLiteral.quoted(text)): value out of range",
                position: start)
        }
        return .float(value)
    }

    private mutating func scanInteger(at start: OTTLPosition) throws(OTTLSyntaxError) -> OTTLToken.Kind {
        var value: UInt64 = 0
        var overflow = false
        while Self.isDigit(byte(at: offset)) {
            let (times10, high) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(bytes[offset] - UInt8(ascii: "0")))
            overflow = overflow || high || carry
            value = sum
            offset += 1
        }
        guard !overflow, value <= UInt64(Int64.max) + 1 else {
            let text = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
            throw OTTLSyntaxError(
                subject: subject, message: "strconv.ParseInt: parsing \(OTTLStringLiteral.quoted(text)): value out of range",
                position: start)
        }
        return .integer(value)
    }

    /// `"(\\.|[^\\"])*"` (`.` is any character but a newline), then Go's unquoting.
    private mutating func scanString(at start: OTTLPosition) throws(OTTLSyntaxError) -> OTTLToken.Kind {
        var end = offset + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") {
                guard end + 1 < bytes.count, bytes[end + 1] != 0x0A else { break }
                end += 1
            }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
            let rest = String(decoding: bytes[offset...], as: UTF8.self)
            let sample = rest.count > 10 ? String(rest.prefix(10)) + "..." : rest
            throw OTTLSyntaxError(subject: subject, message: "invalid input text \(OTTLStringLiteral.quoted(sample))", position: start)
        }
        let body = bytes[(offset + 1)..<end]
        offset = end + 1
        guard let value = OTTLStringLiteral.unquoted(body) else {
            let token = String(decoding: bytes[start.offset..<offset], as: UTF8.self)
            throw OTTLSyntaxError(
                subject: subject, message: "invalid quoted string \(OTTLStringLiteral.quoted(token)): invalid syntax", position: start)
        }
        return .string(value)
    }

    /// An identifier, or a keyword (`not or and true false nil`) when the word stands alone (Go's `\b`).
    private mutating func scanWord() -> OTTLToken.Kind {
        let start = offset
        var lower = false
        var upper = false
        while offset < bytes.count, Self.isWordByte(bytes[offset]) {
            lower = lower || (bytes[offset] >= UInt8(ascii: "a") && bytes[offset] <= UInt8(ascii: "z"))
            upper = upper || (bytes[offset] >= UInt8(ascii: "A") && bytes[offset] <= UInt8(ascii: "Z"))
            offset += 1
        }
        let word = String(decoding: bytes[start..<offset], as: UTF8.self)
        let boundaryBefore = start == 0 || !Self.isWordByte(bytes[start - 1])
        if boundaryBefore {
            switch word {
            case "not": return .not
            case "or": return .or
            case "and": return .and
            case "nil": return .null
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: break
            }
        }
        let startsLower = bytes[start] >= UInt8(ascii: "a")
        let shape: OTTLIdentifierShape =
            startsLower ? (upper ? .lowercaseMixed : .lowercaseWord) : (lower ? .uppercaseMixed : .uppercaseWord)
        return .identifier(word, shape)
    }

    private mutating func scanPunctuation(_ byte: UInt8) -> OTTLToken.Kind? {
        let followedByEqual = self.byte(at: offset + 1) == UInt8(ascii: "=")
        let kind: OTTLToken.Kind
        var length = 1
        switch byte {
        case UInt8(ascii: "="): kind = followedByEqual ? .comparison(.equal) : .equal
        case UInt8(ascii: "!"):
            guard followedByEqual else { return nil }
            kind = .comparison(.notEqual)
        case UInt8(ascii: "<"): kind = followedByEqual ? .comparison(.lessOrEqual) : .comparison(.less)
        case UInt8(ascii: ">"): kind = followedByEqual ? .comparison(.greaterOrEqual) : .comparison(.greater)
        case UInt8(ascii: "+"): kind = .math(.add)
        case UInt8(ascii: "-"): kind = .math(.subtract)
        case UInt8(ascii: "*"): kind = .math(.multiply)
        case UInt8(ascii: "/"): kind = .math(.divide)
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "{"): kind = .leftBrace
        case UInt8(ascii: "}"): kind = .rightBrace
        case UInt8(ascii: "["): kind = .leftBracket
        case UInt8(ascii: "]"): kind = .rightBracket
        case UInt8(ascii: ":"): kind = .colon
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: "."): kind = .dot
        default: return nil
        }
        if case .comparison(let op) = kind, op.rawValue.count == 2 { length = 2 }
        offset += length
        return kind
    }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private static func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// Go's ASCII `\w`: `[0-9A-Za-z_]`.
    private static func isWordByte(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") }

    private static func isHex(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: byte - UInt8(ascii: "A") + 10
        }
    }
}
