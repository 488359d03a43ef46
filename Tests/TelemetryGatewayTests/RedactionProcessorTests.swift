import Foundation
import TelemetryOTLPData
import Testing

/// The Collector's redaction processor tests, each run over traces (resource, scope, span, span event),
/// logs (resource, scope, record) and metrics (resource, scope, a point of each of the five types).
/// Source: processor/redactionprocessor/processor_test.go@a6b52ab (open-telemetry/opentelemetry-collector-contrib).
@Suite("Processors: redaction (the Collector's tests)")
struct RedactionProcessorTests {
    /// Runs `processor` over `attributes` and checks `expect` on every map, in every place (the log body
    /// too, as a map, unless the Collector's test leaves it out).
    private func check(
        _ processor: String, _ attributes: [(String, OTLPValue)], bodyMap: Bool = true, sourceLocation: SourceLocation = #_sourceLocation,
        _ expect: (RedactionHarness.Map) -> Void
    ) throws {
        let harness = try RedactionHarness(processor: processor)
        defer { harness.gateway.shutdown() }
        let maps = try harness.run(attributes, bodyMap: bodyMap)
        #expect(maps.map(\.place).sorted() == RedactionHarness.places(bodyMap: bodyMap).sorted(), sourceLocation: sourceLocation)
        for map in maps { expect(map) }
    }

    /// The input of TestRedactSummaryDebug and its variants.
    private static let summaryInput: [(String, OTLPValue)] = [
        ("id", .int(5)), ("group.id", .string("some.valid.id")), ("member (id)", .string("some other valid id")),
        ("name", .string("placeholder 4111111111111111")), ("safe_attribute", .string("harmless 4111111111111112")),
        ("safeRE_attribute_id", .string("safe id")), ("safeRE_attribute_source", .string("safe source")),
        ("credit_card", .string("4111111111111111")), ("token_some", .string("tokenize")), ("api_key_some", .string("apinize")),
        ("email", .string("user@mycompany.com")),
    ]

    private static func summaryConfig(_ extra: String) -> String {
        """
          redaction:
            allowed_keys: [id, group, name, group.id, "member (id)", token_some, api_key_some, email]
            blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
            ignored_keys: [safe_attribute]
            ignored_key_patterns: ["safeRE_attribute.*"]
            blocked_key_patterns: [".*(token|api_key).*"]
            allowed_values: [".+@mycompany.com"]
            summary: debug
        \(extra)
        """
    }

    @Test("TestRedactUnknownAttributes: keys off allowed_keys are removed, the allowed ones kept as they were")
    func redactUnknownAttributes() throws {
        try check(
            """
              redaction:
                allowed_keys: [group, id, name]
            """,
            [
                ("group", .string("temporary")), ("id", .int(5)), ("name", .string("placeholder")), ("safe_attribute", .string("4111111111111112")),
                ("credit_card", .string("4111111111111111")),
            ]
        ) { map in
            #expect(map.pairs.count == 3, "\(map.place): \(map.keys)")
            #expect(map["group"] == .string("temporary") && map["id"] == .int(5) && map["name"] == .string("placeholder"), "\(map.place)")
            #expect(map["credit_card"] == nil && map["safe_attribute"] == nil, "\(map.place)")
        }
    }

    @Test("TestAllowAllKeys: allow_all_keys keeps keys off the list")
    func allowAllKeys() throws {
        try check(
            """
              redaction:
                allowed_keys: [group, id]
                allow_all_keys: true
            """, [("group", .string("temporary")), ("id", .int(5)), ("name", .string("placeholder"))]
        ) { map in
            #expect(map.pairs == [
                OTLPKeyValue(key: "group", value: .string("temporary")), OTLPKeyValue(key: "id", value: .int(5)),
                OTLPKeyValue(key: "name", value: .string("placeholder")),
            ], "\(map.place)")
        }
    }

    @Test("TestAllowAllKeysMaskValues: with allow_all_keys, blocked_values still mask the matching part")
    func allowAllKeysMaskValues() throws {
        try check(
            """
              redaction:
                allowed_keys: [group, id, name]
                blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
                allow_all_keys: true
            """,
            [
                ("group", .string("temporary")), ("id", .int(5)), ("name", .string("placeholder")),
                ("credit_card", .string("placeholder 4111111111111111")), ("email", .string("user@mycompany.com")),
            ]
        ) { map in
            #expect(map["credit_card"] == .string("placeholder ****"), "\(map.place)")
            #expect(map["email"] == .string("user@mycompany.com") && map["id"] == .int(5) && map["name"] == .string("placeholder"), "\(map.place)")
            #expect(map["redaction.masked.count"] == nil, "no summary by default")
        }
    }

    @Test("TestRedactSummaryDebug: removed, masked and allowed keys listed (sorted) and counted; blocked keys masked whole")
    func summaryDebug() throws {
        try check(Self.summaryConfig(""), Self.summaryInput) { map in
            #expect(map["credit_card"] == nil, "\(map.place)")
            #expect(map["redaction.redacted.keys"] == .string("credit_card") && map["redaction.redacted.count"] == .int(1), "\(map.place)")
            #expect(map["redaction.ignored.count"] == .int(3), "\(map.place)")
            #expect(map["redaction.masked.keys"] == .string("api_key_some,name,token_some"), "\(map.place)")
            #expect(map["redaction.masked.count"] == .int(3), "\(map.place)")
            #expect(map["name"] == .string("placeholder ****"), "\(map.place)")
            #expect(map["redaction.allowed.keys"] == .string("email") && map["redaction.allowed.count"] == .int(1), "\(map.place)")
            #expect(map["email"] == .string("user@mycompany.com"), "\(map.place)")
            #expect(map["api_key_some"] == .string("****") && map["token_some"] == .string("****"), "\(map.place)")
            #expect(map["safe_attribute"] == .string("harmless 4111111111111112") && map["id"] == .int(5), "\(map.place)")
        }
    }

    @Test("TestRedactSummaryDebugHashMD5 (and sha1, sha3: digests from Python's hashlib; the function name is case-insensitive): matches replaced by their hex digest", arguments: [
        ("md5", "5910f4ea0062a0e29afd3dccc741e3ce", "93a699237950bde9eb9d25c7ead025f3", "77e9ef3680c5518785ef0121d3884c3d"),
        ("SHA1", "68bfb396f35af3876fc509665b3dc23a0930aab1", "36a129f3d16fdc57d2abbdf29f1ccde95af237c6", "70a62ec5d8473e2687167f889dfe377270114e99"),
        (
            "sha3", "6099154214406cce6105a4688ab66533d3a55d1d7dd393cbccf22b487a22d922",
            "87875ef26632f7b6d67df167108a6f39fabae97d140fa080c5c960b6b6beb1eb", "52477f97ae28f8534eddc9303746b3323225ce8fc70bbabf1b4127b27284dc93"
        ),
    ])
    func summaryDebugHashed(function: String, card: String, apinize: String, tokenize: String) throws {
        try check(Self.summaryConfig("    hash_function: \(function)"), Self.summaryInput) { map in
            #expect(map["name"] == .string("placeholder \(card)"), "\(map.place)")
            #expect(map["api_key_some"] == .string(apinize) && map["token_some"] == .string(tokenize), "\(map.place)")
            #expect(map["redaction.masked.keys"] == .string("api_key_some,name,token_some") && map["redaction.masked.count"] == .int(3))
        }
    }

    @Test("TestRedactSummaryInfo: counts only; ignored values untouched")
    func summaryInfo() throws {
        try check(
            """
              redaction:
                allowed_keys: [id, name, group, email]
                blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
                ignored_keys: [safe_attribute]
                ignored_key_patterns: ["safeRE_attribute.*"]
                allowed_values: [".+@mycompany.com"]
                summary: info
            """,
            [
                ("id", .int(5)), ("safe_attribute", .string("harmless but suspicious 4111111111111141")), ("safeRE_attribute_id", .string("safe id")),
                ("safeRE_attribute_source", .string("safe source")), ("name", .string("placeholder 4111111111111111")),
                ("credit_card", .string("4111111111111111")), ("email", .string("user@mycompany.com")),
            ]
        ) { map in
            #expect(map["redaction.redacted.keys"] == nil && map["redaction.masked.keys"] == nil && map["redaction.allowed.keys"] == nil)
            #expect(map["redaction.redacted.count"] == .int(1) && map["redaction.masked.count"] == .int(1), "\(map.place)")
            #expect(map["redaction.allowed.count"] == .int(1) && map["redaction.ignored.count"] == .int(3), "\(map.place)")
            #expect(map["name"] == .string("placeholder ****") && map["email"] == .string("user@mycompany.com"), "\(map.place)")
            #expect(map["safe_attribute"] == .string("harmless but suspicious 4111111111111141"), "\(map.place)")
            #expect(map["safeRE_attribute_id"] == .string("safe id") && map["safeRE_attribute_source"] == .string("safe source"))
        }
    }

    @Test("TestRedactSummarySilent and TestRedactSummaryDefault: no summary attributes, masking still done", arguments: [
        "    summary: silent\n    blocked_values: [\"4[0-9]{12}(?:[0-9]{3})?\"]", "",
    ])
    func summarySilentAndDefault(extra: String) throws {
        try check(
            """
              redaction:
                allowed_keys: [id, name, group]
            \(extra)
            """, [("id", .int(5)), ("name", .string("placeholder 4111111111111111")), ("credit_card", .string("4111111111111111"))]
        ) { map in
            #expect(!map.keys.contains { $0.hasPrefix("redaction.") }, "\(map.place): \(map.keys)")
            #expect(map["credit_card"] == nil && map["id"] == .int(5), "\(map.place)")
            #expect(map["name"] == .string(extra.isEmpty ? "placeholder 4111111111111111" : "placeholder ****"), "\(map.place)")
        }
    }

    @Test("TestMultipleBlockValues: every blocked_values pattern masks its matches")
    func multipleBlockValues() throws {
        try check(
            """
              redaction:
                allowed_keys: [id, name, mystery]
                blocked_values: ["4[0-9]{12}(?:[0-9]{3})?", "(5[1-5][0-9]{3})"]
                summary: debug
            """,
            [
                ("id", .int(5)), ("name", .string("placeholder 4111111111111111 52000")), ("mystery", .string("mystery 52000")),
                ("credit_card", .string("4111111111111111")),
            ]
        ) { map in
            #expect(map["name"] == .string("placeholder **** ****") && map["mystery"] == .string("mystery ****"), "\(map.place)")
            #expect(map["redaction.masked.keys"] == .string("mystery,name") && map["redaction.masked.count"] == .int(2), "\(map.place)")
            #expect(map["redaction.redacted.keys"] == .string("credit_card"), "\(map.place)")
        }
    }

    @Test("TestProcessAttrsAppliedTwice: a second redaction keeps the summary attributes and adds to them")
    func appliedTwice() throws {
        try check(
            """
              redaction:
                allowed_keys: [id, credit_card, mystery]
                blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
                summary: debug
            """,
            [
                ("id", .int(5)), ("redundant", .double(1.2)), ("mystery", .string("mystery ****")), ("credit_card", .string("4111111111111111")),
                ("redaction.redacted.keys", .string("dropped_attr1,dropped_attr2")), ("redaction.redacted.count", .int(2)),
                ("redaction.masked.keys", .string("mystery")), ("redaction.masked.count", .int(1)),
            ], bodyMap: false
        ) { map in
            #expect(map.pairs.count == 7, "\(map.place): \(map.keys)")
            #expect(map["redaction.redacted.keys"] == .string("dropped_attr1,dropped_attr2,redundant"), "\(map.place)")
            #expect(map["redaction.redacted.count"] == .int(3) && map["redaction.masked.count"] == .int(2), "\(map.place)")
            #expect(map["redaction.masked.keys"] == .string("credit_card,mystery") && map["credit_card"] == .string("****"), "\(map.place)")
        }
    }

    @Test("TestRedactAllTypesTrue/False: redact_all_types matches an int by its text and masks it into a string")
    func redactAllTypes() throws {
        for (flag, expected) in [(true, OTLPValue.string("****")), (false, OTLPValue.int(4_111_111_111_111_111))] {
            try check(
                """
                  redaction:
                    allow_all_keys: true
                    blocked_values: ["4[0-9]{12}(?:[0-9]{3})?"]
                    redact_all_types: \(flag)
                """, [("credit_card_int", .int(4_111_111_111_111_111)), ("pi", .double(3.14))], bodyMap: false
            ) { map in
                #expect(map["credit_card_int"] == expected, "\(flag) \(map.place)")
                #expect(map["pi"] == .double(3.14), "\(map.place)")
            }
        }
    }

    @Test("TestSpanEventRedacted: span event attributes are redacted too")
    func spanEventRedacted() throws {
        try check(
            """
              redaction:
                allow_all_keys: true
                blocked_values: ["xyzxyz"]
                summary: debug
            """, [("password", .string("xyzxyz")), ("username", .string("foobar"))], bodyMap: false
        ) { map in
            #expect(map["password"] == .string("****") && map["username"] == .string("foobar"), "\(map.place)")
            #expect(map["redaction.masked.keys"] == .string("password") && map["redaction.masked.count"] == .int(1), "\(map.place)")
        }
    }
}
