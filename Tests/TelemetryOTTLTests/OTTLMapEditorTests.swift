import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// `truncate_all`, `limit`, `merge_maps`, `flatten`, with the Collector's test vectors.
@Suite("OTTL editors: truncate_all, limit, merge_maps, flatten")
struct OTTLMapEditorTests {
    // pkg/ottl/ottlfuncs/func_truncate_all_test.go @089d3b7
    @Test("truncate_all cuts string values to the limit; ints and bools untouched")
    func truncateAll() throws {
        let cases: [(limit: Int64, expected: String)] = [(1, "h"), (0, ""), (100, "hello world"), (11, "hello world")]
        for entry in cases {
            let fixture = try OTTLFunctionFixture(m0)
            _ = try fixture.run(.truncateAll, [Arg.attributes, Arg.int(entry.limit)])
            #expect(fixture.attributes.pairs == [kv("test", .string(entry.expected)), m0[1], m0[2]], "\(entry.limit)")
        }
        #expect(throws: OTTLCompileError.self) { try OTTLFunctionFixture.compile(.truncateAll, [Arg.attributes, Arg.int(-1)]) }
    }

    // ottlfuncs README @000d4c7: truncate_all(resource.attributes, 50, false, "(...)")
    @Test("truncate_all with a marker counts the marker inside the limit and never cuts a character in two")
    func truncateAllMarker() throws {
        let fixture = try OTTLFunctionFixture([kv("a", .string("abcdefghij")), kv("b", .string("aé")), kv("c", .string("short"))])
        _ = try fixture.run(.truncateAll, [Arg.attributes, Arg.int(5), Arg.bool(false), Arg.string("...")])
        #expect(fixture.attributes["a"] == .string("ab..."))
        #expect(fixture.attributes["c"] == .string("short"))
        let utf8 = try OTTLFunctionFixture([kv("b", .string("aé"))])
        _ = try utf8.run(.truncateAll, [Arg.attributes, Arg.int(2)])
        #expect(utf8.attributes["b"] == .string("a"))
        #expect(throws: OTTLCompileError.self) {
            try OTTLFunctionFixture.compile(.truncateAll, [Arg.attributes, Arg.int(2), nil, Arg.string("(...)")])
        }
    }

    // pkg/ottl/ottlfuncs/func_limit_test.go @06141ee
    @Test("limit keeps the priority keys and the first others in order")
    func limit() throws {
        let cases: [(limit: Int64, keep: [String], expected: [String])] = [
            (1, [], ["test"]), (0, [], []), (100, [], ["test", "test2", "test3"]), (3, [], ["test", "test2", "test3"]),
            (2, ["test3"], ["test", "test3"]), (2, ["test", "test3"], ["test", "test3"]), (1, ["te"], ["test"]),
            (2, ["te", "test3"], ["test", "test3"]),
        ]
        for entry in cases {
            let fixture = try OTTLFunctionFixture(m0)
            _ = try fixture.run(.limit, [Arg.attributes, Arg.int(entry.limit), Arg.strings(entry.keep)])
            #expect(fixture.attributes.keys == entry.expected, "\(entry.limit) \(entry.keep)")
        }
        #expect(throws: OTTLCompileError.self) { try OTTLFunctionFixture.compile(.limit, [Arg.attributes, Arg.int(-1), Arg.strings([])]) }
        #expect(throws: OTTLCompileError.self) { try OTTLFunctionFixture.compile(.limit, [Arg.attributes, Arg.int(1), Arg.strings(["test", "test"])]) }
    }

    // pkg/ottl/ottlfuncs/func_merge_maps_test.go @06be845
    @Test("merge_maps: insert adds missing keys, update overwrites present ones, upsert does both")
    func mergeMaps() throws {
        let cases: [(strategy: String, source: [OTLPKeyValue], expected: [OTLPKeyValue])] = [
            ("upsert", [kv("attr2", .string("value2"))], [kv("attr1", .string("value1")), kv("attr2", .string("value2"))]),
            ("upsert", [kv("attr1", .string("value3")), kv("attr2", .string("value2"))], [kv("attr1", .string("value3")), kv("attr2", .string("value2"))]),
            ("insert", [kv("attr1", .string("value3")), kv("attr2", .string("value2"))], [kv("attr1", .string("value1")), kv("attr2", .string("value2"))]),
            ("update", [kv("attr2", .string("value2"))], [kv("attr1", .string("value1"))]),
            ("update", [kv("attr1", .string("value3"))], [kv("attr1", .string("value3"))]),
        ]
        for entry in cases {
            let fixture = try OTTLFunctionFixture([kv("attr1", .string("value1"))])
            _ = try fixture.run(.mergeMaps, [Arg.attributes, Arg.dynamic(.map(entry.source)), Arg.string(entry.strategy)])
            #expect(fixture.attributes.pairs == entry.expected, "\(entry.strategy)")
        }
        let fixture = try OTTLFunctionFixture([kv("s", .string("x"))])
        #expect(throws: OTTLError("expected pcommon.Map but got string")) {
            try fixture.run(.mergeMaps, [Arg.attribute("s"), Arg.dynamic(.map([])), Arg.string("upsert")])
        }
        #expect(throws: OTTLError("expected pcommon.Map but got nil")) {
            try fixture.run(.mergeMaps, [Arg.attributes, Arg.dynamic(.null), Arg.string("upsert")])
        }
        #expect(throws: OTTLCompileError.self) { try OTTLFunctionFixture.compile(.mergeMaps, [Arg.attributes, Arg.dynamic(.null), Arg.string("merge")]) }
    }

    @Test("merge_maps with many keys rebuilds the map once, with the same result as key by key")
    func mergeManyKeys() throws {
        let target = (0..<20).map { kv("k\($0)", .int(Int64($0))) }
        let source = (10..<30).map { kv("k\($0)", .string("s\($0)")) }
        for strategy in ["insert", "update", "upsert"] {
            let fixture = try OTTLFunctionFixture(target)
            _ = try fixture.run(.mergeMaps, [Arg.attributes, Arg.dynamic(.map(source)), Arg.string(strategy)])
            var expected = target
            for pair in source {
                if let index = expected.firstIndex(where: { $0.key == pair.key }) {
                    if strategy != "insert" { expected[index].value = pair.value }
                } else if strategy != "update" {
                    expected.append(pair)
                }
            }
            #expect(fixture.attributes.pairs == expected, "\(strategy)")
        }
    }

    static let flattenInput = [
        kv("http.method", .string("get")),
        kv("foo", .map([kv("bar", .string("pass")), kv("flags", .string("pass")), kv("slice", .array([.string("val")])), kv("nested", .map([kv("test", .string("pass"))]))])),
    ]

    // pkg/ottl/e2e/e2e_test.go @008a0cb
    @Test("flatten: nested maps and lists to dotted keys; prefix; depth")
    func flatten() throws {
        let all = try OTTLFunctionFixture(Self.flattenInput)
        _ = try all.run(.flatten, [Arg.attributes])
        #expect(all.attributes.pairs == [
            kv("http.method", .string("get")), kv("foo.bar", .string("pass")), kv("foo.flags", .string("pass")), kv("foo.slice.0", .string("val")),
            kv("foo.nested.test", .string("pass")),
        ])
        let prefixed = try OTTLFunctionFixture(Self.flattenInput)
        _ = try prefixed.run(.flatten, [Arg.attributes, Arg.string("test")])
        #expect(prefixed.attributes.keys == ["test.http.method", "test.foo.bar", "test.foo.flags", "test.foo.slice.0", "test.foo.nested.test"])
        let none = try OTTLFunctionFixture(Self.flattenInput)
        _ = try none.run(.flatten, [Arg.attributes, nil, Arg.int(0)])
        #expect(none.attributes.pairs == Self.flattenInput)
        // The e2e test (@008a0cb) expects foo.slice.0 here: the flatten of its day split lists at any depth. The
        // newest func_flatten.go (index id 942121020, the one with resolveConflicts) counts lists as a level.
        let one = try OTTLFunctionFixture(Self.flattenInput)
        _ = try one.run(.flatten, [Arg.attributes, nil, Arg.int(1)])
        #expect(one.attributes.pairs == [
            kv("http.method", .string("get")), kv("foo.bar", .string("pass")), kv("foo.flags", .string("pass")), kv("foo.slice", .array([.string("val")])),
            kv("foo.nested", .map([kv("test", .string("pass"))])),
        ])
        #expect(throws: OTTLCompileError.self) { try OTTLFunctionFixture.compile(.flatten, [Arg.attributes, nil, Arg.int(-1)]) }
    }

    // pkg/ottl/ottlfuncs/func_flatten_test.go @4228235 and README @000d4c7
    @Test("flatten: the README's example, deep nesting, max depth, and resolveConflicts")
    func flattenReadme() throws {
        let fixture = try OTTLFunctionFixture([
            kv("name", .string("test")), kv("address", .map([kv("street", .string("first")), kv("house", .int(1234))])),
            kv("occupants", .array([.string("user 1"), .string("user 2")])),
        ])
        _ = try fixture.run(.flatten, [Arg.attributes])
        #expect(fixture.attributes.pairs == [
            kv("name", .string("test")), kv("address.street", .string("first")), kv("address.house", .int(1234)),
            kv("occupants.0", .string("user 1")), kv("occupants.1", .string("user 2")),
        ])
        let deep = try OTTLFunctionFixture([kv("0", .map([kv("1", .map([kv("2", .map([kv("3", .string("value"))]))]))]))])
        _ = try deep.run(.flatten, [Arg.attributes, nil, Arg.int(2)])
        #expect(deep.attributes.pairs == [kv("0.1.2", .map([kv("3", .string("value"))]))])

        let conflicts = try OTTLFunctionFixture([
            kv("address.street", .string("second")), kv("address", .map([kv("street", .string("first"))])),
            kv("occupants", .array([.string("user 1"), .string("user 2")])),
        ])
        _ = try conflicts.run(.flatten, [Arg.attributes, nil, nil, Arg.bool(true)])
        #expect(conflicts.attributes.pairs == [
            kv("address.street", .string("second")), kv("address.street.0", .string("first")), kv("occupants", .string("user 1")),
            kv("occupants.0", .string("user 2")),
        ])
    }
}
