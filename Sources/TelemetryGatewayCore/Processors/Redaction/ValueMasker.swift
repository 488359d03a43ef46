import TelemetryOTLPData
import TelemetryOTTL

/// Replaces each match of a pattern in a value by `****` or by the hash of the match (the Collector's
/// `maskValue`, Go's `ReplaceAllStringFunc`: matches left to right, an empty match right after a match
/// skipped). The result's size is known before it is written (a replacement has a fixed length), so it
/// is counted in a first search, charged, and written once into the request's arena by a second.
struct ValueMasker {
    let masking: RedactionSettings.Masking

    /// The bytes every replacement takes.
    private var replacementLength: Int {
        switch masking {
        case .asterisks: 4
        case .md5: 32
        case .sha1: 40
        case .sha3, .hmacSHA256: 64
        case .hmacSHA512: 128
        }
    }

    /// `text` with the matches of `pattern` replaced; nil when nothing matched.
    func mask(_ text: UnsafeRawBufferPointer, matching pattern: LinearRegex, session: EditSession) throws(EditMemoryRefused) -> ArenaText? {
        // Most values match nothing: RE2's DFA says so without the searches' bookkeeping (the
        // Collector, too, asks MatchString first).
        guard pattern.matches(text) else { return nil }
        var size = text.count
        var matched = false
        var overflow = false
        try Self.forEachMatch(of: pattern, in: text) { match in
            matched = true
            let (grown, overflowed) = size.addingReportingOverflow(replacementLength - match.count)
            size = grown
            overflow = overflow || overflowed
        }
        guard matched else { return nil }
        // An impossible size (past Int.max) is asked as Int.max, which the session refuses.
        return try session.text(byteCount: overflow ? .max : size) { (output) throws(EditMemoryRefused) in
            var position = 0
            var kept = 0
            func put<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
                guard bytes.count <= output.count - position else { return }  // the first search counted exactly this
                for byte in bytes {
                    output[position] = byte
                    position += 1
                }
            }
            try Self.forEachMatch(of: pattern, in: text) { match in
                put(text[kept..<match.lowerBound])
                put(replacement(for: text[match]))
                kept = match.upperBound
            }
            put(text[kept...])
        }
    }

    /// The ranges Go's `ReplaceAll` replaces (the same as `FindAllIndex`'s); a search RE2 could not
    /// allocate for is a memory refusal.
    private static func forEachMatch(
        of pattern: LinearRegex, in text: UnsafeRawBufferPointer, _ body: (Range<Int>) -> Void
    ) throws(EditMemoryRefused) {
        do {
            try pattern.forEachMatch(in: text) { body($0.range) }
        } catch {
            throw .outsideSession(bytes: 0)
        }
    }

    private func replacement(for match: Slice<UnsafeRawBufferPointer>) -> [UInt8] {
        switch masking {
        case .asterisks: Array("****".utf8)
        case .md5: Array(MD5.hex(Array(match)).utf8)
        case .sha1: Array(SHA1.hex(Array(match)).utf8)
        case .sha3: Array(SHA3.hex(Array(match)).utf8)
        case .hmacSHA256(let hmac), .hmacSHA512(let hmac): Array(hmac.hex(Array(match)).utf8)
        }
    }
}
