import Yams

/// A configuration value with the type its YAML gives it, as the Collector's loader (Go's yaml.v3) reads
/// a field of type `any`: plain `123` is an int, `1.5` a double, `true` a bool, `null` / `~` / nothing
/// null; quoted text (or `!!str`) is always a string; lists and mappings keep their items in order.
package indirect enum ConfigValue: Sendable {
    /// `null`, `~`, `Null`, `NULL` or no value.
    case null
    /// `true`/`True`/`TRUE`/`false`/`False`/`FALSE` (YAML 1.2: not `yes`/`on`).
    case bool(Bool)
    /// A whole number (decimal, `0x…`, `0o…`, `0b…`, a leading `0` for octal; `_` separators allowed).
    case int(Int64)
    /// A number with a fraction or an exponent, or `.inf`/`-.inf`/`.nan`.
    case double(Double)
    /// Any other text.
    case string(String)
    /// A list.
    case list([ConfigValue])
    /// A mapping, in file order.
    case map([(key: String, value: ConfigValue)])
}

extension ConfigNode {
    /// The deepest nesting of lists and mappings `typedValue()` reads.
    package static let maxValueDepth = 16

    /// The node as a typed value (see `ConfigValue`), after `${VAR}` substitution of plain scalars.
    package func typedValue() throws(ConfigError) -> ConfigValue {
        try typedValue(depth: 0)
    }

    private func typedValue(depth: Int) throws(ConfigError) -> ConfigValue {
        guard depth <= Self.maxValueDepth else { throw error("nested deeper than \(Self.maxValueDepth) levels") }
        switch node {
        case .scalar(let scalar):
            let text = try string()
            guard scalar.style == .plain || scalar.style == .any, scalar.tag.description != Tag.Name.str.rawValue else { return .string(text) }
            return Self.resolvePlain(text)
        case .sequence:
            var items: [ConfigValue] = []
            for item in try sequence() { items.append(try item.typedValue(depth: depth + 1)) }
            return .list(items)
        case .mapping:
            var entries: [(key: String, value: ConfigValue)] = []
            for (key, value) in try mapping(allowed: nil).entries { entries.append((key, try value.typedValue(depth: depth + 1))) }
            return .map(entries)
        case .alias:
            throw error("aliases are not supported here")
        }
    }

    /// The type yaml.v3 resolves a plain scalar to.
    static func resolvePlain(_ text: String) -> ConfigValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let plain = text.replacingOccurrences(of: "_", with: "")
        if let number = integer(plain) { return .int(number) }
        if isFloat(plain), let number = Double(plain) { return .double(number) }
        return .string(text)
    }

    /// Go's `strconv.ParseInt(text, 0, 64)`: an optional sign, then `0x`/`0o`/`0b`, a leading `0` (octal)
    /// or decimal digits.
    private static func integer(_ text: String) -> Int64? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        for (prefix, base) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] where digits.hasPrefix(prefix) {
            digits = digits.dropFirst(2)
            radix = base
            break
        }
        if radix == 10, digits.count > 1, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let magnitude = UInt64(digits, radix: radix) else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// yaml.v3's float form: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    private static func isFloat(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(whole.count)
        var fraction = Substring()
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(fraction.count)
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return false }
        if let marker = rest.first, marker == "e" || marker == "E" {
            rest = rest.dropFirst()
            if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
            let exponent = rest.prefix { $0.isASCII && $0.isNumber }
            guard !exponent.isEmpty else { return false }
            rest = rest.dropFirst(exponent.count)
        }
        return rest.isEmpty
    }
}
