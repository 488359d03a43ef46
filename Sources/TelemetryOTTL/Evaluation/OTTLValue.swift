import TelemetryOTLPData

/// A value while OTTL evaluates (Go's `any` in the Collector's `pkg/ottl`): what paths and converters
/// give and what editors and setters take. Maps and lists hold OTLP values, as pdata's `Map` and `Slice` do.
public enum OTTLValue: Sendable, Equatable {
    /// `nil` (also what an absent key or an empty `AnyValue` reads as).
    case null
    /// A boolean.
    case bool(Bool)
    /// A 64-bit integer (OTTL's `int64`; enums are ints too).
    case int(Int64)
    /// A 64-bit float.
    case double(Double)
    /// A string.
    case string(String)
    /// Bytes (ids read as bytes too: `trace_id`, `span_id`).
    case bytes([UInt8])
    /// A map (pdata `Map`), in order.
    case map([OTLPKeyValue])
    /// A list (pdata `Slice`).
    case list([OTLPValue])

    /// The value an `AnyValue` holds.
    public init(_ value: OTLPValue) {
        switch value {
        case .empty: self = .null
        case .string(let text): self = .string(text)
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .bytes(let bytes): self = .bytes(bytes)
        case .array(let values): self = .list(values)
        case .map(let pairs): self = .map(pairs)
        }
    }

    /// The `AnyValue` this value is stored as (`nil` → empty).
    public var otlpValue: OTLPValue {
        switch self {
        case .null: .empty
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .bytes(let bytes): .bytes(bytes)
        case .map(let pairs): .map(pairs)
        case .list(let values): .array(values)
        }
    }

    /// The Go type name the Collector's messages use (`string`, `int64`, `float64`, `bool`, `[]uint8`,
    /// `pcommon.Map`, `pcommon.Slice`, `nil`).
    public var goTypeName: String {
        switch self {
        case .null: "nil"
        case .bool: "bool"
        case .int: "int64"
        case .double: "float64"
        case .string: "string"
        case .bytes: "[]uint8"
        case .map: "pcommon.Map"
        case .list: "pcommon.Slice"
        }
    }
}

/// An evaluation error (the Collector's run-time errors): handled per `error_mode`.
public struct OTTLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, in the Collector's words where it has them.
    public let message: String
    /// Set when the memory budget refused a write (see `OTTLError.memory`).
    public let memoryRefusal: EditMemoryRefused?

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
        memoryRefusal = nil
    }

    init(memoryRefusal: EditMemoryRefused) {
        message = memoryRefusal.description
        self.memoryRefusal = memoryRefusal
    }

    public var description: String { message }

    public static func == (lhs: OTTLError, rhs: OTTLError) -> Bool { lhs.message == rhs.message }
}

/// A compile error: a statement that parses but cannot run (unknown function, path or enum, wrong
/// arguments, a literal regex that does not compile), with the position inside the statement.
public struct OTTLCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, in the Collector's words where it has them.
    public let message: String
    /// Where in the statement, when known.
    public let position: OTTLPosition?

    /// Creates an error.
    public init(_ message: String, at position: OTTLPosition? = nil) {
        self.message = message
        self.position = position
    }

    public var description: String { position.map { "\($0): \(message)" } ?? message }
}
