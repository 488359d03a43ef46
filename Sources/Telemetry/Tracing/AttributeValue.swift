/// The value of a span, event or link attribute: a string, integer, double or boolean, or an array of one of them.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    /// A string.
    case string(String)
    /// A 64-bit signed integer.
    case int(Int)
    /// A double.
    case double(Double)
    /// A boolean.
    case bool(Bool)
    /// An array of strings.
    case stringArray([String])
    /// An array of integers.
    case intArray([Int])
    /// An array of doubles.
    case doubleArray([Double])
    /// An array of booleans.
    case boolArray([Bool])

    /// The value as text (arrays as `[a, b]`).
    public var description: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .stringArray(let value): "\(value)"
        case .intArray(let value): "\(value)"
        case .doubleArray(let value): "\(value)"
        case .boolArray(let value): "\(value)"
        }
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    /// A string literal attribute.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal attribute.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A floating-point literal attribute.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A boolean literal attribute.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AttributeValue: ExpressibleByStringInterpolation {}
