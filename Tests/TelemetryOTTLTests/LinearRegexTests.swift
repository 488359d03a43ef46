import Foundation
import Synchronization
import TelemetryOTTL
import Testing

/// `LinearRegex`: RE2 with the semantics of Go's `regexp.MatchString`, linear time, bounded memory.
@Suite("LinearRegex: RE2 syntax, Go's MatchString semantics, linear time, bounded memory")
struct LinearRegexTests {
    static func matches(_ pattern: String, _ text: String) throws -> Bool {
        try LinearRegex(pattern: pattern).matches(text)
    }

    @Test("Unanchored partial match; ^ and $ at the text's ends unless (?m); . is a UTF-8 character and skips \\n unless (?s)")
    func semantics() throws {
        let cases: [(pattern: String, text: String, matches: Bool)] = [
            ("ell", "hello", true),
            ("^ell", "hello", false),
            ("", "anything", true),
            ("", "", true),
            ("x", "", false),
            ("^b", "a\nb", false),
            ("(?m)^b", "a\nb", true),
            ("a$", "a\nb", false),
            ("a.b", "a\nb", false),
            ("(?s)a.b", "a\nb", true),
            ("^.$", "é", true),
            ("^.$", "😀", true),
            (#"^\x{1F600}$"#, "😀", true),
            (#"^\p{Greek}+$"#, "αβγ", true),
            ("HEALTH", "health", false),
            ("(?i)HEALTH", "health", true),
            ("a\u{0}b", "xa\u{0}by", true),
            ("a\u{0}b", "ab", false),
        ]
        for entry in cases {
            #expect(try Self.matches(entry.pattern, entry.text) == entry.matches, "\(entry.pattern.debugDescription) on \(entry.text.debugDescription)")
        }
    }

    @Test("Bytes match as the same text does, without copying into a String")
    func bytes() throws {
        let regex = try LinearRegex(pattern: "v[0-9]+\\.HealthCheck$")
        let bytes = Array("grpc.health.v1.HealthCheck".utf8)
        #expect(bytes.withUnsafeBytes { regex.matches($0) })
        #expect(bytes.dropLast().withUnsafeBytes { !regex.matches($0) })
        #expect(try LinearRegex(pattern: "^$").matches(UnsafeRawBufferPointer(start: nil, count: 0)))
    }

    @Test("A refused expression throws RE2's message; one past the memory budget is too large")
    func errors() {
        let cases: [(pattern: String, maxMemory: Int, message: String)] = [
            (#"(a)\1"#, LinearRegex.defaultMaxMemory, #"invalid escape sequence: \1"#),
            ("(?=a)", LinearRegex.defaultMaxMemory, "invalid perl operator: (?="),
            ("a{1001}", LinearRegex.defaultMaxMemory, "invalid repetition size: {1001}"),
            ("[z-a]", LinearRegex.defaultMaxMemory, "invalid character class range: z-a"),
            (#"a\"#, LinearRegex.defaultMaxMemory, "trailing \\"),
            (String(repeating: "b", count: 100_000), LinearRegex.defaultMaxMemory, "pattern too large - compile failed"),
            (".{1000}", 64 << 10, "pattern too large - compile failed"),
        ]
        for entry in cases {
            do {
                _ = try LinearRegex(pattern: entry.pattern, maxMemory: entry.maxMemory)
                Issue.record("\(entry.pattern.prefix(20)) compiled")
            } catch {
                #expect(error.description == entry.message)
            }
        }
        #expect(throws: Never.self) { try LinearRegex(pattern: ".{1000}") }
    }

    @Test("Backtracking bombs on 4 MiB texts finish (each took minutes on 20–64 KiB in Swift's Regex)", .timeLimit(.minutes(1)))
    func bombsOnLargeTexts() throws {
        let size = 4 << 20
        let xs = String(repeating: "x", count: size), someAs = String(repeating: "a", count: size)
        #expect(try !Self.matches(".*health.*", xs))
        #expect(try Self.matches(".*health.*", xs + "health"))
        #expect(try !Self.matches("(a+)+$", someAs + "b"))
        #expect(try !Self.matches("(a|aa)*b", someAs))
        #expect(try !Self.matches("(x+x+)+y", xs))
        #expect(try !Self.matches("^(([a-z])+.)+[A-Z]([a-z])+$", someAs + "!"))
    }

    @Test("One expression is matched from many threads at once")
    func concurrentMatching() throws {
        let regex = try LinearRegex(pattern: "^/v1/name/[0-9]+$")
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for index in 0..<2000 where !regex.matches("/v1/name/\(index)") || regex.matches("/v1/name/x\(index)") {
                wrong.withLock { $0 += 1 }
            }
        }
        #expect(wrong.withLock { $0 } == 0)
    }

    // Memory: the DFA caches of `(a|b)*a(a|b){20}z` (2^20 states) fill whatever budget they get on random
    // a/b text, so the peak growth of a process matching it shows that the budget is the bound. Each
    // measurement runs in a process of its own (an exit test), so no other test's memory is counted; the
    // growth with a 4-state expression is what the process adds by itself (~1 MiB here: reading
    // /proc, the test runner), subtracted from the others. Measured peak growth of RE2's data (also in C
    // with Debian's RE2): 0.3–0.45 × the budget at 256 KiB, 1 MiB and 4 MiB; 12 MiB at 32 MiB.

    /// The growth of the peak resident memory while compiling `pattern` within `budget` and matching it
    /// against 2 MiB of random a/b text (-1 if it wrongly matched).
    static func peakGrowth(_ pattern: String, budget: Int) throws -> Int {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var text = [UInt8](repeating: 0, count: 2 << 20)
        for index in text.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            text[index] = state & 1 == 0 ? UInt8(ascii: "a") : UInt8(ascii: "b")
        }
        // RE2's code is paged in by a small expression first, so only the expression's data is measured.
        guard try !text.withUnsafeBytes({ try LinearRegex(pattern: "(a|b)*a(a|b){3}z").matches($0) }) else { return -1 }
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)  // the peak restarts from now
        let before = try statusBytes("VmRSS:")
        let regex = try LinearRegex(pattern: pattern, maxMemory: budget)
        guard !text.withUnsafeBytes({ regex.matches($0) }) else { return -1 }  // no z in the text: never a match
        return try statusBytes("VmHWM:") - before
    }

    static func statusBytes(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return (Int(line.dropFirst(field.count).trimmingCharacters(in: .whitespaces).dropLast(3)) ?? 0) * 1024
    }

    /// What `peakGrowth` printed in the exit test's process (-1 if nothing).
    static func printedGrowth(_ result: ExitTest.Result?) -> Int {
        Int(String(decoding: result?.standardOutputContent ?? [], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test("Matching grows memory by at most the expression's budget (1 MiB); given 32 MiB, it uses more than 4 MiB: the budget, not the text, is the bound")
    func memoryWithinBudget() async {
        let idle = Self.printedGrowth(await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            print(try LinearRegexTests.peakGrowth("(a|b)*a(a|b){3}z", budget: 1 << 20))
        })
        let bounded = Self.printedGrowth(await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            print(try LinearRegexTests.peakGrowth("(a|b)*a(a|b){20}z", budget: 1 << 20))
        })
        let generous = Self.printedGrowth(await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            print(try LinearRegexTests.peakGrowth("(a|b)*a(a|b){20}z", budget: 32 << 20))
        })
        let report = "peak growth: \(idle >> 10) KiB idle, \(bounded >> 10) KiB within 1 MiB, \(generous >> 10) KiB within 32 MiB"
        #expect(idle >= 0 && bounded >= 0 && generous >= 0, "\(report)")
        #expect(bounded - idle <= 1 << 20, "\(report)")
        #expect(generous - idle > 4 << 20, "\(report)")
    }
}
