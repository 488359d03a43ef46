import Telemetry
import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// The converters, with the Collector's test vectors.
@Suite("OTTL converters")
struct OTTLConverterTests {
    static func call(_ function: OTTLFunction, _ arguments: OTTLArgumentValue?...) throws -> OTTLValue {
        try OTTLFunctionFixture().run(function, arguments)
    }

    static func call(_ function: OTTLFunction, _ value: OTTLValue) throws -> OTTLValue {
        try call(function, Arg.dynamic(value))
    }

    // pkg/ottl/ottlfuncs/func_is_match_test.go @03e682c; e2e @008a0cb
    @Test("IsMatch: the stringified target against the regex, anywhere; nil is false; a bad literal regex is a compile error")
    func isMatch() throws {
        let cases: [(target: OTTLValue, pattern: String, expected: Bool)] = [
            (.string("hello world"), "hello.*", true), (.string("goodbye world"), "hello.*", false),
            (.string("-12.001"), #"[-+]?\d*\.\d+([eE][-+]?\d+)?"#, true), (.bool(true), "true", true), (.int(1), #"\d"#, true),
            (.double(1.1), #"\d\.\d"#, true), (.string("test"), "test", true), (.null, "test", false), (.string("operationA"), "operation[AC]", true),
        ]
        for entry in cases {
            #expect(try Self.call(.isMatch, Arg.dynamic(entry.target), Arg.string(entry.pattern)) == .bool(entry.expected), "\(entry)")
        }
        do {
            _ = try OTTLFunctionFixture.compile(.isMatch, [Arg.dynamic(.string("a")), Arg.string(#"\K"#)])
            Issue.record("compiled")
        } catch {
            #expect(error.message.hasPrefix(#"the regex pattern supplied to IsMatch '"\\K"' is not a valid pattern: error parsing regexp: "#))
        }
    }

    // pkg/ottl/ottlfuncs/func_concat_test.go @01a1685; e2e @008a0cb
    @Test("Concat: stringified values joined; nil is <nil>; bytes hex; lists and maps JSON")
    func concat() throws {
        let cases: [(values: [OTLPValue], delimiter: String, expected: String)] = [
            ([.string("hello"), .string("world")], " ", "hello world"), ([.string("hello"), .empty, .string("world")], "", "hello<nil>world"),
            ([.string("hello"), .int(1)], "", "hello1"), ([.string("hello"), .double(3.14159)], "", "hello3.14159"),
            ([.string("hello"), .bool(true)], " ", "hello true"),
            ([.bytes([0, 0, 0, 0, 0, 0, 0, 0, 0x0e, 0xd2, 0xe6, 0x3c, 0xbe, 0x71, 0xf5, 0xa8])], "", "00000000000000000ed2e63cbe71f5a8"),
            ([.array([.int(1), .int(2)]), .array([.int(3), .int(4)])], ",", "[1,2],[3,4]"),
            ([.map([kv("a", .string("b"))]), .map([kv("c", .string("d"))])], ",", #"{"a":"b"},{"c":"d"}"#),
            ([.string(""), .string(""), .string("")], "__", "____"), ([], "", ""), ([.string("A"), .string("B")], ":", "A:B"),
        ]
        for entry in cases {
            #expect(try Self.call(.concat, Arg.literal(.list(entry.values)), Arg.string(entry.delimiter)) == .string(entry.expected), "\(entry.expected)")
        }
    }

    // pkg/ottl/ottlfuncs/func_split_test.go @03267c0
    @Test("Split: Go's strings.Split")
    func split() throws {
        let cases: [(text: String, delimiter: String, expected: [String])] = [
            ("A|B|C", "|", ["A", "B", "C"]), ("", "|", [""]), ("A|B|C", "", ["A", "|", "B", "|", "C"]), ("", "", []),
            ("a--b---c", "--", ["a", "b", "-c"]), ("aaab", "aab", ["a", ""]), ("é|é", "|", ["é", "é"]),
        ]
        for entry in cases {
            #expect(try Self.call(.split, Arg.dynamic(.string(entry.text)), Arg.string(entry.delimiter)) == .list(entry.expected.map(OTLPValue.string)))
        }
        #expect(throws: OTTLError("expected string but got int64")) { try Self.call(.split, Arg.dynamic(.int(1)), Arg.string("|")) }
        #expect(throws: OTTLError("expected string but got int64")) { try Self.call(.split, Arg.dynamic(.string("a")), Arg.int(1)) }
    }

    // pkg/ottl/ottlfuncs/func_substring_test.go @022c6ff
    @Test("Substring: bytes by default, characters with utf8_safe; out-of-range arguments are errors")
    func substring() throws {
        let cases: [(text: String, start: Int64, length: Int64, safe: Bool, expected: String?)] = [
            ("123456789", 3, 3, false, "456"), ("123456789", 0, 9, false, "123456789"), ("一二三", 0, 1, false, "\u{FFFD}"),
            ("123456789", 0, 0, false, nil), ("123456789", -1, 6, false, nil), ("", 3, 6, false, nil), ("123456789", 3, 20, false, nil),
            ("123456789", .max - 2, 10, false, nil), ("123456789", 5, .max, false, nil), ("pass", 0, 2, false, "pa"),
            ("一二三", 0, 1, true, "一"), ("一二三", 0, 3, true, "一二三"), ("一二三", 1, 1, true, "二"), ("🎉🎊🎈", 1, 2, true, "🎊🎈"),
            ("ab一c", 1, 2, true, "b一"), ("一二三", 4, 1, true, nil), ("一二三", 0, 4, true, nil), ("一二三", 2, 2, true, nil),
        ]
        for entry in cases {
            let arguments = [Arg.dynamic(.string(entry.text)), Arg.dynamic(.int(entry.start)), Arg.dynamic(.int(entry.length)), Arg.bool(entry.safe)]
            if let expected = entry.expected {
                #expect(try OTTLFunctionFixture().run(.substring, arguments) == .string(expected), "\(entry)")
            } else {
                #expect(throws: OTTLError.self, "\(entry)") { try OTTLFunctionFixture().run(.substring, arguments) }
            }
        }
        #expect(throws: OTTLError("invalid start for substring function, -1 cannot be negative")) {
            try Self.call(.substring, Arg.dynamic(.string("abc")), Arg.int(-1), Arg.int(1))
        }
        #expect(throws: OTTLError("expected string but got nil")) { try Self.call(.substring, Arg.dynamic(.null), Arg.int(0), Arg.int(1)) }
    }

    // pkg/ottl/ottlfuncs/func_to_lower_case_test.go @03267c0; README (ToUpperCase)
    @Test("ToLowerCase / ToUpperCase")
    func caseConversion() throws {
        #expect(try Self.call(.toLowerCase, .string("SIMPLE")) == .string("simple"))
        #expect(try Self.call(.toLowerCase, .string("simple")) == .string("simple"))
        #expect(try Self.call(.toLowerCase, .string("complex_SET-of.WORDS1234")) == .string("complex_set-of.words1234"))
        #expect(try Self.call(.toLowerCase, .string("")) == .string(""))
        #expect(try Self.call(.toUpperCase, .string("MyMetricName")) == .string("MYMETRICNAME"))
        #expect(throws: OTTLError("expected string but got int64")) { try Self.call(.toLowerCase, .int(1)) }
        #expect(throws: OTTLError("expected string but got nil")) { try Self.call(.toUpperCase, .null) }
    }

    // pkg/ottl/ottlfuncs/func_int_test.go @03267c0
    @Test("Int: IntLikeGetter")
    func int() throws {
        let cases: [(OTTLValue, OTTLValue)] = [
            (.string("50"), .int(50)), (.string(""), .null), (.string("test"), .null), (.int(333), .int(333)), (.double(2.7), .int(2)),
            (.double(55.0), .int(55)), (.bool(true), .int(1)), (.bool(false), .int(0)), (.null, .null), (.string("2.0"), .null),
        ]
        for (input, expected) in cases { #expect(try Self.call(.int, input) == expected, "\(input)") }
        #expect(throws: OTTLError("unsupported type: pcommon.Map")) { try Self.call(.int, .map([])) }
    }

    // pkg/ottl/ottlfuncs/func_double_test.go @092672a; e2e @008a0cb
    @Test("Double: FloatLikeGetter (a string that does not parse is an error)")
    func double() throws {
        let cases: [(OTTLValue, OTTLValue)] = [
            (.string("50"), .double(50)), (.int(333), .double(333)), (.double(2.7), .double(2.7)), (.bool(true), .double(1)), (.bool(false), .double(0)),
            (.null, .null), (.string("1"), .double(1)), (.int(1), .double(1)), (.double(1.0), .double(1)),
        ]
        for (input, expected) in cases { #expect(try Self.call(.double, input) == expected, "\(input)") }
        #expect(throws: OTTLError.self) { try Self.call(.double, .string("")) }
        #expect(throws: OTTLError.self) { try Self.call(.double, .string("test")) }
        #expect(throws: OTTLError.self) { try Self.call(.double, .list([])) }
    }

    // pkg/ottl/ottlfuncs/func_string_test.go @008a0cb
    @Test("String: StringLikeGetter — bytes hex, numbers in Go's shortest form, maps with sorted keys")
    func string() throws {
        let cases: [(OTTLValue, OTTLValue)] = [
            (.string("test"), .string("test")), (.string(""), .string("")), (.int(333), .string("333")), (.double(2.7), .string("2.7")),
            (.double(55.0), .string("55")), (.bool(true), .string("true")), (.null, .null), (.bytes([123]), .string("7b")),
            (.map([kv("2", .bool(false)), kv("1", .bool(true))]), .string(#"{"1":true,"2":false}"#)),
            (.list([.int(1), .int(2), .int(3)]), .string("[1,2,3]")), (.bytes([1, 2, 3, 4, 5, 6, 7, 8]), .string("0102030405060708")),
            (.double(1e21), .string("1e+21")), (.double(1e-7), .string("1e-7")), (.double(0.000001), .string("0.000001")),
            (.double(-0.5), .string("-0.5")), (.double(123456789012), .string("123456789012")),
            (.map([kv("s", .string("<a&b>\n")), kv("b", .bytes([1, 2, 3]))]), .string(#"{"b":"AQID","s":"\u003ca\u0026b\u003e\n"}"#)),
        ]
        for (input, expected) in cases { #expect(try Self.call(.string, input) == expected, "\(input)") }
        #expect(throws: OTTLError.self) { try Self.call(.string, .double(.nan)) }
    }

    // pkg/ottl/ottlfuncs/func_len_test.go @010db43; e2e @008a0cb
    @Test("Len: bytes of a string, pairs of a map, items of a list; nil is an error")
    func len() throws {
        #expect(try Self.call(.len, .string("a string")) == .int(8))
        #expect(try Self.call(.len, .map([kv("a", .int(1)), kv("b", .int(1)), kv("c", .int(1)), kv("d", .int(1))])) == .int(4))
        #expect(try Self.call(.len, .list([.int(1)])) == .int(1))
        #expect(try Self.call(.len, .bytes([1, 2, 3])) == .int(3))
        #expect(throws: OTTLError.self) { try Self.call(.len, .null) }
        #expect(throws: OTTLError("boom")) { try Self.call(.len, Arg.failing("boom")) }
    }

    // pkg/ottl/ottlfuncs/func_is_string_test.go, func_is_int_test.go @19d815c
    @Test("IsString / IsInt")
    func typeChecks() throws {
        #expect(try Self.call(.isString, .string("a string")) == .bool(true))
        for value: OTTLValue in [.int(1), .list([]), .null] { #expect(try Self.call(.isString, value) == .bool(false)) }
        #expect(try Self.call(.isInt, .int(0)) == .bool(true))
        for value: OTTLValue in [.double(2.7), .string("string"), .string("0"), .list([]), .null] { #expect(try Self.call(.isInt, value) == .bool(false)) }
        #expect(throws: OTTLError("boom")) { try Self.call(.isString, Arg.failing("boom")) }
    }

    // pkg/ottl/ottlfuncs/func_parse_json_test.go @03267c0; e2e @008a0cb
    @Test("ParseJSON: objects to maps, arrays to lists, numbers to doubles, null to empty")
    func parseJSON() throws {
        let cases: [(String, OTTLValue)] = [
            (#"{"test":"string value"}"#, .map([kv("test", .string("string value"))])), (#"{"test":true}"#, .map([kv("test", .bool(true))])),
            (#"{"test":1}"#, .map([kv("test", .double(1))])), (#"{"test":1.1}"#, .map([kv("test", .double(1.1))])),
            (#"{"test":null}"#, .map([kv("test", .empty)])), (#"{"test":["string","value"]}"#, .map([kv("test", .array([.string("string"), .string("value")]))])),
            (#"["string","value"]"#, .list([.string("string"), .string("value")])),
            (#"[{"test":"value"},{"test":"value"}]"#, .list([.map([kv("test", .string("value"))]), .map([kv("test", .string("value"))])])),
            (#"{"test":{"nested":"true"}}"#, .map([kv("test", .map([kv("nested", .string("true"))]))])),
            (
                #"{"test5":[[1],[2,3],[]],"test6":null}"#,
                .map([kv("test5", .array([.array([.double(1)]), .array([.double(2), .double(3)]), .array([])])), kv("test6", .empty)])
            ),
            (#"{"json_test":"pass"}"#, .map([kv("json_test", .string("pass"))])),
            (#" { "a" : "\u00e9\ud83d\ude00\n\"" , "a" : -0.5e1 } "#, .map([kv("a", .double(-5))])),
            (#"{"s":"\u00e9\ud83d\ude00\n\"\/"}"#, .map([kv("s", .string("é😀\n\"/"))])),
        ]
        for (text, expected) in cases { #expect(try Self.call(.parseJSON, .string(text)) == expected, "\(text)") }
        for invalid in ["", "{", #"{"a"}"#, "[1,]", "01", "1", #""s""#, "{} x", "[1e400]", "\"\u{01}\"", "tru", #"{"a":1,}"#] {
            #expect(throws: OTTLError.self, "\(invalid)") { try Self.call(.parseJSON, .string(invalid)) }
        }
        #expect(throws: OTTLError("expected string but got int64")) { try Self.call(.parseJSON, .int(1)) }
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try Self.call(.parseJSON, .string(deep)) != .null)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: OTTLError.self) { try Self.call(.parseJSON, .string(tooDeep)) }
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(throws: OTTLError.self) { try Self.call(.parseJSON, .string(hostile)) }
    }

    // pkg/ottl/ottlfuncs/func_now_test.go @36ee7b2; func_unix_nano_test.go @03267c0
    @Test("Now is the wall clock in nanoseconds; UnixNano gives a time's nanoseconds")
    func time() throws {
        guard case .int(let now) = try Self.call(.now) else {
            Issue.record("Now gave no int")
            return
        }
        #expect(abs(now - Int64(WallClock.nowNanos())) < 1_000_000_000)
        #expect(try Self.call(.unixNano, .int(1_672_531_200_000_000_000)) == .int(1_672_531_200_000_000_000))
        #expect(throws: OTTLError("expected time but got string")) { try Self.call(.unixNano, .string("x")) }
    }

    // pkg/ottl/ottlfuncs/func_trace_id_test.go, func_span_id_test.go @03267c0
    @Test("TraceID / SpanID: raw bytes or hex; other lengths and bad hex are errors")
    func ids() throws {
        let trace = (1...16).map(UInt8.init)
        #expect(try Self.call(.traceID, Arg.literal(.bytes(trace))) == .bytes(trace))
        #expect(try Self.call(.traceID, .string("0102030405060708090a0b0c0d0e0f10")) == .bytes(trace))
        for length in [15, 17, 33] {
            #expect(throws: OTTLError("TraceID: could not decode ID: invalid length: expected 16 or 32 bytes, got \(length)")) {
                try Self.call(.traceID, Arg.literal(.bytes([UInt8](repeating: 1, count: length))))
            }
        }
        #expect(throws: OTTLError("TraceID: could not decode ID: invalid hex: encoding/hex: invalid byte: U+005A 'Z'")) {
            try Self.call(.traceID, .string("ZZ02030405060708090a0b0c0d0e0f10"))
        }
        let span = (1...8).map(UInt8.init)
        #expect(try Self.call(.spanID, .bytes(span)) == .bytes(span))
        #expect(try Self.call(.spanID, .string("0102030405060708")) == .bytes(span))
        for length in [7, 9, 17] { #expect(throws: OTTLError.self) { try Self.call(.spanID, .bytes([UInt8](repeating: 1, count: length))) } }
        #expect(throws: OTTLError.self) { try Self.call(.spanID, .string("ZZ02030405060708")) }
    }

    @Test("The standard table holds every function of the slice, editors lowercase and converters uppercase")
    func standardTable() {
        let names = Set(OTTLFunctionTable.standard.functions.keys)
        #expect(names.isSuperset(of: [
            "set", "delete_key", "delete_matching_keys", "keep_keys", "keep_matching_keys", "replace_pattern", "replace_all_patterns", "replace_match",
            "replace_all_matches", "truncate_all", "limit", "merge_maps", "flatten", "IsMatch", "Concat", "Split", "Substring", "ToLowerCase",
            "ToUpperCase", "Int", "Double", "String", "Len", "IsString", "IsInt", "ParseJSON", "Now", "UnixNano", "TraceID", "SpanID",
        ]))
        for function in OTTLFunctionTable.standard.functions.values {
            #expect((function.kind == .editor) == (function.name.first?.isLowercase ?? false), "\(function.name)")
            #expect(function.required <= function.parameters.count)
        }
    }
}
