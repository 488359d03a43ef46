import Testing

@testable import TelemetryOTTL

/// The parser's bounds on hostile text: nesting, tree depth, and time linear in the text.
@Suite("OTTL parser: bounded nesting and depth, linear time")
struct OTTLParserBoundsTests {
    static func nested(_ levels: Int) -> String {
        "set(x, 1) where " + String(repeating: "(", count: levels) + "a == 1" + String(repeating: ")", count: levels)
    }

    @Test("Brackets nest up to 64 levels; the 65th is refused at its column, whatever the bracket")
    func nesting() throws {
        #expect(try OTTLParser.statement(Self.nested(OTTLParser.maxNesting - 1)).condition != nil)  // + the call's own "("
        for (open, close) in [("(", ")"), ("[", "]"), ("F(", ")")] {
            let text = "set(x, " + String(repeating: open, count: 64) + "1" + String(repeating: close, count: 64) + ")"
            do {
                _ = try OTTLParser.statement(text)
                Issue.record("\(open) nested 65 deep parsed")
            } catch {
                #expect(error.message == "brackets nest deeper than 64 levels")
                #expect(error.position.column == 7 + 64 * open.count, "the 64th bracket inside set(…)")
            }
        }
        #expect(throws: OTTLSyntaxError.self) { try OTTLParser.expression(String(repeating: "{\"a\":", count: 65) + String(repeating: "}", count: 65)) }
    }

    @Test("Trees are at most 256 deep: a long chain of additions is refused, a long or-chain is flat")
    func depth() throws {
        let chain = (0..<300).map { "a\($0)" }.joined(separator: " + ")
        let bytes = Array(chain.utf8)
        let plus256 = bytes.indices.filter { bytes[$0] == UInt8(ascii: "+") }[255]
        let position = OTTLPosition(line: 1, column: plus256 + 1, offset: plus256)
        #expect(throws: OTTLSyntaxError(subject: .expression, message: "expressions nest deeper than 256 levels", position: position)) {
            try OTTLParser.expression(chain)
        }
        #expect(try OTTLParser.expression((0..<200).map { "a\($0)" }.joined(separator: " + ")) != .literal(.null))
        let ors = (0..<5000).map { "a == \($0)" }.joined(separator: " or ")
        guard case .or(let operands) = try OTTLParser.condition(ors) else {
            Issue.record("not an or")
            return
        }
        #expect(operands.count == 5000)
    }

    /// Rule invocations for `text` parsed as a statement.
    static func steps(_ text: String) throws -> (steps: Int, tokens: Int) {
        var parser = try OTTLParser(text, subject: .statement)
        _ = try parser.wholeStatement()
        return (parser.steps, parser.tokens.count)
    }

    /// The worst shape for a backtracking parser: every parenthesis is tried as arithmetic before it is
    /// tried as a condition, every converter as a comparison's value before it is a constant.
    static func hostile(size: Int) -> String {
        let unit = String(repeating: "(", count: 60) + "F(G(H(1) + 2) * 3) and (x[Y(z)] == -(1 + 2))" + String(repeating: ")", count: 60)
        var text = "set(x, 1) where " + unit
        while text.utf8.count < size { text += " or " + unit }
        return text
    }

    @Test("A 10 KB statement nested 63 deep in parentheses, calls and keys takes steps linear in its tokens")
    func linearSteps() throws {
        let small = try Self.steps(Self.hostile(size: 10_000))
        let large = try Self.steps(Self.hostile(size: 20_000))
        #expect(small.tokens > 2_000)
        #expect(small.steps <= 12 * small.tokens, "\(small.steps) steps for \(small.tokens) tokens")
        let ratio = Double(large.steps) / Double(small.steps)
        let tokenRatio = Double(large.tokens) / Double(small.tokens)
        #expect(abs(ratio - tokenRatio) < 0.05, "steps grew \(ratio)× for \(tokenRatio)× the tokens")
        // Nesting alone: 62 levels of parentheses in a condition, each tried as arithmetic first.
        let deep = try Self.steps(OTTLParserBoundsTests.nested(62))
        #expect(deep.steps <= 12 * deep.tokens, "\(deep.steps) steps for \(deep.tokens) tokens")
    }

    @Test("The deepest legal statement parses on a thread with a small stack (a Swift concurrency task)")
    func deepOnATask() async throws {
        let calls = "set(x, " + String(repeating: "F(", count: 63) + "1" + String(repeating: ")", count: 63) + ")"
        let groups = Self.nested(OTTLParser.maxNesting)
        for text in [calls, groups] {
            let parsed = try await Task.detached { try OTTLParser.statement(text) }.value
            #expect(OTTLPrinter.print(parsed) == text)
        }
    }
}
