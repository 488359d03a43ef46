import TelemetryOTLPData
import Testing

/// The Collector's attribute actions (internal/coreinternal/attraction), run through a gateway on span,
/// log record and data point attributes alike: every vector of attraction_test.go and the hash and
/// convert vectors of the attributes processor's tests.
@Suite("Attributes processor: actions")
struct AttributeActionTests {
    typealias Case = (input: [(String, OTLPValue)], expected: [OTLPKeyValue])

    /// Runs `actions` (YAML list items, one per line) over every case as a span, a log record and a data
    /// point, and checks each comes out as expected (attribute order included).
    static func check(_ actions: String, _ cases: [Case], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let indented = actions.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n")
        let harness = try AttributesHarness("  attributes:\n    actions:\n\(indented)", list: "attributes")
        defer { harness.gateway.shutdown() }
        try harness.send(cases.map { AttributesHarness.Span(attributes: $0.input) })
        try harness.send(cases.map { AttributesHarness.Log(attributes: $0.input) })
        try harness.send(cases.map { AttributesHarness.Metric(points: [$0.input]) })
        let expected = cases.map(\.expected)
        #expect(try harness.spanAttributes() == expected, "spans", sourceLocation: sourceLocation)
        #expect(try harness.logAttributes() == expected, "logs", sourceLocation: sourceLocation)
        #expect(try harness.pointAttributes() == expected, "data points", sourceLocation: sourceLocation)
    }

    // Source of the vectors below: internal/coreinternal/attraction/attraction_test.go (@f17fbd0).

    @Test("insert with a value: added when absent (typed int), never overwrites (TestAttributes_InsertValue)")
    func insertValue() throws {
        try Self.check("- {key: attribute1, value: 123, action: insert}", [
            ([], pairs(("attribute1", .int(123)))),
            ([("anotherkey", .string("bob"))], pairs(("anotherkey", .string("bob")), ("attribute1", .int(123)))),
            ([("attribute1", .string("bob"))], pairs(("attribute1", .string("bob")))),
        ])
    }

    @Test("insert from_attribute copies the value with its type, only when the source exists (TestAttributes_InsertFromAttribute)")
    func insertFromAttribute() throws {
        try Self.check("- {key: string key, from_attribute: anotherkey, action: insert}", [
            ([("bob", .int(1))], pairs(("bob", .int(1)))),
            ([("anotherkey", .int(8_892_342))], pairs(("anotherkey", .int(8_892_342)), ("string key", .int(8_892_342)))),
            ([("anotherkey", .int(8_892_342)), ("string key", .string("here"))], pairs(("anotherkey", .int(8_892_342)), ("string key", .string("here")))),
        ])
    }

    @Test("update with a value: only an existing key (TestAttributes_UpdateValue)")
    func updateValue() throws {
        try Self.check("- {key: db.secret, value: redacted, action: update}", [
            ([("boo", .string("foo"))], pairs(("boo", .string("foo")))),
            ([("db.secret", .string("password1234"))], pairs(("db.secret", .string("redacted")))),
        ])
    }

    @Test("update from_attribute: needs both keys; the value is replaced in place (TestAttributes_UpdateFromAttribute)")
    func updateFromAttribute() throws {
        try Self.check("- {key: boo, from_attribute: foo, action: update}", [
            ([("boo", .string("bob"))], pairs(("boo", .string("bob")))),
            ([("foo", .string("over there"))], pairs(("foo", .string("over there")))),
            (
                [("foo", .string("there is a party over here")), ("boo", .string("not here"))],
                pairs(("foo", .string("there is a party over here")), ("boo", .string("there is a party over here")))
            ),
        ])
    }

    @Test("upsert with a value: added or replaced (TestAttributes_UpsertValue)")
    func upsertValue() throws {
        try Self.check("- {key: region, value: planet-earth, action: upsert}", [
            ([], pairs(("region", .string("planet-earth")))),
            (
                [("mission", .string("to mars")), ("region", .string("solar system"))],
                pairs(("mission", .string("to mars")), ("region", .string("planet-earth")))
            ),
        ])
    }

    @Test("extract: named groups of the first match become string attributes, overwriting; no match or a non-string source does nothing (TestAttributes_Extract)")
    func extract() throws {
        try Self.check(#"- {key: user_key, pattern: '^\/api\/v1\/document\/(?P<new_user_key>.*)\/update\/(?P<version>.*)$', action: extract}"#, [
            ([("user_key", .int(1234))], pairs(("user_key", .int(1234)))),
            ([("user_key", .string("does not match"))], pairs(("user_key", .string("does not match")))),
            ([("user_key", .string("/api/v1/document/12345678/update"))], pairs(("user_key", .string("/api/v1/document/12345678/update")))),
            (
                [("user_key", .string("/api/v1/document/12345678/update/v1")), ("foo", .string("casa"))],
                pairs(("user_key", .string("/api/v1/document/12345678/update/v1")), ("foo", .string("casa")),
                      ("new_user_key", .string("12345678")), ("version", .string("v1")))
            ),
            (
                [("user_key", .string("/api/v1/document/12345678/update/v1")), ("new_user_key", .string("2321")), ("version", .string("na"))],
                pairs(("user_key", .string("/api/v1/document/12345678/update/v1")), ("new_user_key", .string("12345678")), ("version", .string("v1")))
            ),
        ])
    }

    @Test("upsert from_attribute keeps the int type (TestAttributes_UpsertFromAttribute)")
    func upsertFromAttribute() throws {
        try Self.check("- {key: new_user_key, from_attribute: user_key, action: upsert}", [
            ([("bob", .int(1))], pairs(("bob", .int(1)))),
            ([("user_key", .int(2245))], pairs(("user_key", .int(2245)), ("new_user_key", .int(2245)))),
            ([("user_key", .int(2245)), ("new_user_key", .int(5422))], pairs(("user_key", .int(2245)), ("new_user_key", .int(2245)))),
        ])
    }

    @Test("delete by key and by an unanchored pattern on keys; removal moves the last attribute into the gap, as pcommon.Map.Remove (TestAttributes_Delete, TestAttributes_DeleteRegexp)")
    func delete() throws {
        try Self.check("- {key: duplicate_key, pattern: '^duplicate_key_.', action: delete}", [
            (
                [("duplicate_key_a", .string("pass")), ("duplicate_key_b", .string("pass")), ("duplicate_key_c", .string("pass")),
                 ("original_key", .string("pass")), ("not_duplicate_key", .string("pass"))],
                // Upstream compares as maps; in order, swap-removal leaves the last key first.
                pairs(("not_duplicate_key", .string("pass")), ("original_key", .string("pass")))
            ),
            ([("duplicate_key", .int(3245)), ("original_key", .int(3245))], pairs(("original_key", .int(3245)))),
        ])
        // Unanchored: `duplicate.*` also matches `not_duplicate_key`.
        try Self.check("- {pattern: 'duplicate.*', action: delete}", [
            ([("duplicate_key", .int(1)), ("original_key", .int(2)), ("not_duplicate_key", .int(3))], pairs(("original_key", .int(2)))),
        ])
        // Swap-removal order: removing the first of a, b, c leaves c, b.
        try Self.check("- {key: a, action: delete}", [
            ([("a", .int(1)), ("b", .int(2)), ("c", .int(3))], pairs(("c", .int(3)), ("b", .int(2)))),
        ])
    }

    @Test("delete and hash without `key` also act on an attribute whose key is empty, as upstream's Remove(\"\") and Get(\"\") do")
    func emptyKey() throws {
        try Self.check("- {pattern: '^zz', action: delete}", [([("", .int(1)), ("a", .int(2))], pairs(("a", .int(2))))])
        try Self.check("- {pattern: '^zz', action: hash}", [([("", .string("foo"))], pairs(("", .string("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"))))])
    }

    @Test("Actions apply in order (TestAttributes_Ordering)")
    func ordering() throws {
        try Self.check("""
            - {key: operation, value: default, action: insert}
            - {key: svc.operation, from_attribute: operation, action: upsert}
            - {key: operation, action: delete}
            """, [
            ([("foo", .string("casa"))], pairs(("foo", .string("casa")), ("svc.operation", .string("default")))),
            ([("foo", .string("casa")), ("operation", .string("arithmetic"))], pairs(("foo", .string("casa")), ("svc.operation", .string("arithmetic")))),
            ([("foo", .string("casa")), ("svc.operation", .string("some value"))], pairs(("foo", .string("casa")), ("svc.operation", .string("default")))),
            (
                [("foo", .string("casa")), ("operation", .string("arithmetic")), ("svc.operation", .string("add"))],
                pairs(("foo", .string("casa")), ("svc.operation", .string("arithmetic")))
            ),
        ])
    }

    @Test("from_attribute naming the key itself changes nothing (TestAttributes_FromAttributeNoChange)")
    func fromAttributeNoChange() throws {
        try Self.check("""
            - {key: boo, from_attribute: boo, action: insert}
            - {key: boo, from_attribute: boo, action: update}
            - {key: boo, from_attribute: boo, action: upsert}
            """, [([("boo", .string("ghosts are scary"))], pairs(("boo", .string("ghosts are scary"))))])
    }

    // Source: processor/attributesprocessor/attributes_trace_test.go (TestAttributes_Hash, @59e14f7), and
    // attraction_test.go TestAttributes_HashValue: SHA-256 of the UTF-8, of 8 little-endian bytes for
    // ints and doubles, of one byte for bools.
    @Test("hash is SHA-256 in lowercase hex, by key and by pattern (the README's \"SHA1\" is stale)")
    func hash() throws {
        try Self.check("""
            - {key: user.email, action: hash}
            - {key: user.id, action: hash}
            - {key: user.balance, action: hash}
            - {key: user.authenticated, action: hash}
            """, [(
                [("user.email", .string("john.doe@example.com")), ("user.id", .int(10)), ("user.balance", .double(99.1)), ("user.authenticated", .bool(true))],
                pairs(
                    ("user.email", .string("836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f")),
                    ("user.id", .string("a111f275cc2e7588000001d300a31e76336d15b9d314cd1a1d8f3d3556975eed")),
                    ("user.balance", .string("05fabd78b01be9692863cb0985f600c99da82979af18db5c55173c2a30adb924")),
                    ("user.authenticated", .string("4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a")))
            )])
        // Anchored pattern; false hashes as the byte 0x00; a map, and the empty string, become "".
        try Self.check("- {pattern: '^updatemeby.*', action: hash}", [(
            [("updatemebyregexp", .string("foo")), ("donotupdatemebyregexp", .string("foo")), ("updatemebyfalse", .bool(false)),
             ("updatemebymap", .map(pairs(("k", .int(1))))), ("updatemebyempty", .string(""))],
            pairs(("updatemebyregexp", .string("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")),
                  ("donotupdatemebyregexp", .string("foo")),
                  ("updatemebyfalse", .string("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")),
                  ("updatemebymap", .string("")), ("updatemebyempty", .string("")))
        )])
    }

    // Source: processor/attributesprocessor/attributes_trace_test.go TestAttributes_Convert (@59e14f7).
    @Test("convert: to int, double and string as pdata does; what cannot be converted stays as it is")
    func convert() throws {
        try Self.check("""
            - {key: to.int, action: convert, converted_type: int}
            - {key: to.double, action: convert, converted_type: double}
            - {key: to.string, action: convert, converted_type: string}
            """, [
            ([("to.int", .int(1)), ("to.double", .string("123")), ("to.string", .double(99.1))],
             pairs(("to.int", .int(1)), ("to.double", .double(123)), ("to.string", .string("99.1")))),
            ([("to.int", .bool(true)), ("to.double", .string("123.6"))], pairs(("to.int", .int(1)), ("to.double", .double(123.6)))),
            ([("to.int", .bool(false)), ("to.double", .string("int-10"))], pairs(("to.int", .int(0)), ("to.double", .string("int-10")))),
            ([("to.int", .string("123"))], pairs(("to.int", .int(123)))),
            ([("to.int", .string("int-10"))], pairs(("to.int", .string("int-10")))),
            // Beyond the upstream vectors: truncation toward zero, Go's ParseInt/ParseFloat forms, and
            // pdata's AsString (encoding/json's number form; JSON with sorted keys for a map).
            ([("to.int", .double(-3.9)), ("to.double", .string("1e3"))], pairs(("to.int", .int(-3)), ("to.double", .double(1000)))),
            ([("to.int", .string("1.0")), ("to.double", .string("0x1p-2"))], pairs(("to.int", .string("1.0")), ("to.double", .double(0.25)))),
            ([("to.int", .string("+5")), ("to.double", .string("1e400"))], pairs(("to.int", .int(5)), ("to.double", .string("1e400")))),
            ([("to.string", .double(1e21))], pairs(("to.string", .string("1e+21")))),
            ([("to.string", .double(1e-7))], pairs(("to.string", .string("1e-7")))),
            ([("to.string", .double(100))], pairs(("to.string", .string("100")))),
            ([("to.string", .double(123_456_789_012_345_680))], pairs(("to.string", .string("123456789012345680")))),
            ([("to.string", .double(0.000_001_5))], pairs(("to.string", .string("0.0000015")))),
            ([("to.string", .int(-42))], pairs(("to.string", .string("-42")))),
            ([("to.string", .bool(true))], pairs(("to.string", .string("true")))),
            ([("to.string", .bytes([0, 1, 2]))], pairs(("to.string", .string("AAEC")))),
            ([("to.string", .map(pairs(("b", .double(1.5)), ("a", .array([.int(1), .string("<x>")])))))],
             pairs(("to.string", .string(#"{"a":[1,"<x>"],"b":1.5}"#)))),
        ])
    }
}
