/// Why a statement, condition or value expression did not parse: a message and where in the text.
///
/// Syntax errors carry the Collector's wording where it is known (`unexpected token "where" (expected …)`,
/// `invalid quoted string "\"\\d\"": invalid syntax`, `lexer: invalid input text "…"`); the grammar's
/// own rules (`editor names must start with a lowercase letter but got 'IsMatch'`, …) are `isGrammarRule`
/// errors, which the Collector prints without a position. The configuration layer adds the YAML file and
/// line in front of `description`.
public struct OTTLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being parsed.
    public enum Subject: String, Sendable, Equatable {
        case statement, condition, expression
    }

    /// What was being parsed.
    public var subject: Subject
    /// The message, without the position.
    public var message: String
    /// Where in the text (for a grammar rule: the call it is about).
    public var position: OTTLPosition
    /// Whether the text has valid syntax but breaks one of the grammar's own rules (the Collector's
    /// `grammarCustomError`: editor and converter name case, indexed editors).
    public var isGrammarRule: Bool

    /// Creates an error.
    public init(subject: Subject, message: String, position: OTTLPosition, isGrammarRule: Bool = false) {
        self.subject = subject
        self.message = message
        self.position = position
        self.isGrammarRule = isGrammarRule
    }

    /// `line:column: message`.
    public var description: String { "\(position): \(message)" }

    /// The error as the Collector prints it: `statement has invalid syntax: 1:18: unexpected token …`, or a
    /// grammar rule's message alone.
    public var collectorDescription: String {
        isGrammarRule ? message : "\(subject.rawValue) has invalid syntax: \(position): \(message)"
    }
}
