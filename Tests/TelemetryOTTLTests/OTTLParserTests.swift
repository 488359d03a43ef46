import TelemetryOTTL
import Testing

/// The parser on the Collector's own vectors (`pkg/ottl/parser_test.go` `Test_parse`/`Test_parse_failure`,
/// `pkg/ottl/e2e/e2e_test.go`; research memo §1.10), its custom errors, and error positions.
@Suite("OTTL parser: the Collector's grammar, vectors and errors")
struct OTTLParserTests {
    typealias T = Tree

    // pkg/ottl/parser_test.go Test_parse_failure (the memo's §1.10 list).
    @Test(
        "Statements the Collector refuses fail to parse",
        arguments: [
            "set(", "set(\"foo)", "set(name.)", "(\"foo\")", "set(\"foo\") where name =||= \"fido\"", "set(\"foo\") where name = \"fido\"",
            "set(\"foo\") where name or \"fido\"", "set(\"foo\") where name and \"fido\"", "set(\"foo\") where name and",
            "set(\"foo\") where name or", "set(\"foo\") where (", "set(\"foo\") where )", "set(\"foo\") where (name == \"fido\"))",
            "set(\"foo\") where ((name == \"fido\")", "set(x) where a < b < c", "set(x, 1.)", "set(x, 1e3)", "set(x, 0x123)", "set(x, 0x)",
            "set(x, --1)", "set(x, {a: 1})", "set(x, {1: 2})", "set(x, \"a\" + 1)", "set(x, traceId)", "set(x, [1, 2,])", "",
            "set(x, y) where", "set(x, IsString)[0]", "set(x) foo", "set(x, 'a')", "set(x, _y)", "set(x, y) where IsMatch",
        ])
    func refused(statement: String) {
        #expect(throws: OTTLSyntaxError.self, "\(statement)") { try OTTLParser.statement(statement) }
    }

    @Test("The Collector's parse vectors give the trees they describe")
    func collectorVectors() throws {
        // pkg/ottl/parser_test.go Test_parse ("complex path" / "where clause").
        #expect(
            try OTTLParser.statement("set(foo.attributes[\"bar\"].cat, \"dog\") where name == \"fido\"")
                == OTTLStatement(
                    editor: T.call("set", T.path(T.field("foo"), T.field("attributes", .string("bar")), T.field("cat")), T.string("dog")),
                    condition: T.equal(T.path("name"), T.string("fido"))))
        #expect(try OTTLParser.statement(#"set("fo\"o")"#).editor == T.call("set", T.string("fo\"o")))
        #expect(try OTTLParser.statement(#"set(attributes["test"], nil)"#).editor.arguments[1].value == .literal(.null))
        #expect(try OTTLParser.statement(#"set(attributes["test"], TEST_ENUM)"#).editor.arguments[1].value == T.enumSymbol("TEST_ENUM"))
        #expect(
            try OTTLParser.statement(#"set(attributes["test"], 0x0102030405060708)"#).editor.arguments[1].value
                == .literal(.bytes([1, 2, 3, 4, 5, 6, 7, 8])))
        #expect(
            try OTTLParser.statement(#"convert_gauge_to_sum("cumulative", false)"#).editor
                == T.call("convert_gauge_to_sum", T.string("cumulative"), .literal(.bool(false))))
        // Math on converter results inside a comparison.
        let timed = try OTTLParser.statement(#"set(attributes["test"], "pass") where Time("10", "%M") - Time("01", "%M") < Duration("10m")"#)
        #expect(
            timed.condition
                == .comparison(
                    .math(T.converter("Time", T.string("10"), T.string("%M")), .subtract, T.converter("Time", T.string("01"), T.string("%M"))),
                    .less, T.converter("Duration", T.string("10m"))))
        #expect(
            try OTTLParser.statement(#"merge_maps(attributes, ParseJSON("{\"json_test\":\"pass\"}"), "insert")"#).editor
                == T.call("merge_maps", T.path("attributes"), T.converter("ParseJSON", T.string("{\"json_test\":\"pass\"}")), T.string("insert")))
    }

    @Test("Grammar rules: editor and converter name case, indexed editors (pkg/ottl/grammar.go grammarCustomErrorsVisitor)")
    func grammarRules() {
        let cases: [(String, String)] = [
            (#"IsMatch(x, "a")"#, "editor names must start with a lowercase letter but got 'IsMatch'"),
            (#"set(x, concat(["a"], ""))"#, "converter names must start with an uppercase letter but got 'concat'"),
            (#"set(x, y)["k"]"#, "only paths and converters may be indexed, not editors, but got set[k]"),
            (#"set(x, 1) where concat(x) == "a""#, "converter names must start with an uppercase letter but got 'concat'"),
            (
                #"set(x, concat(y)[0]) where a(1) == b(2)"#,
                "converter names must start with an uppercase letter but got 'concat'; only paths and converters may be indexed, "
                    + "not editors, but got concat[0]; converter names must start with an uppercase letter but got 'a'; "
                    + "converter names must start with an uppercase letter but got 'b'"
            ),
        ]
        for (statement, message) in cases {
            do {
                _ = try OTTLParser.statement(statement)
                Issue.record("\(statement) parsed")
            } catch {
                #expect(error.isGrammarRule, "\(statement)")
                #expect(error.message == message, "\(statement)")
                #expect(error.collectorDescription == message)
            }
        }
    }

    @Test("Errors point at the line and byte column inside the statement, in the Collector's wording")
    func positions() {
        // The Collector's output quoted in grafana/alloy's tests (memo §1.2).
        let missingParen = error(#"set(body, "bear" where attributes["http.path"] == "/animal""#)
        #expect(missingParen?.position.description == "1:18")
        #expect(missingParen?.message.hasPrefix("unexpected token \"where\"") == true)
        #expect(missingParen?.collectorDescription.hasPrefix("statement has invalid syntax: 1:18: unexpected token \"where\" (expected") == true)
        #expect(missingParen?.description.hasPrefix("1:18: unexpected token \"where\"") == true)

        let escape = error(#"set(attributes["a"], "a\d")"#)
        #expect(escape?.position == OTTLPosition(line: 1, column: 22, offset: 21))
        #expect(escape?.message == #"invalid quoted string "\"a\\d\"": invalid syntax"#)

        let secondLine = error("set(x,\n  1 1)")
        #expect(secondLine?.position == OTTLPosition(line: 2, column: 5, offset: 11))
        let afterAccent = error("set(\"é\", y z)")
        #expect(afterAccent?.position.column == 13, "columns count bytes")
        #expect(error("set(x, y) ;")?.message == #"invalid input text ";""#)
        #expect(error("set(x, y) where")?.message.hasPrefix(#"unexpected token "<EOF>""#) == true)
        #expect(error("set(x, 9223372036854775808)")?.message == #"strconv.ParseInt: parsing "9223372036854775808": value out of range"#)
        #expect(error("set(x, 0xabc)")?.message == "invalid bytes 0xabc: encoding/hex: odd length hex string")
        #expect(error("set(x, {a: 1})")?.message == #"unexpected token "a" (expected a string key or "}")"#)
        #expect(throws: OTTLSyntaxError(subject: .condition, message: #"unexpected token "<EOF>" (expected a value)"#, position: OTTLPosition(line: 1, column: 8, offset: 7))) {
            try OTTLParser.condition("name ==")
        }
    }

    private func error(_ statement: String) -> OTTLSyntaxError? {
        do {
            _ = try OTTLParser.statement(statement)
            Issue.record("\(statement) parsed")
            return nil
        } catch {
            return error
        }
    }

    @Test("Strings unquote as Go's strconv.UnquoteChar: valid escapes only (e2e_test.go cases first)")
    func stringEscapes() throws {
        let valid: [(String, String)] = [
            (#""\\""#, "\\"), (#""\\\\""#, "\\\\"), (#""\"""#, "\""), (#""a'b""#, "a'b"), ("\"line\nbreak\"", "line\nbreak"),
            (#""\a\b\f\n\r\t\v""#, "\u{07}\u{08}\u{0C}\n\r\t\u{0B}"), (#""\x41\101\u00e9\U0001F600""#, "AAé😀"), (#""\xff\377""#, "ÿÿ"),
            (#""\x00""#, "\u{0}"), (#""\\d{4}""#, "\\d{4}"),
        ]
        for (literal, value) in valid {
            #expect(try OTTLParser.expression(literal) == T.string(value), "\(literal)")
        }
        for literal in [#""\d""#, #""\'""#, #""\.""#, #""\s""#, #""\400""#, #""\uD800""#, #""\x4""#, #""\U00110000""#, #""\8""#, "\"\\\n\"", #""\"#] {
            #expect(throws: OTTLSyntaxError.self, "\(literal)") { try OTTLParser.expression(literal) }
        }
        // e2e_test.go: keep_keys(attributes["foo"], ["\\", "bar"]) sees two keys.
        #expect(
            try OTTLParser.statement(#"keep_keys(attributes["foo"], ["\\", "bar"])"#).editor.arguments[1].value
                == .list([T.string("\\"), T.string("bar")]))
    }

    @Test("not binds to one value, and binds tighter than or; * and / tighter than + and -, all left-associative")
    func precedence() throws {
        let (a, b, c) = (T.equal(T.path("a"), T.int(1)), T.equal(T.path("b"), T.int(2)), T.equal(T.path("c"), T.int(3)))
        #expect(try OTTLParser.condition("a == 1 or b == 2 and c == 3") == .or([a, .and([b, c])]))
        #expect(try OTTLParser.condition("a == 1 and b == 2 or c == 3") == .or([.and([a, b]), c]))
        #expect(try OTTLParser.condition("not a == 1 and b == 2") == .and([.not(a), b]))
        #expect(try OTTLParser.condition("(a == 1 or b == 2) and c == 3") == .and([.group(.or([a, b])), c]))
        #expect(try OTTLParser.condition("a == 1 or b == 2 or c == 3") == .or([a, b, c]))
        #expect(try OTTLParser.condition("not (a == 1)") == .not(.group(a)))
        #expect(try OTTLParser.condition("true and not false") == .and([.constant(true), .not(.constant(false))]))
        #expect(try OTTLParser.condition(#"IsMatch(name, "a") or Len(x)["k"]"#) == .or([.converter(T.call("IsMatch", T.path("name"), T.string("a"))), .converter(T.call("Len", T.path("x"), keys: [.string("k")]))]))
        #expect(try OTTLParser.condition("(1 + 2) * 3 < x") == .comparison(.math(.group(.math(T.int(1), .add, T.int(2))), .multiply, T.int(3)), .less, T.path("x")))
        #expect(try OTTLParser.condition("((a == 1))") == .group(.group(a)))
        #expect(try OTTLParser.condition("true == x") == T.equal(.literal(.bool(true)), T.path("x")))

        #expect(try OTTLParser.expression("1 + 2 * 3") == .math(T.int(1), .add, .math(T.int(2), .multiply, T.int(3))))
        #expect(try OTTLParser.expression("1 - 2 - 3") == .math(.math(T.int(1), .subtract, T.int(2)), .subtract, T.int(3)))
        #expect(try OTTLParser.expression("8 / 4 / 2") == .math(.math(T.int(8), .divide, T.int(4)), .divide, T.int(2)))
        #expect(try OTTLParser.expression("8 / 4 * 2 + 1") == .math(.math(.math(T.int(8), .divide, T.int(4)), .multiply, T.int(2)), .add, T.int(1)))
        #expect(try OTTLParser.expression("(1 + 2) * 3") == .math(.group(.math(T.int(1), .add, T.int(2))), .multiply, T.int(3)))
    }

    @Test("Signs: -1 is a literal, unary minus negates anything else, 1-1 is arithmetic")
    func signs() throws {
        #expect(try OTTLParser.expression("-1") == T.int(-1))
        #expect(try OTTLParser.expression("- 1") == T.int(-1))
        #expect(try OTTLParser.expression("+1") == T.int(1))
        #expect(try OTTLParser.expression("-.5") == T.double(-0.5))
        #expect(try OTTLParser.expression("-0.0") == T.double(-0.0))
        #expect(try OTTLParser.expression("-0.0") != T.double(0.0))
        #expect(try OTTLParser.expression("-9223372036854775808") == T.int(.min))
        #expect(try OTTLParser.expression("1-1") == .math(T.int(1), .subtract, T.int(1)))
        #expect(try OTTLParser.expression("1 - -1") == .math(T.int(1), .subtract, T.int(-1)))
        #expect(try OTTLParser.expression("-x") == .negate(T.path("x")))
        #expect(try OTTLParser.expression("-Len(x)") == .negate(T.converter("Len", T.path("x"))))
        #expect(try OTTLParser.expression("-(1)") == .negate(.group(T.int(1))))
        #expect(try OTTLParser.expression("+x") == T.path("x"))
        #expect(try OTTLParser.expression("-x * 2") == .math(.negate(T.path("x")), .multiply, T.int(2)))
        #expect(try OTTLParser.expression("1.5e3") == T.double(1500))
        #expect(try OTTLParser.expression(".5") == T.double(0.5))
        for refused in ["-9223372036854775809", "9223372036854775808", "--1", "1e400.5", "1.0e400", "-\"a\""] {
            #expect(throws: OTTLSyntaxError.self, "\(refused)") { try OTTLParser.expression(refused) }
        }
    }

    @Test("Values: lists, maps, keys, named arguments, function names, enums, keywords at word boundaries")
    func values() throws {
        #expect(try OTTLParser.expression(#"{"a": 1, "b": [1, "x"],}"#) == .map([OTTLMapEntry(key: "a", value: T.int(1)), OTTLMapEntry(key: "b", value: .list([T.int(1), T.string("x")]))]))
        #expect(try OTTLParser.expression(#"{"a": 1 "b": 2}"#) == .map([OTTLMapEntry(key: "a", value: T.int(1)), OTTLMapEntry(key: "b", value: T.int(2))]))
        #expect(try OTTLParser.expression("{}") == .map([]))
        #expect(try OTTLParser.expression("[]") == .list([]))
        #expect(try OTTLParser.expression("[1 2]") == .list([T.int(1), T.int(2)]), "the Collector's list rule: value* (\",\" value)*")
        #expect(
            try OTTLParser.expression(#"attributes["a"][0][-1]["b"]"#) == T.path(T.field("attributes", .string("a"), .int(0), .int(-1), .string("b"))))
        #expect(try OTTLParser.expression(#"attributes[attributes["k"]]"#) == T.path(T.field("attributes", .expression(T.path(T.field("attributes", .string("k")))))))
        #expect(try OTTLParser.expression("x[1 + 1]") == T.path(T.field("x", .expression(.math(T.int(1), .add, T.int(1))))))
        #expect(try OTTLParser.expression(#"Split(x, ",")[1]"#) == T.converter("Split", T.path("x"), T.string(","), keys: [.int(1)]))
        #expect(try OTTLParser.expression("resource.attributes") == T.path("resource", "attributes"))

        let named = try OTTLParser.statement(#"truncate_all(attributes, 100, truncation_marker="…", headerDelimiter="|")"#).editor.arguments
        #expect(named.map(\.name) == [nil, nil, "truncation_marker", "headerDelimiter"])
        #expect(named[2].value == T.string("…"))
        let functions = try OTTLParser.statement(#"replace_pattern(name, "a", "b", SHA256, IsString, f=Concat)"#).editor.arguments.map(\.value)
        #expect(functions[3] == T.enumSymbol("SHA256"))
        #expect(functions[4] == .functionName("IsString", Tree.origin))
        #expect(functions[5] == .functionName("Concat", Tree.origin))
        #expect(throws: OTTLSyntaxError.self) { try OTTLParser.expression("IsString") }

        // not/or/and/true/false/nil are keywords only as whole words (Go's \b).
        #expect(try OTTLParser.expression("notx") == T.path("notx"))
        #expect(try OTTLParser.expression("nil_value") == T.path("nil_value"))
        #expect(try OTTLParser.expression("NIL") == T.enumSymbol("NIL"))
        #expect(throws: OTTLSyntaxError.self, "Uppercase(T) Lowercase(rue) is no enum") { try OTTLParser.expression("True") }
        #expect(try OTTLParser.expression("Xnot(1)") == T.converter("Xnot", T.int(1)))
        #expect(try OTTLParser.statement("set(where, 1) where where == 1").condition == T.equal(T.path("where"), T.int(1)))
        #expect(try OTTLParser.statement("set(x,1)where true").condition == .constant(true))
    }
}
