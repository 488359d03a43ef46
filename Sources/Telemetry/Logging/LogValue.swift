import Logging

/// A log record's body or attribute value: OTLP's `AnyValue`, nested.
public indirect enum LogValue: Sendable, Hashable {
    /// A string.
    case string(String)
    /// A signed integer.
    case int(Int64)
    /// A floating-point number.
    case double(Double)
    /// A boolean.
    case bool(Bool)
    /// Raw bytes.
    case bytes([UInt8])
    /// An ordered list.
    case array([LogValue])
    /// Key/value pairs, in order.
    case map([LogAttribute])

    /// The deepest nesting kept from metadata; deeper values become one line of text.
    public static let maxDepth = 16

    /// The value of swift-log metadata: strings stay strings, string-convertible values become their
    /// description, arrays and dictionaries nest (dictionary keys sorted). Nesting deeper than
    /// `maxDepth` is cut to the text of what is left, written without recursion and linear in its size
    /// (`MetadataText`; not swift-log's `description`, which recurses and doubles with each level).
    public init(_ metadata: Logger.MetadataValue) {
        self.init(metadata, depth: 0)
    }

    private init(_ metadata: Logger.MetadataValue, depth: Int) {
        guard depth < Self.maxDepth else {
            self = .string(MetadataText.render(metadata))
            return
        }
        switch metadata {
        case .string(let text): self = .string(text)
        case .stringConvertible(let value): self = .string(value.description)
        case .array(let values): self = .array(values.map { LogValue($0, depth: depth + 1) })
        case .dictionary(let entries):
            self = .map(entries.sorted { $0.key < $1.key }.map { LogAttribute($0.key, LogValue($0.value, depth: depth + 1)) })
        }
    }
}

/// One key/value pair of a log record's attributes (or of a nested map).
public struct LogAttribute: Sendable, Hashable {
    /// The key.
    public let key: String
    /// The value.
    public let value: LogValue

    /// Creates a pair.
    public init(_ key: String, _ value: LogValue) {
        self.key = key
        self.value = value
    }
}
