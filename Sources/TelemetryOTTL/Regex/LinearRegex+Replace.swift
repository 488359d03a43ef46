internal import CRE2

extension LinearRegex {
    /// One match of `forEachReplacedMatch`: its byte range in the text and the text before it since the
    /// previous match (which a replacement keeps).
    package struct ReplacedMatch {
        /// The bytes the match covers.
        package let range: Range<Int>
        /// The bytes between the previous match's end and this match's start.
        package let keptBefore: Range<Int>
    }

    /// Calls `body` with each match that Go's `regexp.ReplaceAllStringFunc` replaces in `utf8` (bytes of
    /// UTF-8 text), left to right: each search starts where the previous match ended (a character later
    /// after an empty match), and an empty match right after a match is not replaced, so `.*` replaces
    /// "abc" once and "a\nb" twice. Returns where the kept tail after the last replaced match begins, or
    /// nil when nothing matched (the text stays as it is).
    ///
    /// Each search is linear in the text after its start, as RE2's; a pattern whose matches are short
    /// but which must look far ahead to choose among alternatives (`a*b|a` on "aaaa…") searches the rest
    /// of the text for every match, as Go's and RE2's own global replace do.
    @discardableResult
    package func forEachReplacedMatch(in utf8: UnsafeRawBufferPointer, _ body: (ReplacedMatch) throws -> Void) rethrows -> Int? {
        let text = utf8.baseAddress?.assumingMemoryBound(to: CChar.self)
        var searchStart = 0
        var lastMatchEnd = 0
        var replacedAny = false
        while searchStart <= utf8.count {
            var start = 0
            var end = 0
            guard telemetry_re2_find(compiled, text, utf8.count, searchStart, &start, &end) == 1, start >= searchStart, end >= start,
                end <= utf8.count
            else { break }
            if end > lastMatchEnd || start == 0 {
                try body(ReplacedMatch(range: start..<end, keptBefore: lastMatchEnd..<start))
                replacedAny = true
                lastMatchEnd = end
            }
            // Advance past the match, by at least one character.
            let width = searchStart < utf8.count ? Self.characterWidth(at: searchStart, in: utf8) : 1
            searchStart = searchStart + width > end ? searchStart + width : end
        }
        return replacedAny ? lastMatchEnd : nil
    }

    /// The length of the character at `index` of `utf8` as Go's decoder reads it: the length of a
    /// valid UTF-8 sequence, else 1 (an invalid byte is stepped over alone).
    private static func characterWidth(at index: Int, in utf8: UnsafeRawBufferPointer) -> Int {
        let length: Int
        switch utf8[index] {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 1
        }
        guard index + length <= utf8.count else { return 1 }
        for offset in 1..<length where utf8[index + offset] & 0xC0 != 0x80 { return 1 }
        return length
    }
}
