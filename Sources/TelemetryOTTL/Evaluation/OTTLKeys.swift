import TelemetryOTLPData

/// A compiled `[…]` key: a literal, or an expression whose value (a string or an int) is the key.
enum CompiledKey: Sendable {
    case string(String)
    case int(Int64)
    case dynamic(OTTLGetter)

    /// The key for `item`: a map key or a list index.
    func resolve(_ item: OTTLItem) throws(OTTLError) -> ResolvedKey {
        switch self {
        case .string(let key): return .string(key)
        case .int(let index): return .int(index)
        case .dynamic(let getter):
            switch try getter(item) {
            case .string(let key): return .string(key)
            case .int(let index): return .int(index)
            case let other: throw OTTLError("could not resolve key for map/slice, expecting 'string' but got '\(other.goTypeName)'")
            }
        }
    }
}

/// A key for one evaluation.
enum ResolvedKey {
    case string(String)
    case int(Int64)
}

enum KeyedValues {
    /// `value` indexed by `keys` (a missing map key reads as nil, as paths do in the Collector).
    static func get(_ value: OTLPValue, _ keys: ArraySlice<ResolvedKey>) throws(OTTLError) -> OTLPValue {
        var current = value
        for key in keys {
            switch (key, current) {
            case (.string(let name), .map(let pairs)):
                guard let found = pairs.first(where: { $0.key == name }) else { return .empty }
                current = found.value
            case (.int(let index), .array(let values)):
                guard index >= 0, index < values.count else { throw OTTLError("index \(index) out of bounds") }
                current = values[Int(index)]
            case (_, .empty):
                return .empty
            default:
                throw OTTLError("type \(current.typeName) does not support string indexing")
            }
        }
        return current
    }

    /// `value` with the element at `keys` set to `new`: missing map keys are created, an empty value
    /// becomes a map (string key) or a list padded with empty values (int key), as the Collector's
    /// `SetIndexableValue`.
    static func set(_ value: OTLPValue, _ keys: ArraySlice<ResolvedKey>, to new: OTLPValue) throws(OTTLError) -> OTLPValue {
        guard let key = keys.first else { return new }
        let rest = keys.dropFirst()
        switch (key, value) {
        case (.string(let name), .map(var pairs)):
            if let index = pairs.firstIndex(where: { $0.key == name }) {
                pairs[index].value = try set(pairs[index].value, rest, to: new)
            } else {
                pairs.append(OTLPKeyValue(key: name, value: try set(.empty, rest, to: new)))
            }
            return .map(pairs)
        case (.string(let name), .empty):
            return .map([OTLPKeyValue(key: name, value: try set(.empty, rest, to: new))])
        case (.int(let index), .array(var values)):
            guard index >= 0, index < values.count else { throw OTTLError("index \(index) out of bounds") }
            values[Int(index)] = try set(values[Int(index)], rest, to: new)
            return .array(values)
        case (.int(let index), .empty):
            guard index >= 0, index < 4096 else { throw OTTLError("index \(index) out of bounds") }
            var values = [OTLPValue](repeating: .empty, count: Int(index) + 1)
            values[Int(index)] = try set(.empty, rest, to: new)
            return .array(values)
        default:
            throw OTTLError("type \(value.typeName) does not support string indexing")
        }
    }
}

extension AttributesRef {
    /// The value at `keys` (the first a string key into this map).
    func value(at keys: [ResolvedKey]) throws(OTTLError) -> OTTLValue {
        guard case .string(let first) = keys[0] else { throw OTTLError("type Map does not support int indexing") }
        guard let value = self[first] else { return .null }
        return OTTLValue(try KeyedValues.get(value, keys.dropFirst()))
    }

    /// Sets the value at `keys`; a nil value leaves an empty value behind for a new key, as the Collector.
    func setValue(_ value: OTTLValue, at keys: [ResolvedKey]) throws(OTTLError) {
        guard case .string(let first) = keys[0] else { throw OTTLError("type Map does not support int indexing") }
        try OTTLValue.checkNesting(value, below: keys.count)
        do {
            if keys.count == 1 {
                try set(first, value.otlpValue)
            } else {
                try set(first, try KeyedValues.set(self[first] ?? .empty, keys.dropFirst(), to: value.otlpValue))
            }
        } catch let error as EditMemoryRefused {
            throw .memory(error)
        } catch let error as OTTLError {
            throw error
        } catch {
            throw OTTLError("\(error)")
        }
    }

    /// The map at `keys` (string keys only), created when `create` is set.
    func map(at keys: [ResolvedKey], create: Bool) throws(OTTLError) -> AttributesRef? {
        var current: AttributesRef = self
        for key in keys {
            guard case .string(let name) = key else { return nil }
            do {
                guard let next = try current.nestedMap(name, create: create) else { return nil }
                current = next
            } catch {
                throw .memory(error)
            }
        }
        return current
    }
}

extension OTTLValue {
    /// The deepest a value may nest once stored: a statement that stores a map into itself
    /// (`set(attributes["n"], attributes)`) would otherwise nest one level deeper for every item it runs
    /// on, and every later walk of the value (reading, encoding, redaction) recurses that deep.
    public static let maxNesting = 64

    /// Throws when `value`, stored `levels` maps down, would nest deeper than `maxNesting`.
    static func checkNesting(_ value: OTTLValue, below levels: Int) throws(OTTLError) {
        guard value.otlpValue.nests(deeperThan: maxNesting - levels) else { return }
        throw OTTLError("the value would nest deeper than \(maxNesting) levels")
    }
}

extension OTLPValue {
    /// Whether the value nests (maps and lists in maps and lists) more than `levels` deep; the walk stops
    /// at `levels`, so it never recurses deeper than that.
    func nests(deeperThan levels: Int) -> Bool {
        switch self {
        case .map(let pairs):
            guard levels > 0 else { return true }
            return pairs.contains { $0.value.nests(deeperThan: levels - 1) }
        case .array(let values):
            guard levels > 0 else { return true }
            return values.contains { $0.nests(deeperThan: levels - 1) }
        default:
            return false
        }
    }
}
