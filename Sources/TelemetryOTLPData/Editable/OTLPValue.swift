internal import COTLP
internal import CProtobufC

/// An OTLP `AnyValue` as a Swift value: what edits read from and write into a request.
public enum OTLPValue: Sendable, Equatable {
    /// No value (an absent or unset `AnyValue`).
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
    case array([OTLPValue])
    /// Key-value pairs, in order (keys are unique when made by an edit).
    case map([OTLPKeyValue])
}

/// One key and its value.
public struct OTLPKeyValue: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value.
    public var value: OTLPValue

    /// Creates a pair.
    public init(key: String, value: OTLPValue) {
        self.key = key
        self.value = value
    }
}

typealias KeyValueListMessage = Opentelemetry__Proto__Common__V1__KeyValueList
typealias ArrayValueMessage = Opentelemetry__Proto__Common__V1__ArrayValue

extension OTLPValue {
    /// Reads an `AnyValue` (nil = empty). Recursion follows the message's nesting, which the pre-scan
    /// held to `DecodeLimits.maxDepth`, or an edit's value, which was itself built from such a tree or
    /// from a bounded parse.
    init(reading value: UnsafeMutablePointer<AnyValueMessage>?) {
        guard let value else {
            self = .empty
            return
        }
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
            let binary = value.pointee.bytes_value
            self = .bytes(binary.data.map { Array(UnsafeBufferPointer(start: $0, count: binary.len)) } ?? [])
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
            let array = value.pointee.array_value
            let count = array?.pointee.n_values ?? 0
            self = .array((0..<count).map { OTLPValue(reading: array?.pointee.values[$0]) })
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
            let list = value.pointee.kvlist_value
            let count = list?.pointee.n_values ?? 0
            self = .map(
                (0..<count).compactMap { index in
                    guard let pair = list?.pointee.values[index] else { return nil }
                    return OTLPKeyValue(key: pair.pointee.key.map { String(cString: $0) } ?? "", value: OTLPValue(reading: pair.pointee.value))
                })
        default:
            self = .empty
        }
    }

    /// The pairs, when this is a map.
    public var map: [OTLPKeyValue]? {
        if case .map(let pairs) = self { return pairs }
        return nil
    }

    /// The name of the value's type as pdata prints it (`Str`, `Int`, `Double`, `Bool`, `Bytes`, `Slice`,
    /// `Map`, `Empty`), for error messages.
    public var typeName: String {
        switch self {
        case .empty: "Empty"
        case .string: "Str"
        case .bool: "Bool"
        case .int: "Int"
        case .double: "Double"
        case .bytes: "Bytes"
        case .array: "Slice"
        case .map: "Map"
        }
    }
}

extension EditSession {
    /// Writes `value` into the `AnyValue` at `target` (its case and union, logged).
    func store(_ value: OTLPValue, into target: UnsafeMutablePointer<AnyValueMessage>, isChange: Bool = true) throws(EditMemoryRefused) {
        var built = AnyValueMessage()
        built.base = target.pointee.base
        try fill(&built, with: value)
        try write(field(target, \.value_case), built.value_case, isChange: isChange)
        try write(UnsafeMutableRawPointer(target).advanced(by: Self.unionOffset).assumingMemoryBound(to: (UInt64, UInt64).self),
                  withUnsafeBytes(of: built) { $0.load(fromByteOffset: Self.unionOffset, as: (UInt64, UInt64).self) }, isChange: isChange)
    }

    /// A new `AnyValue` in the arena holding `value`.
    func newValue(_ value: OTLPValue) throws(EditMemoryRefused) -> UnsafeMutablePointer<AnyValueMessage> {
        let pointer = try allocate(AnyValueMessage.self)
        opentelemetry__proto__common__v1__any_value__init(pointer)
        try fill(&pointer.pointee, with: value)
        return pointer
    }

    /// A new `KeyValue` in the arena.
    func newKeyValue(_ key: String, _ value: OTLPValue) throws(EditMemoryRefused) -> UnsafeMutablePointer<KeyValueMessage> {
        let pointer = try allocate(KeyValueMessage.self)
        opentelemetry__proto__common__v1__key_value__init(pointer)
        pointer.pointee.key = try string(key)
        pointer.pointee.value = try newValue(value)
        return pointer
    }

    /// The byte offset of `AnyValue`'s union (right after its case).
    static let unionOffset: Int = {
        guard let offset = MemoryLayout<AnyValueMessage>.offset(of: \AnyValueMessage.value_case) else { return 0 }
        let caseSize = MemoryLayout<Opentelemetry__Proto__Common__V1__AnyValue__ValueCase>.size
        return (offset + caseSize + 7) & ~7
    }()

    /// Sets a fresh (arena or local) `AnyValue` to `value`; nothing in the unpacked tree is touched.
    private func fill(_ message: inout AnyValueMessage, with value: OTLPValue) throws(EditMemoryRefused) {
        switch value {
        case .empty:
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE__NOT_SET
        case .string(let text):
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            message.string_value = try string(text)
        case .bool(let flag):
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE
            message.bool_value = flag ? 1 : 0
        case .int(let number):
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
            message.int_value = number
        case .double(let number):
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE
            message.double_value = number
        case .bytes(let bytes):
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE
            let copy = try binary(bytes)
            message.bytes_value = ProtobufCBinaryData(len: copy.len, data: copy.data)
        case .array(let values):
            let array = try allocate(ArrayValueMessage.self)
            opentelemetry__proto__common__v1__array_value__init(array)
            if !values.isEmpty {
                let list = try allocate(UnsafeMutablePointer<AnyValueMessage>?.self, count: values.count)
                for (index, element) in values.enumerated() { (list + index).initialize(to: try newValue(element)) }
                array.pointee.n_values = values.count
                array.pointee.values = list
            }
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE
            message.array_value = array
        case .map(let pairs):
            let map = try allocate(KeyValueListMessage.self)
            opentelemetry__proto__common__v1__key_value_list__init(map)
            if !pairs.isEmpty {
                let list = try allocate(UnsafeMutablePointer<KeyValueMessage>?.self, count: pairs.count)
                for (index, pair) in pairs.enumerated() { (list + index).initialize(to: try newKeyValue(pair.key, pair.value)) }
                map.pointee.n_values = pairs.count
                map.pointee.values = list
            }
            message.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE
            message.kvlist_value = map
        }
    }
}
