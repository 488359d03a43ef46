/// One token of OTTL text, as the Collector's lexer cuts it (`pkg/ottl/grammar.go` `buildLexer`), with
/// the literals already converted.
struct OTTLToken: Sendable {
    /// What the token is.
    enum Kind: Sendable, Equatable {
        /// `0x…`, decoded.
        case bytes([UInt8])
        /// `1.5`, `.5`, `2.0e-3` (unsigned: a sign is the parser's).
        case float(Double)
        /// `42` (unsigned, at most 2⁶³ so that `-9223372036854775808` can be negated).
        case integer(UInt64)
        /// `"…"`, unquoted.
        case string(String)
        case not, or, and, null
        case boolean(Bool)
        case comparison(OTTLComparison)
        case math(OTTLMathOperator)
        /// `=` (named arguments).
        case equal
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket, colon, comma, dot
        /// A run of letters, digits and `_` starting with a letter (the grammar's glued `Uppercase` and
        /// `Lowercase` tokens).
        case identifier(String, OTTLIdentifierShape)
        /// The end of the text.
        case end
    }

    /// What the token is.
    var kind: Kind
    /// Where it starts.
    var position: OTTLPosition
    /// Its length in bytes.
    var length: Int
}

/// The letter case of an identifier, which decides what it can name.
enum OTTLIdentifierShape: Sendable, Equatable {
    /// `[a-z][a-z0-9_]*`: a path field or context, an editor, an argument name.
    case lowercaseWord
    /// Lowercase first, with an uppercase letter later (`headerDelimiter`): an editor or argument name.
    case lowercaseMixed
    /// `[A-Z][A-Z0-9_]*`: an enum symbol (`SPAN_KIND_SERVER`, `SHA256`), or a converter before `(`.
    case uppercaseWord
    /// Uppercase first, with a lowercase letter later (`IsMatch`): a converter, or a function name argument.
    case uppercaseMixed

    /// Whether the first letter is lowercase.
    var startsLowercase: Bool { self == .lowercaseWord || self == .lowercaseMixed }
}
