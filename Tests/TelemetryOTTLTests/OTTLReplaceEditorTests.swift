import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// `replace_pattern`, `replace_all_patterns`, `replace_match`, `replace_all_matches`, with the Collector's
/// test vectors. The Collector's tests pass a `hash(x)` test function; here the function is a converter
/// `Hash` with the same output, registered beside the standard ones.
@Suite("OTTL editors: replace_pattern, replace_all_patterns, replace_match, replace_all_matches")
struct OTTLReplaceEditorTests {
    /// `Hash(x)` → `"hash(x)"`, the test function of `func_replace_pattern_test.go`.
    static let hash = OTTLFunction.converter("Hash") { value throws(OTTLError) in .string("hash(\(try value.stringArgument()))") }

    static func compile(_ function: OTTLFunction, _ arguments: [OTTLArgumentValue?]) throws(OTTLCompileError) -> OTTLCallable {
        var table = OTTLFunctionTable.standard
        table.functions["Hash"] = hash
        return try function.compile(arguments, OTTLCall(name: function.name, arguments: [], position: OTTLFunctionFixture.position), table)
    }

    static func replacePattern(_ input: OTLPValue, _ arguments: [OTTLArgumentValue?]) throws -> OTLPValue? {
        let fixture = try OTTLFunctionFixture([kv("x", input)])
        _ = try compile(.replacePattern, [Arg.attribute("x")] + arguments)(fixture.item)
        return fixture.attributes["x"]
    }

    static let secret = "application passwd=sensitivedtata otherarg=notsensitive key1 key2"

    // pkg/ottl/ottlfuncs/func_replace_pattern_test.go @03267c0
    @Test("replace_pattern: every match replaced by the Expand template ($1, $$), or by function(template) per match")
    func replacePattern() throws {
        let cases: [(input: String, arguments: [OTTLArgumentValue?], expected: String)] = [
            (Self.secret, [Arg.string(#"passwd\=[^\s]*(\s?)"#), Arg.string("passwd=*** ")], "application passwd=*** otherarg=notsensitive key1 key2"),
            (Self.secret, [Arg.string(#"key[^\s]*(\s?)"#), Arg.string("**** ")], "application passwd=sensitivedtata otherarg=notsensitive **** **** "),
            (Self.secret, [Arg.string(#"(\w+)=(\w+)"#), Arg.string("$1:$2")], "application passwd:sensitivedtata otherarg:notsensitive key1 key2"),
            (Self.secret, [Arg.string(#"passwd\=[^\s]*(\s?)"#), Arg.string("passwd=$$$$$$ ")], "application passwd=$$$ otherarg=notsensitive key1 key2"),
            (Self.secret, [Arg.string(#"passwd\=[^\s]*\s?"#), Arg.string("$1")], "application otherarg=notsensitive key1 key2"),
            (
                Self.secret, [Arg.string(#"passwd\=([^\s]*)\s?"#), Arg.string("$1"), Arg.function("Hash"), Arg.string("passwd=%s")],
                "application passwd=hash(sensitivedtata)otherarg=notsensitive key1 key2"
            ),
            (
                Self.secret, [Arg.string(#"passwd\=([^\s]*)"#), Arg.string("passwd"), Arg.function("Hash")],
                "application hash(passwd) otherarg=notsensitive key1 key2"
            ),
            ("user_id=42 parent_user_id=423", [Arg.string(#"\d+"#), Arg.string("$0"), Arg.function("Hash")], "user_id=hash(42) parent_user_id=hash(423)"),
            ("abc", [Arg.string("b"), Arg.string("$0"), Arg.function("Hash")], "ahash(b)c"),
            ("aaaa", [Arg.string("a"), Arg.string("$0"), Arg.function("Hash")], "hash(a)hash(a)hash(a)hash(a)"),
            // pkg/ottl/e2e/e2e_test.go @008a0cb
            ("/health", [Arg.string("/"), Arg.string("@")], "@health"),
        ]
        for entry in cases {
            #expect(try Self.replacePattern(.string(entry.input), entry.arguments) == .string(entry.expected), "\(entry.expected)")
        }
    }

    @Test("replace_pattern: a target that is no string is left alone; a nil replacement and a bad format are errors")
    func replacePatternErrors() throws {
        #expect(try Self.replacePattern(.int(1), [Arg.string("1"), Arg.string("2")]) == .int(1))
        #expect(throws: OTTLError("expected string but got nil")) {
            try Self.replacePattern(.string("abc"), [Arg.string("b"), Arg.literal(.null)])
        }
        #expect(throws: OTTLError("replacementFormat must be format string containing a single %s and no other format specifiers")) {
            try Self.replacePattern(.string(Self.secret), [Arg.string(#"passwd\=([^\s]*)"#), Arg.string("$1"), Arg.function("Hash"), Arg.string("passwd=")])
        }
        #expect(throws: OTTLCompileError.self) { try Self.compile(.replacePattern, [Arg.attribute("x"), Arg.string("*"), Arg.string("")]) }
        #expect(throws: OTTLCompileError.self) {
            try Self.compile(.replacePattern, [Arg.attribute("x"), Arg.string("a"), Arg.string(""), Arg.function("NoSuchFunction")])
        }
    }

    // Go's regexp example_test.go (golang/go PR 56507): a(x*)b on -ab-axxb-
    @Test("Go's Expand examples: $1W is the group named 1W, ${1}W is group 1 then W; empty matches step one character")
    func goExpandExamples() throws {
        let cases = [("T", "-T-T-"), ("$1", "--xx-"), ("$1W", "---"), ("${1}W", "-W-xxW-")]
        for (template, expected) in cases {
            #expect(try Self.replacePattern(.string("-ab-axxb-"), [Arg.string("a(x*)b"), Arg.string(template)]) == .string(expected), "\(template)")
        }
        #expect(try Self.replacePattern(.string("abc"), [Arg.string("x*"), Arg.string("-")]) == .string("-a-b-c-"))
        #expect(try Self.replacePattern(.string("héllo"), [Arg.string(""), Arg.string("|")]) == .string("|h|é|l|l|o|"))
        #expect(try Self.replacePattern(.string("abab"), [Arg.string("(?P<first>a)(b)"), Arg.string("${first}<$2>$9$")]) == .string("a<b>$a<b>$"))
        #expect(try Self.replacePattern(.string("ab"), [Arg.string("^b"), Arg.string("x")]) == .string("ab"))
    }

    static let allPatternsInput = [
        kv("test", .string("hello world")), kv("test2", .string("hello")), kv("test3", .string("goodbye world1 and world2")), kv("n", .int(1)),
    ]

    // pkg/ottl/ottlfuncs/func_replace_all_patterns_test.go @089d3b7
    @Test("replace_all_patterns, value mode: every matching string value; other values untouched")
    func replaceAllPatternsValues() throws {
        let fixture = try OTTLFunctionFixture(Self.allPatternsInput)
        _ = try Self.compile(.replaceAllPatterns, [Arg.attributes, Arg.string("value"), Arg.string("hello"), Arg.string("hello {universe}")])(fixture.item)
        #expect(fixture.attributes["test"] == .string("hello {universe} world"))
        #expect(fixture.attributes["test2"] == .string("hello {universe}"))
        #expect(fixture.attributes["test3"] == .string("goodbye world1 and world2"))

        let second = try OTTLFunctionFixture(Self.allPatternsInput)
        _ = try Self.compile(.replaceAllPatterns, [Arg.attributes, Arg.string("value"), Arg.string(#"world[^\s]*(\s?)"#), Arg.string("**** ")])(
            second.item)
        #expect(second.attributes["test"] == .string("hello **** "))
        #expect(second.attributes["test3"] == .string("goodbye **** and **** "))
        #expect(second.attributes["n"] == .int(1))

        let empty = try OTTLFunctionFixture(Self.allPatternsInput)
        _ = try Self.compile(.replaceAllPatterns, [Arg.attributes, Arg.string("value"), Arg.string(""), Arg.string("x")])(empty.item)
        #expect(empty.attributes["n"] == .int(1))
    }

    // pkg/ottl/e2e/e2e_test.go @008a0cb
    @Test("replace_all_patterns, key mode: keys rewritten in place; a key that collides overwrites the earlier one in its place")
    func replaceAllPatternsKeys() throws {
        let fixture = try OTTLFunctionFixture([
            kv("http.method", .string("get")), kv("http.path", .string("/health")), kv("http.url", .string("http://localhost/health")),
            kv("flags", .string("A|B|C")),
        ])
        _ = try Self.compile(.replaceAllPatterns, [Arg.attributes, Arg.string("key"), Arg.string("^http"), Arg.string("test")])(fixture.item)
        #expect(fixture.attributes.keys == ["test.method", "test.path", "test.url", "flags"])

        let values = try OTTLFunctionFixture([kv("http.path", .string("/health")), kv("http.url", .string("http://localhost/health"))])
        _ = try Self.compile(.replaceAllPatterns, [Arg.attributes, Arg.string("value"), Arg.string("/"), Arg.string("@")])(values.item)
        #expect(values.attributes.pairs == [kv("http.path", .string("@health")), kv("http.url", .string("http:@@localhost@health"))])

        let collide = try OTTLFunctionFixture([kv("a1", .int(1)), kv("b", .int(2)), kv("a2", .int(3))])
        _ = try Self.compile(.replaceAllPatterns, [Arg.attributes, Arg.string("key"), Arg.string(#"\d"#), Arg.string("")])(collide.item)
        #expect(collide.attributes.pairs == [kv("a", .int(3)), kv("b", .int(2))])

        #expect(throws: OTTLCompileError.self) {
            try Self.compile(.replaceAllPatterns, [Arg.attributes, Arg.string("both"), Arg.string("a"), Arg.string("b")])
        }
    }

    static let matchesInput = [
        kv("test", .string("hello world")), kv("test2", .string("hello")), kv("test3", .string("goodbye")), kv("test4", .string("")),
        kv("test5", .int(123)),
    ]

    // pkg/ottl/ottlfuncs/func_replace_all_matches_test.go @027a90e
    @Test("replace_all_matches: every string value the glob matches as a whole")
    func replaceAllMatches() throws {
        let plain = try OTTLFunctionFixture(Self.matchesInput)
        _ = try Self.compile(.replaceAllMatches, [Arg.attributes, Arg.string("hello*"), Arg.string("hello {universe}")])(plain.item)
        #expect(plain.attributes.pairs.map(\.value) == [.string("hello {universe}"), .string("hello {universe}"), .string("goodbye"), .string(""), .int(123)])

        let hashed = try OTTLFunctionFixture(Self.matchesInput)
        _ = try Self.compile(
            .replaceAllMatches, [Arg.attributes, Arg.string("hello*"), Arg.string("hello {universe}"), Arg.function("Hash"), Arg.string("prefix=%s")])(
                hashed.item)
        #expect(hashed.attributes["test"] == .string("prefix=hash(hello {universe})"))
        #expect(hashed.attributes["test2"] == .string("prefix=hash(hello {universe})"))

        let nothing = try OTTLFunctionFixture(Self.matchesInput)
        _ = try Self.compile(.replaceAllMatches, [Arg.attributes, Arg.string("nothing*"), Arg.string("x")])(nothing.item)
        #expect(nothing.attributes.pairs == Self.matchesInput)

        let empty = try OTTLFunctionFixture(Self.matchesInput)
        _ = try Self.compile(.replaceAllMatches, [Arg.attributes, Arg.string(""), Arg.string("empty_string_replacement")])(empty.item)
        #expect(empty.attributes["test4"] == .string("empty_string_replacement"))
        #expect(empty.attributes["test"] == .string("hello world"))

        #expect(throws: OTTLError("expected pcommon.Map but got string")) {
            try Self.compile(.replaceAllMatches, [Arg.attribute("test"), Arg.string("*"), Arg.string("x")])(empty.item)
        }
        #expect(throws: OTTLError("expected string but got nil")) {
            try Self.compile(.replaceAllMatches, [Arg.attributes, Arg.string("*"), Arg.literal(.null)])(empty.item)
        }
    }

    // pkg/ottl/e2e/e2e_test.go @008a0cb; ottlfuncs README @000d4c7
    @Test("replace_match: * crosses /; the README's /user/*/list/* example; no string, no change")
    func replaceMatch() throws {
        let fixture = try OTTLFunctionFixture([
            kv("http.path", .string("/health")), kv("http.target", .string("/user/12/list/34")), kv("n", .int(1)),
        ])
        _ = try Self.compile(.replaceMatch, [Arg.attribute("http.path"), Arg.string("*/*"), Arg.string("test")])(fixture.item)
        #expect(fixture.attributes["http.path"] == .string("test"))
        _ = try Self.compile(.replaceMatch, [Arg.attribute("http.target"), Arg.string("/user/*/list/*"), Arg.string("/user/{userId}/list/{listId}")])(
            fixture.item)
        #expect(fixture.attributes["http.target"] == .string("/user/{userId}/list/{listId}"))
        _ = try Self.compile(.replaceMatch, [Arg.attribute("n"), Arg.string("*"), Arg.string("x")])(fixture.item)
        _ = try Self.compile(.replaceMatch, [Arg.attribute("absent"), Arg.string("*"), Arg.string("x")])(fixture.item)
        #expect(fixture.attributes["n"] == .int(1))
        #expect(fixture.attributes["absent"] == nil)
        #expect(throws: OTTLCompileError.self) { try Self.compile(.replaceMatch, [Arg.attribute("n"), Arg.string("[a"), Arg.string("x")]) }
    }

    // pkg/ottl/ottlfuncs/func_replace_match_test.go @09ec27e
    @Test("replace_match: with function and format, without, no match, a non-string target, nil replacements")
    func replaceMatchVectors() throws {
        let cases: [(arguments: [OTTLArgumentValue?], expected: String)] = [
            ([Arg.string("hello*"), Arg.string("hello {universe}"), Arg.function("Hash"), Arg.string("passwd=%s")], "passwd=hash(hello {universe})"),
            ([Arg.string("hello*"), Arg.string("hello {universe}")], "hello {universe}"),
            ([Arg.string("goodbye*"), Arg.string("goodbye {universe}")], "hello world"),
        ]
        for entry in cases {
            let fixture = try OTTLFunctionFixture([kv("x", .string("hello world"))])
            _ = try Self.compile(.replaceMatch, [Arg.attribute("x")] + entry.arguments)(fixture.item)
            #expect(fixture.attributes["x"] == .string(entry.expected))
        }
        let int = try OTTLFunctionFixture([kv("x", .int(1))])
        _ = try Self.compile(.replaceMatch, [Arg.attribute("x"), Arg.dynamic(.string("*")), Arg.string("{replacement}")])(int.item)
        #expect(int.attributes["x"] == .int(1))
        #expect(throws: OTTLError("expected string but got nil")) {
            try Self.compile(.replaceMatch, [Arg.attribute("x"), Arg.string("regexp"), Arg.dynamic(.null)])(int.item)
        }
        #expect(throws: OTTLError("replacement value is not a string")) {
            try Self.compile(.replaceMatch, [Arg.attribute("x"), Arg.string("regexp"), Arg.dynamic(.null), Arg.function("IsString")])(int.item)
        }
    }

    @Test("Globs: ?, classes, negated classes, alternatives, escapes; the whole text must match")
    func globs() throws {
        let cases: [(glob: String, text: String, matches: Bool)] = [
            ("*", "", true), ("", "", true), ("", "a", false), ("a?c", "abc", true), ("a?c", "ac", false),
            ("[abc]x", "bx", true), ("[!abc]x", "bx", false), ("[!abc]x", "dx", true), ("[a-c]", "b", true), ("[a-c]", "d", false),
            ("{foo,ba{r,z}}", "baz", true), ("{foo,bar}", "fo", false), (#"\*"#, "*", true), (#"\*"#, "a", false),
            ("a.b", "axb", false), ("(x)+", "(x)+", true), ("h*o", "hé\nllo", true), ("a,b", "a,b", true),
        ]
        for entry in cases {
            #expect(try Glob(entry.glob).matches(entry.text) == entry.matches, "\(entry.glob) on \(entry.text.debugDescription)")
        }
        for invalid in ["[a", "{a,b", "[]", #"a\"#, "[z-a]"] {
            #expect(throws: Glob.InvalidGlob.self) { try Glob(invalid) }
        }
    }
}
