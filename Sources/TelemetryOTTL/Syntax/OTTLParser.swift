/// Parses OTTL text into the syntax tree (`OTTLStatement`, `OTTLBoolExpression`, `OTTLExpression`), by the
/// grammar of the Collector's `pkg/ottl/grammar.go` (a PEG: ordered choice, with backtracking).
///
/// Bounds, whatever the text: brackets nest at most `maxNesting` deep (refused by the lexer, so the
/// recursion here is bounded), trees are at most `maxDepth` deep (long arithmetic chains nest too; so
/// code that walks a tree recursively is bounded as well), and time is linear in the text — the only
/// rules reached twice at one place (the value of a comparison, tried before a parenthesised condition
/// or a converter constant) are memoized, so no token is parsed more than a fixed number of times.
///
/// Differences from the Collector: a leading `-`/`+` is applied by the parser (the newest Collector's
/// unary operators), so `1-1` is arithmetic and `-x` negates a path; identifiers made of upper- and
/// lowercase runs must be written without spaces (`IsMatch`; the Collector's lexer also joins `Is Match`).
public struct OTTLParser {
    /// How deep brackets (`(`, `[`, `{`: groups, calls, keys, lists, maps) may nest.
    public static let maxNesting = 64
    /// How deep a parsed tree may be (every node counts; a chain of `n` additions is `n` deep).
    public static let maxDepth = 256

    /// Parses a statement: an editor call and an optional `where` condition.
    public static func statement(_ text: String) throws(OTTLSyntaxError) -> OTTLStatement {
        var parser = try OTTLParser(text, subject: .statement)
        return try parser.wholeStatement()
    }

    /// Parses a condition (a filter processor condition, a transform group's `conditions`).
    public static func condition(_ text: String) throws(OTTLSyntaxError) -> OTTLBoolExpression {
        var parser = try OTTLParser(text, subject: .condition)
        return try parser.wholeCondition()
    }

    /// Parses a value expression alone.
    public static func expression(_ text: String) throws(OTTLSyntaxError) -> OTTLExpression {
        var parser = try OTTLParser(text, subject: .expression)
        return try parser.wholeExpression()
    }

    /// A memoized rule's outcome at one token.
    enum Memo {
        case failed
        case parsed(OTTLParsed<OTTLExpression>)
    }

    let source: [UInt8]
    let tokens: [OTTLToken]
    let subject: OTTLSyntaxError.Subject
    /// How many rule invocations the parse took (the linear-time tests count them).
    var steps = 0
    var valueMemo: [Memo?]
    var mathMemo: [Memo?]
    /// The furthest token a rule failed at, and what was expected there (the syntax error's text).
    var furthest = 0
    var expectations: [String] = []
    /// Grammar-rule violations found so far (reported when the syntax is otherwise valid).
    var ruleViolations: [(position: OTTLPosition, message: String)] = []

    init(_ text: String, subject: OTTLSyntaxError.Subject) throws(OTTLSyntaxError) {
        source = Array(text.utf8)
        // Two more ends, so a rule may look one or two tokens past the last without a bounds check.
        let lexed = try OTTLLexer.tokens(of: source, subject: subject)
        tokens = lexed + [lexed[lexed.count - 1], lexed[lexed.count - 1]]
        self.subject = subject
        valueMemo = Array(repeating: nil, count: tokens.count)
        mathMemo = Array(repeating: nil, count: tokens.count)
    }

    mutating func wholeStatement() throws(OTTLSyntaxError) -> OTTLStatement {
        guard let head = try call(at: 0) else { throw syntaxError() }
        var next = head.next
        var condition: OTTLBoolExpression?
        if case .identifier("where", _) = tokens[next].kind {
            guard let parsed = try boolExpression(at: next + 1) else { throw syntaxError() }
            condition = parsed.node
            next = parsed.next
        } else if tokens[next].kind != .end {
            note("\"where\"", at: next)
        }
        try requireEnd(at: next)
        let editor = head.node
        if let first = editor.name.unicodeScalars.first, !("a"..."z").contains(first) {
            ruleViolations.insert((editor.position, "editor names must start with a lowercase letter but got '\(editor.name)'"), at: 0)
        } else if !editor.keys.isEmpty {
            ruleViolations.insert((editor.position, Self.indexedEditorMessage(editor)), at: 0)
        }
        try throwRuleViolations()
        return OTTLStatement(editor: editor, condition: condition)
    }

    mutating func wholeCondition() throws(OTTLSyntaxError) -> OTTLBoolExpression {
        guard let parsed = try boolExpression(at: 0) else { throw syntaxError() }
        try requireEnd(at: parsed.next)
        try throwRuleViolations()
        return parsed.node
    }

    mutating func wholeExpression() throws(OTTLSyntaxError) -> OTTLExpression {
        guard let parsed = try value(at: 0) else { throw syntaxError() }
        try requireEnd(at: parsed.next)
        try throwRuleViolations()
        return parsed.node
    }

    private mutating func requireEnd(at index: Int) throws(OTTLSyntaxError) {
        guard tokens[index].kind == .end else {
            note("end of text", at: index)
            throw syntaxError()
        }
    }

    /// Records that `what` was expected at token `index`; returns nil, the failed rule's result.
    mutating func expect<Node>(_ what: String, at index: Int) -> OTTLParsed<Node>? {
        note(what, at: index)
        return nil
    }

    /// Records that `what` was expected at token `index`.
    mutating func note(_ what: String, at index: Int) {
        if index > furthest {
            furthest = index
            expectations = [what]
        } else if index == furthest, !expectations.contains(what) {
            expectations.append(what)
        }
    }

    /// Records a grammar-rule violation (once per place and message).
    mutating func violate(_ message: String, at position: OTTLPosition) {
        guard !ruleViolations.contains(where: { $0.position == position && $0.message == message }) else { return }
        ruleViolations.append((position, message))
    }

    /// `depth`, or a thrown error at token `index` when it is over `maxDepth`.
    func bounded(_ depth: Int, at index: Int) throws(OTTLSyntaxError) -> Int {
        guard depth <= Self.maxDepth else {
            throw OTTLSyntaxError(subject: subject, message: "expressions nest deeper than \(Self.maxDepth) levels", position: tokens[index].position)
        }
        return depth
    }

    /// The Collector's text for the furthest failure: `unexpected token "where" (expected "," or ")")`.
    private func syntaxError() -> OTTLSyntaxError {
        let token = tokens[furthest]
        let text: String =
            switch token.kind {
            case .end: "\"<EOF>\""
            case .string(let value): OTTLStringLiteral.quoted(value)
            default:
                OTTLStringLiteral.quoted(String(decoding: source[token.position.offset..<(token.position.offset + token.length)], as: UTF8.self))
            }
        let expected = expectations.isEmpty ? "" : " (expected \(expectations.joined(separator: " or ")))"
        return OTTLSyntaxError(subject: subject, message: "unexpected token \(text)\(expected)", position: token.position)
    }

    private func throwRuleViolations() throws(OTTLSyntaxError) {
        guard let first = ruleViolations.first else { return }
        throw OTTLSyntaxError(
            subject: subject, message: ruleViolations.map(\.message).joined(separator: "; "), position: first.position, isGrammarRule: true)
    }

    /// `only paths and converters may be indexed, not editors, but got set[k]` (keys as the Collector's
    /// `buildOriginalKeysText` writes them: strings unquoted).
    static func indexedEditorMessage(_ call: OTTLCall) -> String {
        let keys = call.keys.map { key in
            switch key {
            case .string(let text): "[\(text)]"
            case .int(let index): "[\(index)]"
            case .expression(let expression): "[\(OTTLPrinter.print(expression))]"
            }
        }
        return "only paths and converters may be indexed, not editors, but got \(call.name)\(keys.joined())"
    }
}
