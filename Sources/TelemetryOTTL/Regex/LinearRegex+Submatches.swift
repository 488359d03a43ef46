internal import CRE2

/// Match positions and capture groups, as Go's `regexp.FindAllSubmatchIndex` gives them: what
/// `Regexp.Expand` templates and "replace every match" need. The expression must be compiled with
/// `captures: true`; without, there are no groups and a match reports only its own range.
extension LinearRegex {
    /// One match: byte ranges into the text, of the whole match (`groups[0]`) and of each group (nil
    /// when the group took no part).
    package struct Submatch: Sendable, Equatable {
        /// Ranges of the match and its groups.
        package let groups: [Range<Int>?]

        /// The whole match.
        package var range: Range<Int> { groups.first.flatMap { $0 } ?? 0..<0 }
    }

    /// Why a search could not finish: RE2 could not allocate the groups' slots.
    package struct OutOfMemory: Error {}

    /// The number of capturing groups.
    package var groupCount: Int { Int(telemetry_re2_group_count(compiled)) }

    /// The index of the group `(?P<name>…)`, nil when there is none.
    package func groupIndex(named name: String) -> Int? {
        var name = name
        let index = name.withUTF8 { bytes in
            telemetry_re2_group_index(compiled, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        return index < 0 ? nil : Int(index)
    }

    /// Every match in `utf8` (bytes of UTF-8 text), leftmost first, non-overlapping, as Go's
    /// `FindAllSubmatchIndex(text, -1)`: after an empty match the search moves on by one UTF-8 character,
    /// and an empty match right where the previous match ended is skipped. `body` sees each match in turn,
    /// with the groups up to `neededGroups` (all when nil; RE2 finds a match without groups with its DFAs
    /// alone, so asking for none is the fastest). Time: each search starts where the last ended; the
    /// matches are visited, not collected.
    package func forEachMatch(in utf8: UnsafeRawBufferPointer, neededGroups: Int? = nil, _ body: (Submatch) throws -> Void) throws {
        let slots = min(groupCount, max(0, neededGroups ?? .max)) + 1
        var offsets = [Int64](repeating: -1, count: 2 * slots)
        let text = utf8.baseAddress?.assumingMemoryBound(to: CChar.self)
        var position = 0
        var previousEnd = -1
        while position <= utf8.count {
            let found = offsets.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return Int32(0) }
                return telemetry_re2_find(compiled, text, utf8.count, position, base, Int32(slots))
            }
            if found < 0 { throw OutOfMemory() }
            if found == 0 { break }
            let groups = (0..<slots).map { index -> Range<Int>? in
                let start = offsets[2 * index]
                let end = offsets[2 * index + 1]
                return start < 0 || end < start ? nil : Int(start)..<Int(end)
            }
            let match = Submatch(groups: groups)
            var accept = true
            if match.range.upperBound == position {
                if match.range.lowerBound == previousEnd { accept = false }
                position += position < utf8.count ? Self.characterWidth(utf8, at: position) : 1
            } else {
                position = match.range.upperBound
            }
            previousEnd = match.range.upperBound
            if accept { try body(match) }
        }
    }

    /// The length of the UTF-8 character starting at `index` (1 for a stray continuation byte), within
    /// the text.
    private static func characterWidth(_ utf8: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = utf8[index]
        let width =
            switch lead {
            case 0xF0...: 4
            case 0xE0...: 3
            case 0xC0...: 2
            default: 1
            }
        return min(width, utf8.count - index)
    }
}
