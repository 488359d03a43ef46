import TelemetryOTLPData

extension OTTLComparison {
    /// Compares two values as the Collector's `compare.go` does: never an error; nil equals nil; ints and
    /// floats compare as numbers; strings and bytes byte-wise; bools with false < true; maps and lists only
    /// for (in)equality; any other pairing is "not equal" (`!=` true, everything else false). NaN follows
    /// IEEE (every comparison false but `!=`).
    public func evaluate(_ left: OTTLValue, _ right: OTTLValue) -> Bool {
        switch (left, right) {
        case (.null, .null):
            return self == .equal || self == .lessOrEqual || self == .greaterOrEqual
        case (.bool(let a), .bool(let b)):
            return ordered(a == b ? 0 : (!a && b ? -1 : 1))
        case (.int(let a), .int(let b)):
            return ordered(a == b ? 0 : (a < b ? -1 : 1))
        case (.int(let a), .double(let b)):
            return numeric(Double(a), b)
        case (.double(let a), .int(let b)):
            return numeric(a, Double(b))
        case (.double(let a), .double(let b)):
            return numeric(a, b)
        case (.string(let a), .string(let b)):
            return ordered(Self.byteOrder(Array(a.utf8), Array(b.utf8)))
        case (.bytes(let a), .bytes(let b)):
            return ordered(Self.byteOrder(a, b))
        case (.map(let a), .map(let b)):
            return equality(Self.sameMap(a, b))
        case (.list(let a), .list(let b)):
            return equality(a == b)
        default:
            return self == .notEqual
        }
    }

    private func ordered(_ order: Int) -> Bool {
        switch self {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        case .greaterOrEqual: order >= 0
        }
    }

    private func numeric(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }

    private func equality(_ equal: Bool) -> Bool {
        switch self {
        case .equal: equal
        case .notEqual: !equal
        default: false
        }
    }

    private static func byteOrder(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Maps are equal when they hold the same keys with equal values, whatever the order (pdata `Map.Equal`),
    /// in time linear in their sizes (one side indexed by key).
    private static func sameMap(_ a: [OTLPKeyValue], _ b: [OTLPKeyValue]) -> Bool {
        guard a.count == b.count else { return false }
        var indexed: [String: [OTLPValue]] = [:]
        for pair in b { indexed[pair.key, default: []].append(pair.value) }
        return a.allSatisfy { pair in indexed[pair.key]?.contains(pair.value) ?? false }
    }
}

extension OTTLMathOperator {
    /// Applies the operator as the Collector's `math.go`: int with int stays int (wrapping, `/` truncating),
    /// a float on either side makes a float, division by zero and non-numbers are errors.
    public func evaluate(_ left: OTTLValue, _ right: OTTLValue) throws(OTTLError) -> OTTLValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            switch self {
            case .add: return .int(a &+ b)
            case .subtract: return .int(a &- b)
            case .multiply: return .int(a &* b)
            case .divide:
                guard b != 0 else { throw OTTLError("attempted to divide by 0") }
                return .int(a.dividedReportingOverflow(by: b).partialValue)
            }
        case (.int(let a), .double(let b)): return try floating(Double(a), b)
        case (.double(let a), .int(let b)): return try floating(a, Double(b))
        case (.double(let a), .double(let b)): return try floating(a, b)
        case (.int, _), (.double, _):
            throw OTTLError("\(right.goTypeName) must be int64 or float64")
        default:
            throw OTTLError("\(left.goTypeName) must be int64, float64, time.Time or time.Duration")
        }
    }

    private func floating(_ a: Double, _ b: Double) throws(OTTLError) -> OTTLValue {
        switch self {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            guard b != 0 else { throw OTTLError("attempted to divide by 0") }
            return .double(a / b)
        }
    }
}
