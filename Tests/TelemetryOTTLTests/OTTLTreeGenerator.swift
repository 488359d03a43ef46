import TelemetryOTTL

/// Builds syntax trees of the shapes `OTTLParser` produces (canonical groupings, collapsed one-element
/// `and`/`or`, signs folded into number literals, `.int` keys for integer keys) from a list of random
/// choices, so the property tests' inputs shrink as byte arrays do.
struct OTTLTreeGenerator {
    private var choices: [UInt8]
    private var next = 0

    init(_ choices: [UInt8]) { self.choices = choices }

    /// The next choice in `0..<count` (0 once the choices run out, which ends every recursion).
    private mutating func choose(_ count: Int) -> Int {
        guard next < choices.count else { return 0 }
        defer { next += 1 }
        return Int(choices[next]) % count
    }

    private mutating func pick<Element>(_ elements: [Element]) -> Element { elements[choose(elements.count)] }

    private mutating func bits() -> UInt64 {
        (0..<8).reduce(0) { value, _ in value << 8 | UInt64(choose(256)) }
    }

    mutating func statement() -> OTTLStatement {
        let editor = call(name: pick(["set", "keep_keys", "replace_allPatterns", "delete_key", "limit"]), depth: 3, keys: false)
        return OTTLStatement(editor: editor, condition: choose(2) == 0 ? nil : condition(depth: 3))
    }

    mutating func condition(depth: Int) -> OTTLBoolExpression {
        let terms = (0...choose(3)).map { _ in term(depth: depth) }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func term(depth: Int) -> OTTLBoolExpression {
        let values = (0...choose(3)).map { _ in boolValue(depth: depth) }
        return values.count == 1 ? values[0] : .and(values)
    }

    private mutating func boolValue(depth: Int) -> OTTLBoolExpression {
        let operand: OTTLBoolExpression =
            switch depth > 0 ? choose(4) : choose(2) {
            case 0: .comparison(value(depth: depth - 1), pick(OTTLComparison.allCases), value(depth: depth - 1))
            case 1: .constant(choose(2) == 0)
            case 2: .converter(call(name: pick(["IsMatch", "IsString", "SHA256"]), depth: depth - 1, keys: true))
            default: .group(condition(depth: depth - 1))
            }
        return choose(4) == 0 ? .not(operand) : operand
    }

    mutating func value(depth: Int) -> OTTLExpression {
        switch depth > 0 ? choose(10) : choose(6) {
        case 0: .literal(.null)
        case 1: .literal(.bool(choose(2) == 0))
        case 2: .literal(.string(string()))
        case 3: .literal(.bytes((0...choose(5)).map { _ in UInt8(choose(256)) }))
        case 4: .enumSymbol(pick(["SPAN_KIND_SERVER", "SHA256", "A", "NIL", "X_1"]), Tree.origin)
        case 5: mathValue(depth: 0)
        case 6: .list((0..<choose(4)).map { _ in value(depth: depth - 1) })
        case 7: .map((0..<choose(4)).map { _ in OTTLMapEntry(key: string(), value: value(depth: depth - 1)) })
        default: mathExpression(depth: depth - 1)
        }
    }

    /// Sums of products of math values, folded to the left.
    private mutating func mathExpression(depth: Int) -> OTTLExpression {
        var sum = product(depth: depth)
        for _ in 0..<choose(3) { sum = .math(sum, pick([.add, .subtract]), product(depth: depth)) }
        return sum
    }

    private mutating func product(depth: Int) -> OTTLExpression {
        var product = mathValue(depth: depth)
        for _ in 0..<choose(3) { product = .math(product, pick([.multiply, .divide]), mathValue(depth: depth)) }
        return product
    }

    private mutating func mathValue(depth: Int) -> OTTLExpression {
        switch depth > 0 ? choose(7) : choose(3) {
        case 0: .literal(.int(integer()))
        case 1: .literal(.double(double()))
        case 2: .path(path(depth: depth))
        case 3: .converter(call(name: pick(["Concat", "X", "Len2"]), depth: depth - 1, keys: true))
        case 4: .group(mathExpression(depth: depth - 1))
        case 5: .negate(choose(2) == 0 ? .path(path(depth: depth - 1)) : .group(mathExpression(depth: depth - 1)))
        default: .negate(.converter(call(name: "Y", depth: depth - 1, keys: true)))
        }
    }

    private mutating func integer() -> Int64 {
        pick([0, 1, -1, .max, .min, 42, -7, Int64(bitPattern: bits())])
    }

    private mutating func double() -> Double {
        let random = Double(bitPattern: bits())
        return pick([0.0, -0.0, 0.1, 1.0, -2.5, 1e16, 1e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456.789, random.isFinite ? random : 3.0])
    }

    private mutating func string() -> String {
        (0..<choose(6)).map { _ in pick(["a", "é", "\"", "\\", "\n", "\t", "\u{0}", "\u{7F}", "😀", "\u{2028}", "'", " ", "\u{85}", "\u{FEFF}", "\\d"]) }
            .joined()
    }

    private mutating func path(depth: Int) -> OTTLPath {
        let fields = (0...choose(3)).map { _ in
            OTTLField(name: pick(["attributes", "name", "resource", "x1", "where", "a_b", "status", "code"]), keys: keys(depth: depth))
        }
        return OTTLPath(fields: fields, position: Tree.origin)
    }

    private mutating func keys(depth: Int) -> [OTTLKey] {
        (0..<choose(3)).map { _ in
            switch depth > 0 ? choose(3) : choose(2) {
            case 0: .string(string())
            case 1: .int(integer())
            default:
                switch mathExpression(depth: depth - 1) {
                case .literal(.int(let index)): .int(index)
                case let expression: .expression(expression)
                }
            }
        }
    }

    private mutating func call(name: String, depth: Int, keys withKeys: Bool) -> OTTLCall {
        let arguments = (0..<choose(4)).map { _ in
            let name: String? = choose(3) == 0 ? pick(["depth", "headerDelimiter", "mode"]) : nil
            let value: OTTLExpression = choose(6) == 0 ? .functionName(pick(["IsString", "Concat"]), Tree.origin) : value(depth: depth)
            return OTTLArgument(name: name, value: value)
        }
        return OTTLCall(name: name, arguments: arguments, keys: withKeys ? keys(depth: depth) : [], position: Tree.origin)
    }
}
