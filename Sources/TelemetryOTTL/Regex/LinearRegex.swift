internal import CRE2

/// A regular expression in RE2 syntax (the syntax of the Collector's Go `regexp`) on RE2, whose matching
/// takes time linear in the text whatever the expression: client data cannot make it backtrack.
/// Backreferences and lookaround, which only a backtracking engine can run, are refused when compiling.
///
/// Memory: RE2 keeps an expression's program and its DFA caches within `maxMemory` (its `max_mem`);
/// a full DFA cache is flushed, and when that happens too often RE2 matches with its NFA, whose lists
/// are sized by the program (itself within the budget), never by the text. So one expression holds at
/// most `maxMemory` whatever it is matched against (measured: 0.3–0.45 × the budget on texts built to
/// fill its DFA; LinearRegexTests checks ≤ 1 ×), and a match allocates nothing on the Swift side.
package final class LinearRegex: @unchecked Sendable {
    // @unchecked: a compiled RE2 never changes, and RE2 guards its DFA caches itself, so matching from
    // several threads at once is safe.

    /// Why an expression was refused, in RE2's words (e.g. `invalid perl operator: (?=`).
    package struct InvalidPattern: Error, CustomStringConvertible {
        /// RE2's message.
        package let description: String
    }

    /// The RE2 memory budget of one expression unless told otherwise: 256 KiB (RE2's own default is 8 MiB).
    /// It holds programs of about 21,000 instructions (measured with Debian's RE2: a literal of 21,787
    /// bytes compiles; `.{1000}` does, `[0-9a-f]{32}` takes 68); a larger expression is refused as
    /// "pattern too large - compile failed".
    package static let defaultMaxMemory = 256 << 10

    let compiled: OpaquePointer

    /// Compiles `pattern` within `maxMemory` bytes of RE2 memory (at least 1: RE2 reads 0 and less as its
    /// own, larger limits). With `captures`, parentheses capture, for the match positions and groups of
    /// `LinearRegex+Submatches.swift`; without, the program is smaller and only `matches` is meaningful.
    package init(pattern: String, maxMemory: Int = LinearRegex.defaultMaxMemory, captures: Bool = false) throws(InvalidPattern) {
        var utf8 = pattern
        let budget = Int64(clamping: max(1, maxMemory))
        let handle = utf8.withUTF8 { bytes in
            let start = UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self)
            return captures
                ? telemetry_re2_compile_capturing(start, bytes.count, budget) : telemetry_re2_compile(start, bytes.count, budget)
        }
        guard let handle else { throw InvalidPattern(description: "out of memory compiling the expression") }
        if let message = telemetry_re2_error(handle) {
            let description = String(cString: message)
            telemetry_re2_free(handle)
            throw InvalidPattern(description: description)
        }
        compiled = handle
    }

    deinit {
        telemetry_re2_free(compiled)
    }

    /// Whether the expression matches somewhere in `text` (unanchored, as Go's `regexp.MatchString`).
    package func matches(_ text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ matches(UnsafeRawBufferPointer($0)) }) { return found }
        var copy = text  // a string without contiguous UTF-8 (bridged; none on Linux) is made native once
        return copy.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    /// Whether the expression matches somewhere in `utf8`, bytes of UTF-8 text.
    package func matches(_ utf8: UnsafeRawBufferPointer) -> Bool {
        telemetry_re2_matches(compiled, utf8.baseAddress?.assumingMemoryBound(to: CChar.self), utf8.count) == 1
    }
}
