import TelemetryOTLPData
import TelemetryOTTL

/// Replaces each match of a pattern in a value by `****` or by the hash of the match (the Collector's
/// `maskValue`). The result's size is known before it is written (a replacement has a fixed length), so
/// it is counted in a first pass, charged, and written once into the request's arena.
struct ValueMasker {
    let masking: RedactionSettings.Masking

    /// The bytes every replacement takes.
    private var replacementLength: Int {
        switch masking {
        case .asterisks: 4
        case .md5: 32
        case .sha1: 40
        case .sha3: 64
        }
    }

    /// `text` with the matches of `pattern` replaced; nil when nothing matched.
    func mask(_ text: UnsafeRawBufferPointer, matching pattern: LinearRegex, session: EditSession) throws(EditMemoryRefused) -> ArenaText? {
        let width = replacementLength
        var size = 0
        var overflow = false
        guard let tail = pattern.forEachReplacedMatch(in: text, { match in
            let (grown, overflowed) = size.addingReportingOverflow(match.keptBefore.count + width)
            size = grown
            overflow = overflow || overflowed
        }) else { return nil }
        let (total, overflowed) = size.addingReportingOverflow(text.count - tail)
        // An impossible size (past Int.max) is asked as Int.max, which the session refuses.
        return try session.text(byteCount: overflow || overflowed ? .max : total) { output in
            var position = 0
            func put<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
                guard bytes.count <= output.count - position else { return }  // the first pass counted exactly this
                for byte in bytes {
                    output[position] = byte
                    position += 1
                }
            }
            pattern.forEachReplacedMatch(in: text) { match in
                put(text[match.keptBefore])
                put(replacement(for: text[match.range]))
            }
            put(text[tail...])
        }
    }

    private func replacement(for match: Slice<UnsafeRawBufferPointer>) -> [UInt8] {
        switch masking {
        case .asterisks: Array("****".utf8)
        case .md5: Array(MD5.hex(Array(match)).utf8)
        case .sha1: Array(SHA1.hex(Array(match)).utf8)
        case .sha3: Array(SHA3.hex(Array(match)).utf8)
        }
    }
}
