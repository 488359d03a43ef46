import Testing

@testable import TelemetryOTTL

/// `LinearRegex.forEachMatch`: Go's `FindAllSubmatchIndex` on RE2.
@Suite("LinearRegex: every match with its groups, as Go's FindAllSubmatchIndex")
struct LinearRegexSubmatchTests {
    static func matches(_ pattern: String, _ text: String, neededGroups: Int? = nil) throws -> [[Range<Int>?]] {
        let regex = try LinearRegex(pattern: pattern, captures: true)
        var found: [[Range<Int>?]] = []
        try Array(text.utf8).withUnsafeBytes { bytes in
            try regex.forEachMatch(in: bytes, neededGroups: neededGroups) { found.append($0.groups) }
        }
        return found
    }

    @Test("Groups that take no part are nil; asking for fewer groups gives fewer")
    func groups() throws {
        #expect(try Self.matches("a(x)?(b)", "ab axb") == [[0..<2, nil, 1..<2], [3..<6, 4..<5, 5..<6]])
        #expect(try Self.matches("a(x)?(b)", "ab axb", neededGroups: 0) == [[0..<2], [3..<6]])
        #expect(try Self.matches("a(x)?(b)", "ab axb", neededGroups: 1) == [[0..<2, nil], [3..<6, 4..<5]])
        #expect(try Self.matches("z", "ab") == [])
    }

    @Test("Empty matches: one per character boundary, none right after a match; steps over a whole UTF-8 character")
    func emptyMatches() throws {
        #expect(try Self.matches("x*", "axx b").map { $0[0] } == [0..<0, 1..<3, 4..<4, 5..<5])
        #expect(try Self.matches("", "é").map { $0[0] } == [0..<0, 2..<2])
        #expect(try Self.matches("", "") == [[0..<0]])
    }

    @Test("A resumed search keeps the text's context: ^ only at the start, \\b sees the character before")
    func context() throws {
        #expect(try Self.matches("^a", "aaa").count == 1)
        #expect(try Self.matches(#"\bb"#, "ab b").map { $0[0] } == [3..<4])
        #expect(try Self.matches("(?m)^a", "a\na").map { $0[0] } == [0..<1, 2..<3])
    }

    @Test("Named groups have indexes; unknown names none")
    func names() throws {
        let regex = try LinearRegex(pattern: "(?P<year>\\d{4})-(?P<month>\\d{2})", captures: true)
        #expect(regex.groupCount == 2)
        #expect(regex.groupIndex(named: "year") == 1)
        #expect(regex.groupIndex(named: "month") == 2)
        #expect(regex.groupIndex(named: "day") == nil)
        #expect(try LinearRegex(pattern: "(a)").groupCount == 0)
    }
}
