import TelemetryOTTL
import Testing

/// The references context inference reads, and the context prefixes of the explicit `context:` style.
@Suite("OTTL syntax walk: paths, functions, enums, context prefixes")
struct OTTLSyntaxWalkTests {
    @Test("Every path (with its byte offset), function name and enum symbol, in text order")
    func references() throws {
        let text = #"set(span.attributes[resource.attributes["k"]], Concat([name, SPAN_KIND_SERVER], "")) where IsMatch(-x, "a") and kind == Y(STATUS_CODE_OK)[z] or [{"m": 1 + w}] != nil"#
        let references = try OTTLParser.statement(text).references
        #expect(references.paths.map { OTTLPrinter.print(.path($0)) } == [#"span.attributes[resource.attributes["k"]]"#, #"resource.attributes["k"]"#, "name", "x", "kind", "z", "w"])
        let utf8 = Array(text.utf8)
        for path in references.paths {
            let name = Array(path.fields[0].name.utf8)
            #expect(Array(utf8[path.position.offset..<(path.position.offset + name.count)]) == name, "\(path)")
        }
        #expect(references.functionNames == ["set", "Concat", "IsMatch", "Y"])
        #expect(references.enumSymbols == ["SPAN_KIND_SERVER", "STATUS_CODE_OK"])
        #expect(try OTTLParser.condition("a == 1").references.paths.count == 1)
        #expect(try OTTLParser.expression("F(SHA256, IsString)").references == {
            var expected = OTTLReferences()
            expected.functionNames = ["F"]
            expected.enumSymbols = ["SHA256"]
            return expected
        }())
    }

    @Test("A path's context is its first field when keyless and followed by another (the grammar's (Lowercase \".\")?)")
    func contextName() throws {
        let cases: [(String, String?)] = [
            ("resource.attributes", "resource"), ("span.name", "span"), ("status.code", "status"), ("name", nil), (#"attributes["k"]"#, nil),
            (#"attributes["k"].x"#, nil), ("resource", nil),
        ]
        for (text, context) in cases {
            guard case .path(let path) = try OTTLParser.expression(text) else {
                Issue.record("\(text) is no path")
                continue
            }
            #expect(path.contextName == context, "\(text)")
        }
    }

    @Test("context: span inserts span. before every path whose context is not one the span parser knows (memo §2.4 step 9)")
    func insertingContext() throws {
        let names: Set<String> = ["span", "resource", "scope", "instrumentation_scope"]
        let cases: [(String, String)] = [
            (#"set(attributes["x"], name)"#, #"set(span.attributes["x"], span.name)"#),
            ("set(status.code, 1) where resource.attributes[\"k\"] == nil", "set(span.status.code, 1) where resource.attributes[\"k\"] == nil"),
            (#"set(attributes["é"], attributes[name])"#, #"set(span.attributes["é"], span.attributes[span.name])"#),
            ("set(span.name, \"x\")\n  where   kind == 1", "set(span.name, \"x\")\n  where   span.kind == 1"),
            ("set(x, [0xabx 1x])", "set(span.x, [0xab span.x 1 span.x])"),
        ]
        for (text, expected) in cases {
            let statement = try OTTLParser.statement(text)
            let prefixed = OTTLPath.insertingContext("span", into: text, at: statement.references.paths, unlessNamed: names)
            #expect(prefixed == expected)
            #expect(try OTTLParser.statement(prefixed).references.paths.allSatisfy { $0.contextName.map(names.contains) == true })
        }
    }
}
