import TelemetryOTTL
import Testing

/// The printer's canonical text, and how it writes trees the parser cannot produce.
@Suite("OTTL printer: canonical text")
struct OTTLPrinterTests {
    typealias T = Tree

    @Test(
        "A keyword glued to what precedes it is no path (the round-trip property found `[.5nil]`: a path `nil` printed back as the null literal)",
        arguments: ["[.5nil]", "[.5true]", "[.5false]", "[1 .5and]", ".5nil"])
    func gluedKeyword(text: String) {
        #expect(throws: OTTLSyntaxError.self) { try OTTLParser.expression(text) }
    }

    @Test("Keywords standing alone keep their meaning; words that only begin with one are paths")
    func keywordsAlone() throws {
        #expect(OTTLPrinter.print(try OTTLParser.expression("[0.5, nil, true]")) == "[0.5, nil, true]")
        #expect(OTTLPrinter.print(try OTTLParser.expression("[nilly, trueish]")) == "[nilly, trueish]")
    }

    @Test("Canonical spacing, named arguments, escapes, keys and groups")
    func canonical() throws {
        let texts = [
            #"set(attributes["k"], Concat([name, "-", 1], "")) where kind == SPAN_KIND_SERVER and not (a == 1 or b != 2.5)"#,
            #"flatten(body, depth=2, prefix="p")"#,
            #"replace_pattern(name, "\\d+", "x", SHA256, IsString)"#,
            #"set(x, {"a": [1, -2, 0x00ff], "\"": nil}) where Len(x)[0] >= -(y + 1) * 3 - -Z(1)"#,
            #"set(x, "tab\tnl\nnul\x00del\x7fsep\u2028é😀")"#,
            #"set(x, attributes[attributes["k"]][1 + 1][-3]) where (1 + 2) * 3 < x and IsMatch(name, "a")"#,
        ]
        for text in texts {
            #expect(OTTLPrinter.print(try OTTLParser.statement(text)) == text)
        }
        #expect(OTTLPrinter.print(try OTTLParser.statement("set( x ,1 )where\n a==1   or  b<2")) == "set(x, 1) where a == 1 or b < 2")
        #expect(OTTLPrinter.print(try OTTLParser.expression(#""\101\x41\u0041""#)) == #""AAA""#)
        #expect(OTTLPrinter.print(try OTTLParser.expression("[1 2]")) == "[1, 2]")
    }

    @Test("Doubles print with a dot and parse back bit-exactly; non-finite ones as Double(\"…\")")
    func doubles() throws {
        let values: [Double] = [1, -1, 0, -0.0, 0.1, 1e16, 1.5e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.leastNormalMagnitude, 100, 123456.789]
        for value in values {
            let text = OTTLPrinter.print(T.double(value))
            #expect(text.contains("."), "\(text)")
            #expect(try OTTLParser.expression(text) == T.double(value), "\(text)")
        }
        #expect(OTTLPrinter.print(T.double(1)) == "1.0")
        #expect(OTTLPrinter.print(T.double(1e16)) == "1.0e+16")
        #expect(OTTLPrinter.print(T.double(.nan)) == #"Double("NaN")"#)
        #expect(OTTLPrinter.print(T.double(-.infinity)) == #"Double("-Inf")"#)
        #expect(OTTLPrinter.print(T.double(.infinity)) == #"Double("+Inf")"#)
    }

    @Test("Trees the parser cannot produce print with the parentheses their meaning needs")
    func nonCanonical() throws {
        let (a, b, c) = (T.path("a"), T.path("b"), T.path("c"))
        #expect(OTTLPrinter.print(.math(a, .subtract, .math(b, .subtract, c))) == "a - (b - c)")
        #expect(OTTLPrinter.print(.math(.math(a, .add, b), .multiply, c)) == "(a + b) * c")
        #expect(OTTLPrinter.print(.math(.math(a, .multiply, b), .add, c)) == "a * b + c")
        #expect(OTTLPrinter.print(.negate(T.int(1))) == "-(1)")
        #expect(OTTLPrinter.print(.negate(.math(a, .add, b))) == "-(a + b)")
        let (x, y) = (T.equal(a, T.int(1)), T.equal(b, T.int(2)))
        #expect(OTTLPrinter.print(.and([.or([x, y]), x])) == "(a == 1 or b == 2) and a == 1")
        #expect(OTTLPrinter.print(.or([.or([x, y]), x])) == "(a == 1 or b == 2) or a == 1")
        #expect(OTTLPrinter.print(.not(.and([x, y]))) == "not (a == 1 and b == 2)")
        #expect(OTTLPrinter.print(.not(.not(x))) == "not (not a == 1)")
        #expect(OTTLPrinter.print(OTTLBoolExpression.or([])) == "false")
        #expect(OTTLPrinter.print(OTTLBoolExpression.and([])) == "true")
        // The text keeps the meaning: the reparsed tree differs only by explicit groups.
        #expect(try OTTLParser.expression("a - (b - c)") == .math(a, .subtract, .group(.math(b, .subtract, c))))
    }
}
