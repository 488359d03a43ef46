import Testing

@testable import TelemetryOTTL

/// Group names and the first match's groups, as Go's `SubexpNames` / `FindStringSubmatch` (the
/// attributes processor's `extract`), in time linear in the text.
@Suite("LinearRegex: group names and first-match groups")
struct LinearRegexCapturesTests {
    @Test("Named, unnamed and non-capturing groups; the leftmost match; a group that took no part reads \"\"")
    func groups() throws {
        let regex = try LinearRegex(pattern: #"(?P<scheme>[a-z]+)://(?:www\.)?(?P<host>[^/]+)(/)?(?P<rest>x)?"#, captures: true)
        #expect(regex.groupNames == ["scheme", "host", nil, "rest"])
        #expect(regex.firstMatchGroups(in: "see http://www.example.com and ftp://b") == ["http", "example.com and ftp:", "/", ""])
        #expect(regex.firstMatchGroups(in: "no scheme here") == nil)
        #expect(try LinearRegex(pattern: "abc", captures: true).groupNames.isEmpty)
        #expect(try LinearRegex(pattern: "(?P<é>.)", captures: true).firstMatchGroups(in: "żx") == ["ż"])
    }

    @Test("Nested quantifiers cannot make a capturing search backtrack", .timeLimit(.minutes(1)))
    func linear() throws {
        let regex = try LinearRegex(pattern: "(?P<a>(a+)+)$", captures: true)
        #expect(regex.firstMatchGroups(in: String(repeating: "a", count: 50_000) + "b") == nil)
        #expect(regex.firstMatchGroups(in: String(repeating: "a", count: 50_000))?.first?.count == 50_000)
    }
}
