import PropertyBased
import TelemetryOTTL
import Testing

/// parse(print(tree)) == tree for generated trees of every shape the parser produces, and
/// parse(print(parse(text))) == parse(text) for generated texts.
@Suite("OTTL printer: printing then parsing is the identity")
struct OTTLRoundTripPropertyTests {
    static let choices = Gen.uint8(in: 0...255).array(of: 0...400)

    @Test("Generated statements print to text that parses back to the same statement")
    func statements() async {
        await propertyCheck(count: 400, input: Self.choices) { choices throws in
            var generator = OTTLTreeGenerator(choices)
            let statement = generator.statement()
            let text = OTTLPrinter.print(statement)
            #expect(try OTTLParser.statement(text) == statement, "\(text)")
        }
    }

    @Test("Generated conditions and values print to text that parses back to the same tree")
    func conditionsAndValues() async {
        await propertyCheck(count: 400, input: Self.choices) { choices throws in
            var generator = OTTLTreeGenerator(choices)
            let condition = generator.condition(depth: 4)
            let value = generator.value(depth: 4)
            let conditionText = OTTLPrinter.print(condition)
            let valueText = OTTLPrinter.print(value)
            #expect(try OTTLParser.condition(conditionText) == condition, "\(conditionText)")
            #expect(try OTTLParser.expression(valueText) == value, "\(valueText)")
        }
    }

    /// Pieces of OTTL text, odd spellings included (`[1 2]`, `+x`, `007`, escapes, newlines).
    static let pieces = [
        "set(", "x", "attributes", "[\"a\"]", "[0]", ",", " ", "\n", "1", "-", "+", "*", "/", "(", ")", "\"a\\\"b\\x41\"", "[", "]", "{", "}",
        "\"k\"", ":", " where ", "==", "<", "not ", " and ", " or ", "true", "nil", "0x0a", ".5", "2.5e3", "IsMatch(", "SHA256", "depth=",
        ".", "name", "-x", "007", "IsString", "resource.attributes", "\"\\u00e9\"", "Len(x)[1]",
    ]

    @Test("Any generated text that parses prints to text that parses to the same tree")
    func texts() async {
        let parsed = Counter()
        await propertyCheck(count: 3000, input: Gen.element(of: Self.pieces).array(of: 1...14)) { pieces in
            let text = pieces.compactMap { $0 }.joined()
            if let statement = try? OTTLParser.statement(text) {
                parsed.add()
                #expect((try? OTTLParser.statement(OTTLPrinter.print(statement))) == statement, "\(text)")
            }
            if let condition = try? OTTLParser.condition(text) {
                parsed.add()
                #expect((try? OTTLParser.condition(OTTLPrinter.print(condition))) == condition, "\(text)")
            }
            if let value = try? OTTLParser.expression(text) {
                parsed.add()
                #expect((try? OTTLParser.expression(OTTLPrinter.print(value))) == value, "\(text)")
            }
        }
        #expect(parsed.value > 100, "too few generated texts parsed to test anything")
    }
}

/// A count shared with a property's body.
final class Counter: @unchecked Sendable {
    // @unchecked: the property runs its body on one task at a time.
    private(set) var value = 0

    func add() { value += 1 }
}
