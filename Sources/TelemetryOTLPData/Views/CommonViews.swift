#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import COTLP
internal import CProtobufC
import Telemetry

/// One attribute: a key and its value.
public struct KeyValueView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__KeyValue>

    /// The key.
    public var key: String { pointer.pointee.key.map { String(cString: $0) } ?? "" }
    /// The value (`.empty` when absent).
    public var value: AnyValueView {
        guard let value = pointer.pointee.value else { return .empty }
        return AnyValueView(owner, value)
    }
}

/// An OTLP `AnyValue`.
public enum AnyValueView: Sendable {
    /// No value.
    case empty
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// A 64-bit integer.
    case int(Int64)
    /// A double.
    case double(Double)
    /// Raw bytes.
    case bytes([UInt8])
    /// A list of values.
    case array(MessageList<AnyValueView>)
    /// A list of key-value pairs.
    case keyValueList(MessageList<KeyValueView>)

    init(_ owner: UnpackedMessage, _ value: UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__AnyValue>) {
        switch value.pointee.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
            self = .string(value.pointee.string_value.map { String(cString: $0) } ?? "")
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
            self = .bool(value.pointee.bool_value != 0)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
            self = .int(value.pointee.int_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
            self = .double(value.pointee.double_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE:
            self = .bytes(Array(binary: value.pointee.bytes_value))
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
            let array = value.pointee.array_value
            self = .array(MessageList(owner, array?.pointee.values, array?.pointee.n_values ?? 0) { AnyValueView($0, $1) })
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
            let list = value.pointee.kvlist_value
            self = .keyValueList(
                MessageList(owner, list?.pointee.values, list?.pointee.n_values ?? 0) { KeyValueView(owner: $0, pointer: $1) })
        default:
            self = .empty
        }
    }

    /// The value as a span attribute value: scalars and homogeneous scalar arrays; `nil` otherwise.
    public var attributeValue: AttributeValue? {
        switch self {
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(Int(number))
        case .double(let number): return .double(number)
        case .array(let values): return Self.homogeneous(values)
        default: return nil
        }
    }

    private static func homogeneous(_ values: MessageList<AnyValueView>) -> AttributeValue? {
        var strings: [String] = [], ints: [Int] = [], doubles: [Double] = [], bools: [Bool] = []
        for value in values {
            switch value {
            case .string(let text): strings.append(text)
            case .int(let number): ints.append(Int(number))
            case .double(let number): doubles.append(number)
            case .bool(let flag): bools.append(flag)
            default: return nil
            }
        }
        switch values.count {
        case strings.count: return .stringArray(strings)
        case ints.count: return .intArray(ints)
        case doubles.count: return .doubleArray(doubles)
        case bools.count: return .boolArray(bools)
        default: return nil
        }
    }

    /// The value as text for a metric label: scalars as written, bytes as hex, lists in brackets (at most
    /// `maxDepth` levels; the scanner already bounds nesting).
    public func text(maxDepth: Int = 8) -> String {
        switch self {
        case .empty: return ""
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bytes(let bytes): return bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        case .array(let values):
            guard maxDepth > 0 else { return "[…]" }
            return "[" + values.map { $0.text(maxDepth: maxDepth - 1) }.joined(separator: ",") + "]"
        case .keyValueList(let pairs):
            guard maxDepth > 0 else { return "{…}" }
            return "{" + pairs.map { "\($0.key):\($0.value.text(maxDepth: maxDepth - 1))" }.joined(separator: ",") + "}"
        }
    }
}

/// A list of attributes with lookup by key.
public typealias AttributeList = MessageList<KeyValueView>

extension MessageList where Element == KeyValueView {
    init(_ owner: UnpackedMessage, attributes: UnsafeMutablePointer<UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__KeyValue>?>?, count: Int) {
        self.init(owner, attributes, count) { KeyValueView(owner: $0, pointer: $1) }
    }

    /// The value of the first attribute named `key` (compared in place, without making a string of each key).
    public subscript(key: String) -> AnyValueView? {
        guard !key.utf8.contains(0) else { return nil }  // no decoded key holds a NUL
        return key.withCString { wanted in
            first { attribute in attribute.pointer.pointee.key.map { strcmp($0, wanted) == 0 } ?? key.isEmpty }?.value
        }
    }
}

/// A resource: its attributes.
public struct ResourceView: Sendable {
    /// The attributes (empty when the resource is absent).
    public let attributes: AttributeList

    init(_ owner: UnpackedMessage, _ resource: UnsafeMutablePointer<Opentelemetry__Proto__Resource__V1__Resource>?) {
        attributes = AttributeList(owner, attributes: resource?.pointee.attributes, count: resource?.pointee.n_attributes ?? 0)
    }

    /// `service.name`, when it is a string.
    public var serviceName: String? {
        if case .string(let name)? = attributes["service.name"] { return name }
        return nil
    }
}

/// An instrumentation scope.
public struct ScopeView: @unchecked Sendable {
    // @unchecked: it reads an unpacked message that never changes and that `owner` keeps alive.
    let owner: UnpackedMessage
    let pointer: UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__InstrumentationScope>?

    /// The scope name ("" when absent).
    public var name: String { pointer?.pointee.name.map { String(cString: $0) } ?? "" }
    /// The scope version ("" when absent).
    public var version: String { pointer?.pointee.version.map { String(cString: $0) } ?? "" }
}

extension Array where Element == UInt8 {
    init(binary: ProtobufCBinaryData) {
        guard let data = binary.data, binary.len > 0 else {
            self = []
            return
        }
        self = Array(UnsafeBufferPointer(start: data, count: binary.len))
    }
}
