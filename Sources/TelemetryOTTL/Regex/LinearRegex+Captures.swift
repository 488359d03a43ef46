internal import CRE2

/// A regular expression in RE2 syntax whose parenthesised groups capture (`(?P<name>…)` named, `(…)`
/// unnamed, `(?:…)` not capturing), for the attributes processor's `extract`. Like `LinearRegex`,
/// matching takes time linear in the text and memory within `maxMemory` whatever the expression.
package final class CapturingRegex: @unchecked Sendable {
    // @unchecked: a compiled RE2 never changes and guards its own caches (see LinearRegex).

    private let compiled: OpaquePointer
    /// The name of each capturing group in order (group 1 first), nil for an unnamed one.
    package let groupNames: [String?]

    /// Compiles `pattern` within `maxMemory` bytes of RE2 memory.
    package init(pattern: String, maxMemory: Int = LinearRegex.defaultMaxMemory) throws(LinearRegex.InvalidPattern) {
        var utf8 = pattern
        let budget = Int64(clamping: max(1, maxMemory))
        let handle = utf8.withUTF8 { bytes in
            telemetry_re2_capturing_compile(UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self), bytes.count, budget)
        }
        guard let handle else { throw LinearRegex.InvalidPattern(description: "out of memory compiling the expression") }
        if let message = telemetry_re2_capturing_error(handle) {
            let description = String(cString: message)
            telemetry_re2_capturing_free(handle)
            throw LinearRegex.InvalidPattern(description: description)
        }
        compiled = handle
        let count = Int(telemetry_re2_capturing_group_count(handle))
        groupNames = count == 0 ? [] : (1...count).map { index in telemetry_re2_capturing_group_name(handle, Int32(index)).map { String(cString: $0) } }
    }

    deinit {
        telemetry_re2_capturing_free(compiled)
    }

    /// The text of each group (group 1 first; "" for a group that took no part) in the leftmost match in
    /// `text`, as Go's `FindStringSubmatch`; nil when the expression matches nowhere.
    package func firstMatchGroups(in text: String) -> [String]? {
        var text = text
        let groups = groupNames.count
        var offsets = [Int64](repeating: -1, count: 2 * (groups + 1))
        return text.withUTF8 { utf8 -> [String]? in
            let found = offsets.withUnsafeMutableBufferPointer { buffer in
                telemetry_re2_capturing_match(
                    compiled, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), utf8.count, buffer.baseAddress.unsafelyUnwrapped,
                    Int32(groups))
            }
            guard found == 1 else { return nil }
            return (1..<(groups + 1)).map { group in
                let start = Int(offsets[2 * group]), end = Int(offsets[2 * group + 1])
                guard start >= 0, start <= end, end <= utf8.count else { return "" }
                return String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self)
            }
        }
    }
}
