/// The syntax tree of OTTL statements and conditions (the grammar of the Collector's `pkg/ottl/grammar.go`).
///
/// Parsing makes it (`OTTLParser`), printing writes it back (`OTTLPrinter`), and the evaluator compiles it
/// against a context. Positions are where a node starts in the statement's text; they take no part in
/// equality, so a parsed and a re-printed-then-parsed tree compare equal.

/// A place in a statement's text: 1-based line and column (in UTF-8 bytes, as the Collector's
/// `line:col`), and the 0-based byte offset.
public struct OTTLPosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line inside the statement.
    public var line: Int
    /// 1-based column inside the line, in bytes.
    public var column: Int
    /// 0-based byte offset inside the statement.
    public var offset: Int

    /// Creates a position.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line:column`, as the Collector prints it.
    public var description: String { "\(line):\(column)" }
}

/// One statement: an editor call and an optional `where` condition.
public struct OTTLStatement: Sendable, Equatable {
    /// The editor (a lowercase function such as `set`).
    public var editor: OTTLCall
    /// The condition after `where`, if any.
    public var condition: OTTLBoolExpression?

    /// Creates a statement.
    public init(editor: OTTLCall, condition: OTTLBoolExpression?) {
        self.editor = editor
        self.condition = condition
    }
}

/// A boolean expression: `or` of `and` of possibly negated comparisons, constants, converter calls and
/// parenthesised expressions.
public indirect enum OTTLBoolExpression: Sendable, Equatable {
    /// True when any operand is (left to right, short-circuit).
    case or([OTTLBoolExpression])
    /// True when every operand is (left to right, short-circuit).
    case and([OTTLBoolExpression])
    /// The negation.
    case not(OTTLBoolExpression)
    /// A comparison of two values.
    case comparison(OTTLExpression, OTTLComparison, OTTLExpression)
    /// `true` or `false`.
    case constant(Bool)
    /// A converter that must return a boolean at run time.
    case converter(OTTLCall)
    /// A parenthesised expression (kept so printing keeps the grouping).
    case group(OTTLBoolExpression)
}

/// A comparison operator.
public enum OTTLComparison: String, Sendable, Equatable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A value expression.
public indirect enum OTTLExpression: Sendable, Equatable {
    /// A literal.
    case literal(OTTLLiteral)
    /// An enum symbol (`SPAN_KIND_SERVER`), resolved by the context at compile time.
    case enumSymbol(String, OTTLPosition)
    /// A bare function name given as an argument (`SHA256` in `replace_pattern(…, SHA256)` is an
    /// `enumSymbol`; a mixed-case one such as `IsString` is this).
    case functionName(String, OTTLPosition)
    /// A path into the item (`attributes["k"]`, `resource.attributes["k"]`, `status.code`).
    case path(OTTLPath)
    /// A converter call, possibly indexed (`Split(x, ",")[0]`).
    case converter(OTTLCall)
    /// A list literal.
    case list([OTTLExpression])
    /// A map literal (keys are string literals; order kept).
    case map([OTTLMapEntry])
    /// Arithmetic: `+ - * /`, left-associative, `*` `/` binding tighter.
    case math(OTTLExpression, OTTLMathOperator, OTTLExpression)
    /// Unary minus on a non-literal (a negative literal is a literal).
    case negate(OTTLExpression)
    /// A parenthesised arithmetic expression (kept so printing keeps the grouping).
    case group(OTTLExpression)
}

/// An arithmetic operator.
public enum OTTLMathOperator: String, Sendable, Equatable, CaseIterable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
}

/// A literal value.
public enum OTTLLiteral: Sendable, Equatable {
    /// `nil`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// A 64-bit integer.
    case int(Int64)
    /// A 64-bit float (equality is bitwise, so `NaN` prints and parses back equal).
    case double(Double)
    /// A string, unquoted.
    case string(String)
    /// `0x…` bytes.
    case bytes([UInt8])

    public static func == (lhs: OTTLLiteral, rhs: OTTLLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a == b
        case (.bytes(let a), .bytes(let b)): a == b
        default: false
        }
    }
}

/// One `"key": value` of a map literal.
public struct OTTLMapEntry: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value.
    public var value: OTTLExpression

    /// Creates an entry.
    public init(key: String, value: OTTLExpression) {
        self.key = key
        self.value = value
    }
}

/// A path: dot-separated fields, each with optional keys. Which leading field (if any) names a context
/// is decided when compiling against a context, not by the parser.
public struct OTTLPath: Sendable, Equatable {
    /// The fields, in order (`resource`, `attributes["k"]`).
    public var fields: [OTTLField]
    /// Where the path starts.
    public var position: OTTLPosition

    /// Creates a path.
    public init(fields: [OTTLField], position: OTTLPosition) {
        self.fields = fields
        self.position = position
    }

    public static func == (lhs: OTTLPath, rhs: OTTLPath) -> Bool { lhs.fields == rhs.fields }
}

/// One field of a path: a lowercase name and its keys (`attributes["a"]["b"]`).
public struct OTTLField: Sendable, Equatable {
    /// The name.
    public var name: String
    /// The keys, in order.
    public var keys: [OTTLKey]

    /// Creates a field.
    public init(name: String, keys: [OTTLKey] = []) {
        self.name = name
        self.keys = keys
    }
}

/// One `[…]` key.
public enum OTTLKey: Sendable, Equatable {
    /// `["k"]`.
    case string(String)
    /// `[0]`.
    case int(Int64)
    /// `[expression]`: a path, converter or arithmetic that must give a string or an int at run time.
    case expression(OTTLExpression)
}

/// A function call: an editor (lowercase name, a statement's head) or a converter (uppercase).
public struct OTTLCall: Sendable, Equatable {
    /// The function's name as written.
    public var name: String
    /// The arguments, in order.
    public var arguments: [OTTLArgument]
    /// Keys indexing the result (converters only).
    public var keys: [OTTLKey]
    /// Where the name starts.
    public var position: OTTLPosition

    /// Creates a call.
    public init(name: String, arguments: [OTTLArgument], keys: [OTTLKey] = [], position: OTTLPosition) {
        self.name = name
        self.arguments = arguments
        self.keys = keys
        self.position = position
    }

    public static func == (lhs: OTTLCall, rhs: OTTLCall) -> Bool {
        lhs.name == rhs.name && lhs.arguments == rhs.arguments && lhs.keys == rhs.keys
    }
}

/// One argument, positional or named (`depth=2`).
public struct OTTLArgument: Sendable, Equatable {
    /// The name of a named argument.
    public var name: String?
    /// The value.
    public var value: OTTLExpression

    /// Creates an argument.
    public init(name: String? = nil, value: OTTLExpression) {
        self.name = name
        self.value = value
    }
}

extension OTTLExpression {
    public static func == (lhs: OTTLExpression, rhs: OTTLExpression) -> Bool {
        switch (lhs, rhs) {
        case (.literal(let a), .literal(let b)): a == b
        case (.enumSymbol(let a, _), .enumSymbol(let b, _)): a == b
        case (.functionName(let a, _), .functionName(let b, _)): a == b
        case (.path(let a), .path(let b)): a == b
        case (.converter(let a), .converter(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)): a == b
        case (.math(let a1, let op1, let b1), .math(let a2, let op2, let b2)): a1 == a2 && op1 == op2 && b1 == b2
        case (.negate(let a), .negate(let b)): a == b
        case (.group(let a), .group(let b)): a == b
        default: false
        }
    }
}
