/// OTLP/JSON's scalar values, read exactly and without allocating (ProtoJSON rules, as the Collector
/// and the official `json_format` read them): integers as numbers (also written `1e3` or `2.0` when
/// the value is whole) or as decimal strings; doubles as numbers or strings holding a number, `NaN`,
/// `Infinity` or `-Infinity`; bytes as hex (ids) or base64 (standard or URL-safe, padding optional).
enum JSONScalars {
    /// A sign and a magnitude: every 64-bit integer, signed or not.
    struct Integer {
        let negative: Bool
        let magnitude: UInt64

        /// The value if it fits a signed integer of `bits` bits.
        func signed(bits: Int) -> Int64? {
            let limit = UInt64(1) << (bits - 1)
            if negative { return magnitude <= limit ? Int64(bitPattern: 0 &- magnitude) : nil }
            return magnitude < limit ? Int64(magnitude) : nil
        }

        /// The value if it is not negative and at most `max`.
        func unsigned(max: UInt64) -> UInt64? {
            guard magnitude <= max, !negative || magnitude == 0 else { return nil }
            return magnitude
        }
    }

    /// The integer a JSON number denotes (its grammar already checked), if it is whole and its
    /// magnitude fits 64 bits: the digits are read exactly, with the exponent, never through a double.
    static func integer(number token: UnsafeRawBufferPointer) -> Integer? {
        var index = 0
        let negative = token[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        let integerPart = index..<scanDigits(token, from: index)
        index = integerPart.upperBound
        var fraction = index..<index
        if index < token.count, token[index] == UInt8(ascii: ".") {
            fraction = index + 1..<scanDigits(token, from: index + 1)
            index = fraction.upperBound
        }
        var exponent = 0
        if index < token.count {
            index += 1
            let exponentNegative = token[index] == UInt8(ascii: "-")
            if token[index] == UInt8(ascii: "-") || token[index] == UInt8(ascii: "+") { index += 1 }
            // Saturates far beyond any digit count, so a saturated exponent is still decided right.
            while index < token.count {
                exponent = min(exponent * 10 + Int(token[index] - UInt8(ascii: "0")), 1 << 40)
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        func digit(_ position: Int) -> UInt64 {
            let offset = position < integerPart.count ? integerPart.lowerBound + position : fraction.lowerBound + position - integerPart.count
            return UInt64(token[offset] - UInt8(ascii: "0"))
        }
        var end = integerPart.count + fraction.count
        var scale = exponent - fraction.count
        while end > 0, digit(end - 1) == 0 {
            end -= 1
            scale += 1
        }
        var start = 0
        while start < end, digit(start) == 0 { start += 1 }
        guard start < end else { return Integer(negative: negative, magnitude: 0) }
        guard scale >= 0, end - start + scale <= 20 else { return nil }
        var magnitude: UInt64 = 0
        for position in start..<end {
            guard let next = times10(magnitude, plus: digit(position)) else { return nil }
            magnitude = next
        }
        for _ in 0..<scale {
            guard let next = times10(magnitude, plus: 0) else { return nil }
            magnitude = next
        }
        return Integer(negative: negative, magnitude: magnitude)
    }

    /// The integer a string holds: an optional sign and decimal digits, nothing else.
    static func integer(decimal text: UnsafeRawBufferPointer) -> Integer? {
        guard !text.isEmpty else { return nil }
        let negative = text[0] == UInt8(ascii: "-")
        let start = negative || text[0] == UInt8(ascii: "+") ? 1 : 0
        guard start < text.count else { return nil }
        var magnitude: UInt64 = 0
        for index in start..<text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10, let next = times10(magnitude, plus: UInt64(digit)) else { return nil }
            magnitude = next
        }
        return Integer(negative: negative, magnitude: magnitude)
    }

    private static func scanDigits(_ token: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < token.count, token[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        return index
    }

    private static func times10(_ value: UInt64, plus digit: UInt64) -> UInt64? {
        let (product, overflow) = value.multipliedReportingOverflow(by: 10)
        let (sum, carry) = product.addingReportingOverflow(digit)
        return overflow || carry ? nil : sum
    }

    /// The double a JSON number denotes (its grammar already checked); Swift's parser rounds correctly.
    static func double(number token: UnsafeRawBufferPointer) -> Double? {
        Double(String(decoding: token, as: UTF8.self))
    }

    /// The double a string holds: `NaN`, `Infinity`, `-Infinity` or a number in JSON's grammar.
    static func double(string text: UnsafeRawBufferPointer) -> Double? {
        switch String(decoding: text.prefix(9), as: UTF8.self) {
        case "NaN" where text.count == 3: return .nan
        case "Infinity" where text.count == 8: return .infinity
        case "-Infinity" where text.count == 9: return -.infinity
        default: break
        }
        guard !text.isEmpty else { return nil }
        var cursor = JSONCursor(text)
        guard (text[0] == UInt8(ascii: "-") || text[0] &- UInt8(ascii: "0") < 10), (try? cursor.number())?.count == text.count else {
            return nil
        }
        return double(number: text)
    }

    /// Decodes hex digits (either case) from `source` to `target` (which may be `source` itself);
    /// the byte count, or nil if a character is not a hex digit or the count is odd.
    static func hex(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableRawPointer) -> Int? {
        guard source.count % 2 == 0 else { return nil }
        for index in 0..<source.count / 2 {
            guard let high = JSONCursor.hexValue(source[2 * index]), let low = JSONCursor.hexValue(source[2 * index + 1]) else {
                return nil
            }
            target.storeBytes(of: high << 4 | low, toByteOffset: index, as: UInt8.self)
        }
        return source.count / 2
    }

    /// Decodes base64 (standard or URL-safe alphabet, padding optional) from `source` to `target`
    /// (which may be `source` itself); the byte count, or nil if it is not base64.
    static func base64(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableRawPointer) -> Int? {
        var count = source.count
        var padding = 0
        while count > 0, padding < 2, source[count - 1] == UInt8(ascii: "=") {
            count -= 1
            padding += 1
        }
        guard padding == 0 || source.count % 4 == 0, count % 4 != 1 else { return nil }
        var written = 0
        var index = 0
        while index < count {
            let group = min(4, count - index)
            var bits: UInt32 = 0
            for offset in 0..<4 {
                let value = offset < group ? base64Value(source[index + offset]) : 0
                guard let value else { return nil }
                bits = bits << 6 | UInt32(value)
            }
            for offset in 0..<group - 1 {
                target.storeBytes(of: UInt8(truncatingIfNeeded: bits >> (16 - 8 * offset)), toByteOffset: written + offset, as: UInt8.self)
            }
            written += group - 1
            index += group
        }
        return written
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
