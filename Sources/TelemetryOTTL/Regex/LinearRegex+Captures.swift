internal import CRE2

/// Named groups and the first match's group texts, as Go's `SubexpNames` and `FindStringSubmatch`
/// give them: what the attributes processor's `extract` needs. The expression must be compiled with
/// `captures: true`.
extension LinearRegex {
    /// The name of each capturing group in order (group 1 first), nil for an unnamed one.
    package var groupNames: [String?] {
        let count = groupCount
        guard count > 0 else { return [] }
        return (1...count).map { index in telemetry_re2_group_name(compiled, Int32(index)).map { String(cString: $0) } }
    }

    /// The text of each group (group 1 first; "" for a group that took no part) in the leftmost match in
    /// `text`, as Go's `FindStringSubmatch`; nil when the expression matches nowhere (or, which RE2 only
    /// does when memory runs out, cannot report the groups).
    package func firstMatchGroups(in text: String) -> [String]? {
        var text = text
        let slots = groupCount + 1
        var offsets = [Int64](repeating: -1, count: 2 * slots)
        return text.withUTF8 { utf8 -> [String]? in
            let found = offsets.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return Int32(0) }
                return telemetry_re2_find(
                    compiled, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), utf8.count, 0, base, Int32(slots))
            }
            guard found == 1 else { return nil }
            return (1..<slots).map { group in
                let start = Int(offsets[2 * group]), end = Int(offsets[2 * group + 1])
                guard start >= 0, start <= end, end <= utf8.count else { return "" }
                return String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self)
            }
        }
    }
}
