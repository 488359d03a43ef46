/// The boolean rules: `or` of `and` of possibly negated comparisons, constants, converters and groups.
extension OTTLParser {
    /// `term ("or" term)*`; one term alone is that term.
    mutating func boolExpression(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLBoolExpression>? {
        steps += 1
        return try boolChain(at: start, separator: .or)
    }

    /// `operand (separator operand)*`: terms joined by `or` (operands: `and` chains), or boolean values
    /// joined by `and`. A chain of one is its operand.
    private mutating func boolChain(at start: Int, separator: OTTLToken.Kind) throws(OTTLSyntaxError) -> OTTLParsed<OTTLBoolExpression>? {
        steps += 1
        let isOr = separator == .or
        guard let first = try isOr ? boolChain(at: start, separator: .and) : boolValue(at: start) else { return nil }
        var operands = [first.node]
        var next = first.next
        var depth = first.depth
        while tokens[next].kind == separator, let operand = try isOr ? boolChain(at: next + 1, separator: .and) : boolValue(at: next + 1) {
            operands.append(operand.node)
            depth = max(depth, operand.depth)
            next = operand.next
        }
        guard operands.count > 1 else { return first }
        let node: OTTLBoolExpression = isOr ? .or(operands) : .and(operands)
        return OTTLParsed(node: node, next: next, depth: try bounded(depth + 1, at: start))
    }

    /// `"not"? (comparison | true | false | converter | "(" boolExpression ")")`, tried in that order.
    private mutating func boolValue(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLBoolExpression>? {
        steps += 1
        let negated = tokens[start].kind == .not
        guard let operand = try boolOperand(at: negated ? start + 1 : start) else { return nil }
        guard negated else { return operand }
        return OTTLParsed(node: .not(operand.node), next: operand.next, depth: try bounded(operand.depth + 1, at: start))
    }

    private mutating func boolOperand(at start: Int) throws(OTTLSyntaxError) -> OTTLParsed<OTTLBoolExpression>? {
        steps += 1
        if let left = try value(at: start) {
            if case .comparison(let op) = tokens[left.next].kind {
                if let right = try value(at: left.next + 1) {
                    let depth = try bounded(max(left.depth, right.depth) + 1, at: start)
                    return OTTLParsed(node: .comparison(left.node, op, right.node), next: right.next, depth: depth)
                }
            } else {
                note("a comparison operator", at: left.next)
            }
            if case .converter(let call) = left.node, let first = call.name.unicodeScalars.first, ("A"..."Z").contains(first) {
                return OTTLParsed(node: .converter(call), next: left.next, depth: left.depth)
            }
        }
        if case .boolean(let flag) = tokens[start].kind {
            return OTTLParsed(node: .constant(flag), next: start + 1, depth: 1)
        }
        guard tokens[start].kind == .leftParen else { return expect("a condition", at: start) }
        guard let inner = try boolExpression(at: start + 1) else { return nil }
        guard tokens[inner.next].kind == .rightParen else { return expect("\")\"", at: inner.next) }
        return OTTLParsed(node: .group(inner.node), next: inner.next + 1, depth: try bounded(inner.depth + 1, at: start))
    }
}
