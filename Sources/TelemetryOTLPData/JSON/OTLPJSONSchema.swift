internal import CProtobufC

/// The OTLP messages as the JSON reader sees them, built once per signal from the protobuf-c
/// descriptors: each message type's fields with their JSON names, numbers and wire encodings.
struct OTLPJSONSchema: Sendable {
    /// How a field's JSON value is read and written on the wire.
    enum Kind: Sendable {
        case int32, int64, uint32, uint64, sint32, sint64, fixed32, sfixed32, fixed64, sfixed64, float, double, bool
        case enumeration, string, bytes, hexBytes, message
    }

    /// An enum value: its proto name and number.
    struct EnumValue: Sendable {
        let name: [UInt8]
        let number: Int32
    }

    /// One field of a message type.
    struct Field: Sendable {
        /// The lowerCamelCase name (the OTLP/JSON spelling, used in error paths too).
        let jsonName: [UInt8]
        /// The proto name, accepted as well.
        let protoName: [UInt8]
        let number: UInt32
        let kind: Kind
        let repeated: Bool
        /// A repeated scalar written as one length-delimited run (proto3's default).
        let packed: Bool
        /// A member of a oneof (or an `optional` field): written even when it holds zero or "".
        let explicitPresence: Bool
        /// The nested message type's index in `messages` (message fields).
        let message: Int
        let enumValues: [EnumValue]

        /// The field's key on the wire: the number and the wire type of one value (of the run, if packed).
        var tag: UInt64 {
            let wireType: UInt64 =
                switch kind {
                case .fixed64, .sfixed64, .double: packed ? 2 : 1
                case .fixed32, .sfixed32, .float: packed ? 2 : 5
                case .string, .bytes, .hexBytes, .message: 2
                default: packed ? 2 : 0
                }
            return UInt64(number) << 3 | wireType
        }

        var name: String { String(decoding: jsonName, as: UTF8.self) }
    }

    /// Every message type reachable from the request; the request itself is at index 0.
    let messages: [[Field]]
    /// The longest field name, in bytes.
    let longestName: Int

    /// The schema of `signal`'s request.
    static func of(_ signal: OTLPSignal) -> OTLPJSONSchema {
        switch signal {
        case .traces: traces
        case .metrics: metrics
        case .logs: logs
        }
    }

    private static let traces = OTLPJSONSchema(root: OTLPSchema.request(.traces))
    private static let metrics = OTLPJSONSchema(root: OTLPSchema.request(.metrics))
    private static let logs = OTLPJSONSchema(root: OTLPSchema.request(.logs))

    /// OTLP/JSON writes these bytes fields as hex rather than base64.
    private static let hexFields: Set<String> = ["trace_id", "span_id", "parent_span_id"]

    private init(root: UnsafePointer<ProtobufCMessageDescriptor>) {
        var indices = [UnsafeRawPointer(root): 0]
        var pending = [root]
        var messages: [[Field]] = []
        while messages.count < pending.count {
            let descriptor = pending[messages.count].pointee
            var fields: [Field] = []
            for position in 0..<Int(descriptor.n_fields) {
                let field = descriptor.fields[position]
                var message = -1
                if field.type == PROTOBUF_C_TYPE_MESSAGE, let nested = field.descriptor {
                    if let known = indices[nested] {
                        message = known
                    } else {
                        message = pending.count
                        indices[nested] = message
                        pending.append(nested.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
                    }
                }
                fields.append(Self.field(field, message: message))
            }
            messages.append(fields)
        }
        self.messages = messages
        longestName = messages.joined().map { max($0.jsonName.count, $0.protoName.count) }.max() ?? 0
    }

    private static func field(_ field: ProtobufCFieldDescriptor, message: Int) -> Field {
        let protoName = String(cString: field.name)
        var enumValues: [EnumValue] = []
        if field.type == PROTOBUF_C_TYPE_ENUM, let descriptor = field.descriptor?.assumingMemoryBound(to: ProtobufCEnumDescriptor.self) {
            enumValues = (0..<Int(descriptor.pointee.n_values)).map { index in
                let value = descriptor.pointee.values[index]
                return EnumValue(name: Array(String(cString: value.name).utf8), number: Int32(truncatingIfNeeded: value.value))
            }
        }
        let flags = field.flags
        return Field(
            jsonName: Array(camelCase(protoName).utf8), protoName: Array(protoName.utf8), number: field.id,
            kind: kind(field.type, hex: hexFields.contains(protoName)), repeated: field.label == PROTOBUF_C_LABEL_REPEATED,
            packed: flags & UInt32(PROTOBUF_C_FIELD_FLAG_PACKED.rawValue) != 0,
            explicitPresence: flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 || field.label == PROTOBUF_C_LABEL_OPTIONAL,
            message: message, enumValues: enumValues)
    }

    private static func kind(_ type: ProtobufCType, hex: Bool) -> Kind {
        switch type {
        case PROTOBUF_C_TYPE_INT32: .int32
        case PROTOBUF_C_TYPE_SINT32: .sint32
        case PROTOBUF_C_TYPE_SFIXED32: .sfixed32
        case PROTOBUF_C_TYPE_INT64: .int64
        case PROTOBUF_C_TYPE_SINT64: .sint64
        case PROTOBUF_C_TYPE_SFIXED64: .sfixed64
        case PROTOBUF_C_TYPE_UINT32: .uint32
        case PROTOBUF_C_TYPE_FIXED32: .fixed32
        case PROTOBUF_C_TYPE_UINT64: .uint64
        case PROTOBUF_C_TYPE_FIXED64: .fixed64
        case PROTOBUF_C_TYPE_FLOAT: .float
        case PROTOBUF_C_TYPE_DOUBLE: .double
        case PROTOBUF_C_TYPE_BOOL: .bool
        case PROTOBUF_C_TYPE_ENUM: .enumeration
        case PROTOBUF_C_TYPE_STRING: .string
        case PROTOBUF_C_TYPE_BYTES: hex ? .hexBytes : .bytes
        default: .message
        }
    }

    private static func camelCase(_ name: String) -> String {
        var result = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else {
                result.append(upper ? Character(character.uppercased()) : character)
                upper = false
            }
        }
        return result
    }
}
