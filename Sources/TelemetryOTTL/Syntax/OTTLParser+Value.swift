/// The value rules: calls, arguments, values, arithmetic, paths, keys, lists and maps.
extension OTTLParser {
    /// `name "(" (argument ("," argument)*)? ")" key*`, for editors and converters alike.
    mutating func call(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLCall>? {
        steps += 1
        guard case .identifier(let name, _) = tokens[start].kind else { return expect("a function call", at: start) }
        guard tokens[start + 1].kind == .leftParen else { return expect("\"(\"", at: start + 1) }
        var next = start + 2
        var arguments: [OTTLArgument] = []
        var depth = 1
        if tokens[next].kind == .rightParen {
            next += 1
        } else {
            while true {
                guard let argument = try argument(at: next) else { return nil }
                arguments.append(argument.node)
                depth = max(depth, argument.depth + 1)
                next = argument.next
                if tokens[next].kind == .comma {
                    next += 1
                } else if tokens[next].kind == .rightParen {
                    next += 1
                    break
                } else {
                    note("\",\"", at: next)
                    return expect("\")\"", at: next)
                }
            }
        }
        let keys = try keys(at: next)
        let call = OTTLCall(name: name, arguments: arguments, keys: keys.node, position: tokens[start].position)
        return OTTLParsed(node: call, next: keys.next, depth: try bounded(max(depth, keys.depth + 1), at: start))
    }

    /// `(name "=")? (value | UpperIdent)`: a bare mixed-case name (`IsString`) is a function name.
    mutating func argument(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLArgument>? {
        steps += 1
        var index = start
        var name: String?
        if case .identifier(let word, let shape) = tokens[start].kind, shape.startsLowercase, tokens[start + 1].kind == .equal {
            name = word
            index += 2
        }
        if case .identifier(let word, .uppercaseMixed) = tokens[index].kind, tokens[index + 1].kind != .leftParen {
            let value = OTTLExpression.functionName(word, tokens[index].position)
            return OTTLParsed(node: OTTLArgument(name: name, value: value), next: index + 1, depth: 1)
        }
        guard let value = try value(at: index) else { return nil }
        return OTTLParsed(node: OTTLArgument(name: name, value: value.node), next: value.next, depth: value.depth)
    }

    /// `nil | arithmetic (a lone literal, path or converter included) | bytes | string | bool | enum | map | list`.
    /// Memoized: a comparison's value is tried again as a converter constant and inside a parenthesis.
    mutating func value(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLExpression>? {
        steps += 1
        if let memo = valueMemo[start] {
            if case .parsed(let parsed) = memo { return parsed }
            return nil
        }
        let token = tokens[start]
        let leaf: OTTLExpression? =
            switch token.kind {
            case .null: .literal(.null)
            case .bytes(let bytes): .literal(.bytes(bytes))
            case .string(let text): .literal(.string(text))
            case .boolean(let flag): .literal(.bool(flag))
            case .identifier(let name, .uppercaseWord) where tokens[start + 1].kind != .leftParen: .enumSymbol(name, token.position)
            default: nil
            }
        let result: OTTLParsed<OTTLExpression>? =
            if let leaf {
                OTTLParsed(node: leaf, next: start + 1, depth: 1)
            } else if token.kind == .leftBracket {
                try list(at: start)
            } else if token.kind == .leftBrace {
                try map(at: start)
            } else {
                try mathExpression(at: start)
            }
        valueMemo[start] = result.map(Memo.parsed) ?? .failed
        return result
    }

    /// `term (("+" | "-") term)*`, left-associative. Memoized (a parenthesis is tried as arithmetic first).
    mutating func mathExpression(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLExpression>? {
        steps += 1
        if let memo = mathMemo[start] {
            if case .parsed(let parsed) = memo { return parsed }
            return nil
        }
        let result = try mathChain(at: start, operators: [.add, .subtract])
        mathMemo[start] = result.map(Memo.parsed) ?? .failed
        return result
    }

    /// `operand (operator operand)*` folded to the left: sums of products (`operators` `+ -`), or products
    /// of unary values (`* /`).
    private mutating func mathChain(at start: Int, operators: [OTTLMathOperator]) throws(OTTLSyntaxError) -> OTTLParsed<OTTLExpression>? {
        steps += 1
        let sums = operators.contains(.add)
        guard var left = try sums ? mathChain(at: start, operators: [.multiply, .divide]) : mathValue(at: start) else { return nil }
        while case .math(let op) = tokens[left.next].kind, operators.contains(op) {
            let operand = left.next + 1
            guard let right = try sums ? mathChain(at: operand, operators: [.multiply, .divide]) : mathValue(at: operand) else { break }
            let depth = try bounded(max(left.depth, right.depth) + 1, at: left.next)
            left = OTTLParsed(node: .math(left.node, op, right.node), next: right.next, depth: depth)
        }
        return left
    }

    /// `("+" | "-")? (integer | float | "(" arithmetic ")" | converter | path)`. A sign on a number is
    /// part of the literal (`-1`); on anything else `-` negates and `+` does nothing.
    private mutating func mathValue(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLExpression>? {
        steps += 1
        var index = start
        var negative = false
        if case .math(let sign) = tokens[start].kind, sign == .add || sign == .subtract {
            negative = sign == .subtract
            index += 1
        }
        let token = tokens[index]
        var operand: OTTLParsed<OTTLExpression>
        switch token.kind {
        case .integer(let magnitude):
            return OTTLParsed(node: .literal(.int(try integer(magnitude, negative: negative, at: index))), next: index + 1, depth: 1)
        case .float(let value):
            return OTTLParsed(node: .literal(.double(negative ? -value : value)), next: index + 1, depth: 1)
        case .leftParen:
            guard let inner = try mathExpression(at: index + 1) else { return nil }
            guard tokens[inner.next].kind == .rightParen else { return expect("\")\"", at: inner.next) }
            operand = OTTLParsed(node: .group(inner.node), next: inner.next + 1, depth: try bounded(inner.depth + 1, at: index))
        case .identifier(let name, let shape) where tokens[index + 1].kind == .leftParen:
            guard let call = try call(at: index) else { return nil }
            if shape.startsLowercase {
                violate("converter names must start with an uppercase letter but got '\(name)'", at: token.position)
                if !call.node.keys.isEmpty { violate(Self.indexedEditorMessage(call.node), at: token.position) }
            }
            operand = OTTLParsed(node: .converter(call.node), next: call.next, depth: call.depth)
        case .identifier(_, .lowercaseWord):
            guard let path = try path(at: index) else { return nil }
            operand = OTTLParsed(node: .path(path.node), next: path.next, depth: path.depth)
        default:
            return expect("a value", at: index)
        }
        guard negative else { return operand }
        return OTTLParsed(node: .negate(operand.node), next: operand.next, depth: try bounded(operand.depth + 1, at: start))
    }

    private func integer(_ magnitude: UInt64, negative: Bool, at index: Int) throws(OTTLSyntaxError) -> Int64 {
        if negative { return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude) }
        guard magnitude <= UInt64(Int64.max) else {
            throw OTTLSyntaxError(
                subject: subject, message: "strconv.ParseInt: parsing \"\(magnitude)\": value out of range", position: tokens[index].position)
        }
        return Int64(magnitude)
    }

    /// The words that are keywords when they stand alone.
    private static let keywords: Set<String> = ["nil", "true", "false", "and", "or", "not"]

    /// `field ("." field)*`, a field being a lowercase word and its keys.
    private mutating func path(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLPath>? {
        steps += 1
        var fields: [OTTLField] = []
        var index = start
        var depth = 1
        while true {
            guard case .identifier(let name, .lowercaseWord) = tokens[index].kind else { return expect("a field name", at: index) }
            guard !Self.keywords.contains(name) else {
                // Only a keyword glued to what precedes it (`.5nil`: no word boundary) is lexed as a word; no context
                // has such a field, and no text could print it back as a path.
                throw OTTLSyntaxError(
                    subject: subject, message: "unexpected token \"\(name)\" (a keyword is no field name)", position: tokens[index].position)
            }
            let keys = try keys(at: index + 1)
            fields.append(OTTLField(name: name, keys: keys.node))
            depth = max(depth, keys.depth + 1)
            index = keys.next
            guard tokens[index].kind == .dot else { break }
            index += 1
        }
        let path = OTTLPath(fields: fields, position: tokens[start].position)
        return OTTLParsed(node: path, next: index, depth: try bounded(depth, at: start))
    }

    /// `key*` (depth 0 when there are none).
    mutating func keys(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<[OTTLKey]> {
        var keys: [OTTLKey] = []
        var index = start
        var depth = 0
        while tokens[index].kind == .leftBracket, let key = try key(at: index) {
            keys.append(key.node)
            depth = max(depth, key.depth)
            index = key.next
        }
        return OTTLParsed(node: keys, next: index, depth: depth)
    }

    /// `"[" (string | integer | arithmetic) "]"`.
    private mutating func key(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLKey>? {
        steps += 1
        if case .string(let text) = tokens[start + 1].kind {
            guard tokens[start + 2].kind == .rightBracket else { return expect("\"]\"", at: start + 2) }
            return OTTLParsed(node: .string(text), next: start + 3, depth: 1)
        }
        guard let inner = try mathExpression(at: start + 1) else { return nil }
        guard tokens[inner.next].kind == .rightBracket else { return expect("\"]\"", at: inner.next) }
        if case .literal(.int(let index)) = inner.node { return OTTLParsed(node: .int(index), next: inner.next + 1, depth: 1) }
        return OTTLParsed(node: .expression(inner.node), next: inner.next + 1, depth: try bounded(inner.depth + 1, at: start))
    }

    /// `"[" value* ("," value)* "]"` (the Collector's rule: `[1 2]` is a list of two too).
    private mutating func list(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLExpression>? {
        steps += 1
        var values: [OTTLExpression] = []
        var index = start + 1
        var depth = 1
        while let value = try value(at: index) {
            values.append(value.node)
            depth = max(depth, value.depth + 1)
            index = value.next
        }
        while tokens[index].kind == .comma, let value = try value(at: index + 1) {
            values.append(value.node)
            depth = max(depth, value.depth + 1)
            index = value.next
        }
        guard tokens[index].kind == .rightBracket else { return expect("\"]\"", at: index) }
        return OTTLParsed(node: .list(values), next: index + 1, depth: try bounded(depth, at: start))
    }

    /// `"{" (string ":" value ","?)* "}"`: keys are string literals.
    private mutating func map(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLExpression>? {
        steps += 1
        var entries: [OTTLMapEntry] = []
        var index = start + 1
        var depth = 1
        while case .string(let key) = tokens[index].kind {
            guard tokens[index + 1].kind == .colon else { return expect("\":\"", at: index + 1) }
            guard let value = try value(at: index + 2) else { return nil }
            entries.append(OTTLMapEntry(key: key, value: value.node))
            depth = max(depth, value.depth + 1)
            index = value.next
            if tokens[index].kind == .comma { index += 1 }
        }
        guard tokens[index].kind == .rightBrace else { return expect("a string key or \"}\"", at: index) }
        return OTTLParsed(node: .map(entries), next: index + 1, depth: try bounded(depth, at: start))
    }
}
