import PropertyBased
import Testing

@testable import TelemetryOTTL

/// Whitespace between tokens (spaces, tabs, newlines, none) never changes the tree.
@Suite("OTTL parser: whitespace between tokens is insignificant")
struct OTTLWhitespacePropertyTests {
    /// `text` with whitespace from `choices` at each boundary between its tokens (the lexer's own cut).
    static func respaced(_ text: String, _ choices: [UInt8]) throws -> String {
        let bytes = Array(text.utf8)
        let tokens = try OTTLLexer.tokens(of: bytes, subject: .statement)
        var result: [UInt8] = []
        var copied = 0
        for (index, token) in tokens.enumerated() where token.kind != .end {
            result += bytes[copied..<token.position.offset].filter { $0 != UInt8(ascii: " ") }  // drop the printer's spaces
            if index > 0 {
                let spacing = [" ", "", "\n", "\t ", "\r\n  ", "\u{0C}"][Int(choices[index % max(1, choices.count)]) % 6]
                result += Array(spacing.utf8)
            }
            result += bytes[token.position.offset..<(token.position.offset + token.length)]
            copied = token.position.offset + token.length
        }
        return String(decoding: result, as: UTF8.self)
    }

    @Test("Generated statements re-spaced at random still parse to the same statement")
    func respacedStatements() async throws {
        let checked = Counter()
        await propertyCheck(count: 300, input: zip(OTTLRoundTripPropertyTests.choices, Gen.uint8(in: 0...255).array(of: 1...50))) { choices, spacing throws in
            var generator = OTTLTreeGenerator(choices)
            let statement = generator.statement()
            let text = try Self.respaced(OTTLPrinter.print(statement), spacing)
            // Where dropping a space would join two tokens the text no longer lexes the same: keep such cases out.
            guard let tokens = try? OTTLLexer.tokens(of: Array(text.utf8), subject: .statement),
                let original = try? OTTLLexer.tokens(of: Array(OTTLPrinter.print(statement).utf8), subject: .statement),
                tokens.map(\.kind) == original.map(\.kind)
            else { return }
            #expect(try OTTLParser.statement(text) == statement, "\(text)")
            checked.add()
        }
        #expect(checked.value > 100, "most re-spacings joined two tokens: nothing was tested")
    }
}
