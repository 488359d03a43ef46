import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// `set`, `delete_key`, `delete_matching_keys`, `keep_keys`, `keep_matching_keys` on a real request's
/// attributes, with the Collector's test vectors.
@Suite("OTTL editors: set and the key editors")
struct OTTLKeyEditorTests {
    // pkg/ottl/ottlfuncs/func_set_test.go @03267c0; pkg/ottl/e2e/e2e_test.go @008a0cb
    @Test("set writes the value; a nil value changes nothing; a nested path writes into the nested map")
    func set() throws {
        let fixture = try OTTLFunctionFixture([kv("name", .string("original name"))])
        _ = try fixture.run(.set, [Arg.attribute("name"), Arg.string("new name")])
        #expect(fixture.attributes["name"] == .string("new name"))
        _ = try fixture.run(.set, [Arg.attribute("name"), Arg.literal(.null)])
        #expect(fixture.attributes["name"] == .string("new name"))
        _ = try fixture.run(.set, [Arg.attribute("test"), Arg.attribute("unknown")])
        #expect(fixture.attributes.keys == ["name"])
        _ = try fixture.run(.set, [Arg.attribute("test"), Arg.string("pass")])
        #expect(fixture.attributes.pairs == [kv("name", .string("new name")), kv("test", .string("pass"))])
    }

    @Test("set needs a path as its target")
    func setNeedsAPath() {
        #expect(throws: OTTLCompileError.self) { try OTTLFunctionFixture.compile(.set, [Arg.string("x"), Arg.string("y")]) }
        do {
            _ = try OTTLFunctionFixture.compile(.set, [Arg.string("x"), Arg.string("y")])
        } catch {
            #expect(error.message == #"error while parsing arguments for call to "set": invalid argument at position 0: must be a path"#)
        }
    }

    // pkg/ottl/ottlfuncs/func_delete_key_test.go @1022aee
    @Test("delete_key removes one key; an absent key changes nothing; a target that is no map is an error")
    func deleteKey() throws {
        let fixture = try OTTLFunctionFixture(m0)
        _ = try fixture.run(.deleteKey, [Arg.attributes, Arg.string("not a valid key")])
        #expect(fixture.attributes.pairs == m0)
        _ = try fixture.run(.deleteKey, [Arg.attributes, Arg.string("test")])
        #expect(Set(fixture.attributes.keys) == ["test2", "test3"])
        try fixture.attributes.set("str", .string("not a map"))
        #expect(throws: OTTLError("expected pcommon.Map but got string")) { try fixture.run(.deleteKey, [Arg.attribute("str"), Arg.string("k")]) }
        #expect(throws: OTTLError("expected pcommon.Map but got nil")) { try fixture.run(.deleteKey, [Arg.attribute("absent"), Arg.string("k")]) }
    }

    // pkg/ottl/ottlfuncs/func_delete_matching_keys_test.go @03267c0; e2e @008a0cb
    @Test("delete_matching_keys removes every key the regex matches anywhere, keeping the order of the rest")
    func deleteMatchingKeys() throws {
        let cases: [(pattern: String, expected: [OTLPKeyValue])] = [
            ("test.*", []),
            (#"\d$"#, [kv("test", .string("hello world"))]),
            ("not a matching pattern", m0),
        ]
        for entry in cases {
            let fixture = try OTTLFunctionFixture(m0)
            _ = try fixture.run(.deleteMatchingKeys, [Arg.attributes, Arg.string(entry.pattern)])
            #expect(fixture.attributes.pairs == entry.expected, "\(entry.pattern)")
        }
        let http = try OTTLFunctionFixture([
            kv("http.method", .string("get")), kv("flags", .string("A|B|C")), kv("http.path", .string("/health")), kv("http.url", .string("u")),
        ])
        _ = try http.run(.deleteMatchingKeys, [Arg.attributes, Arg.string("^http")])
        #expect(http.attributes.keys == ["flags"])
    }

    @Test("An invalid literal regex is a compile error in the Collector's words; a dynamic one fails when evaluated")
    func invalidRegex() throws {
        do {
            _ = try OTTLFunctionFixture.compile(.deleteMatchingKeys, [Arg.attributes, Arg.string("*")])
            Issue.record("compiled")
        } catch {
            #expect(error.message.hasPrefix(#"the regex pattern supplied to delete_matching_keys '"*"' is not a valid pattern: error parsing regexp: "#))
        }
        let fixture = try OTTLFunctionFixture(m0)
        do {
            _ = try fixture.run(.keepMatchingKeys, [Arg.attributes, Arg.dynamic(.string("*"))])
            Issue.record("ran")
        } catch let error as OTTLError {
            #expect(error.message.hasPrefix("error parsing regexp: "))
        }
        #expect(fixture.attributes.pairs == m0)
    }

    // pkg/ottl/ottlfuncs/func_keep_keys_test.go @03267c0
    @Test("keep_keys keeps only the listed keys, in their order")
    func keepKeys() throws {
        let cases: [(keys: [String], expected: [OTLPKeyValue])] = [
            (["test"], [m0[0]]),
            (["test", "test2"], [m0[0], m0[1]]),
            ([], []),
            (["no match"], []),
        ]
        for entry in cases {
            let fixture = try OTTLFunctionFixture(m0)
            _ = try fixture.run(.keepKeys, [Arg.attributes, Arg.strings(entry.keys)])
            #expect(fixture.attributes.pairs == entry.expected, "\(entry.keys)")
        }
        let fixture = try OTTLFunctionFixture([kv("s", .string("not a map"))])
        #expect(throws: OTTLError("expected pcommon.Map but got string")) { try fixture.run(.keepKeys, [Arg.attribute("s"), Arg.strings(["a"])]) }
    }

    // pkg/ottl/ottlfuncs/func_keep_matching_keys_test.go @03267c0
    @Test("keep_matching_keys keeps only the keys the regex matches")
    func keepMatchingKeys() throws {
        let input = [kv("foo", .string("bar")), kv("foo1", .string("bar")), kv("foo2", .int(3))]
        let cases: [(pattern: String, expected: [OTLPKeyValue])] = [
            (#"\d$"#, [input[1], input[2]]),
            ("bar.*", []),
            ("foo.*", input),
        ]
        for entry in cases {
            let fixture = try OTTLFunctionFixture(input)
            _ = try fixture.run(.keepMatchingKeys, [Arg.attributes, Arg.string(entry.pattern)])
            #expect(fixture.attributes.pairs == entry.expected, "\(entry.pattern)")
        }
    }

    @Test("Edits into a nested map go through the nested path's map")
    func nestedMap() throws {
        let fixture = try OTTLFunctionFixture([kv("foo", .map([kv("a", .int(1)), kv("b", .int(2))]))])
        _ = try fixture.run(.deleteKey, [Arg.attribute("foo"), Arg.string("a")])
        #expect(fixture.attributes["foo"] == .map([kv("b", .int(2))]))
    }
}
