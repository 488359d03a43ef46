/// What context inference (the Collector's `context_inferrer.go`) and the explicit `context:` style need
/// from a tree: its paths, function names and enum symbols, and context prefixes inserted into its text.
/// The walks recurse as deep as the tree, which a parsed tree bounds (`OTTLParser.maxDepth`).

extension OTTLPath {
    /// The context the path names, as the Collector's grammar captures it (`(Lowercase ".")? field …`):
    /// the first field when it has no keys and another field follows (`resource` in
    /// `resource.attributes["k"]`, `status` in `status.code`), else nil (`name`, `attributes["k"]`).
    public var contextName: String? {
        guard fields.count > 1, fields[0].keys.isEmpty else { return nil }
        return fields[0].name
    }

    /// `text` with `context.` inserted where each of `paths` starts (its byte offset in `text`) unless the
    /// path's `contextName` is one of `names`: the Collector's `prependContextToStatementPaths`, which the
    /// transform processor's `context:` style applies (`set(attributes["x"], name)` in `context: span` →
    /// `set(span.attributes["x"], span.name)`; `resource.attributes["k"]` kept). Unlike the Collector, a
    /// space goes first where the path touches a number (`[0xabx]`), so the prefix never joins that token.
    public static func insertingContext(_ context: String, into text: String, at paths: [OTTLPath], unlessNamed names: Set<String>) -> String {
        let offsets = Set(paths.filter { path in path.contextName.map { !names.contains($0) } ?? true }.map(\.position.offset))
        var bytes = Array(text.utf8)
        let prefix = Array((context + ".").utf8)
        for offset in offsets.sorted(by: >) where offset <= bytes.count {
            let touching = offset > 0 && isWordByte(bytes[offset - 1])
            bytes.insert(contentsOf: touching ? [UInt8(ascii: " ")] + prefix : prefix, at: offset)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
        default: false
        }
    }
}

/// The paths, function names (editors and converters) and enum symbols a tree mentions, in text order,
/// repeats kept. Bare function-name arguments (`IsString` in `replace_pattern(…, IsString)`) are not
/// function names here, as in the Collector's inference; an all-uppercase one (`SHA256`) is an enum symbol.
public struct OTTLReferences: Sendable, Equatable {
    /// Every path, with its position.
    public var paths: [OTTLPath] = []
    /// The editor's and every converter's name.
    public var functionNames: [String] = []
    /// Every enum symbol.
    public var enumSymbols: [String] = []

    /// Nothing yet.
    public init() {}

    /// Adds what `statement` mentions.
    public mutating func add(_ statement: OTTLStatement) {
        add(statement.editor)
        if let condition = statement.condition { add(condition) }
    }

    /// Adds what `condition` mentions.
    public mutating func add(_ condition: OTTLBoolExpression) {
        switch condition {
        case .or(let operands), .and(let operands): for operand in operands { add(operand) }
        case .not(let operand), .group(let operand): add(operand)
        case .comparison(let left, _, let right):
            add(left)
            add(right)
        case .constant: break
        case .converter(let call): add(call)
        }
    }

    mutating func add(_ expression: OTTLExpression) {
        switch expression {
        case .literal, .functionName: break
        case .enumSymbol(let name, _): enumSymbols.append(name)
        case .path(let path):
            paths.append(path)
            for field in path.fields { add(field.keys) }
        case .converter(let call): add(call)
        case .list(let values): for value in values { add(value) }
        case .map(let entries): for entry in entries { add(entry.value) }
        case .math(let left, _, let right):
            add(left)
            add(right)
        case .negate(let operand), .group(let operand): add(operand)
        }
    }

    private mutating func add(_ call: OTTLCall) {
        functionNames.append(call.name)
        for argument in call.arguments { add(argument.value) }
        add(call.keys)
    }

    private mutating func add(_ keys: [OTTLKey]) {
        for case .expression(let expression) in keys { add(expression) }
    }
}

extension OTTLStatement {
    /// The paths, function names and enum symbols of the statement.
    public var references: OTTLReferences {
        var references = OTTLReferences()
        references.add(self)
        return references
    }
}

extension OTTLBoolExpression {
    /// The paths, function names and enum symbols of the condition.
    public var references: OTTLReferences {
        var references = OTTLReferences()
        references.add(self)
        return references
    }
}

extension OTTLExpression {
    /// The paths, function names and enum symbols of the expression.
    public var references: OTTLReferences {
        var references = OTTLReferences()
        references.add(self)
        return references
    }
}

extension OTTLReferences {
    /// Whether a path is `cache` or `<context>.cache` (OTTL's per-item scratch map).
    public var usesCache: Bool {
        paths.contains { path in
            path.fields.first?.name == "cache" || (path.contextName != nil && path.fields.count > 1 && path.fields[1].name == "cache")
        }
    }
}
