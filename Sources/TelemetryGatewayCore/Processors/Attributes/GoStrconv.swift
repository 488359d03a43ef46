/// Go's `strconv` parsing, as the Collector's `convert` action uses it (text → int or double).
enum GoStrconv {
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
}
