internal import COTLP
internal import CProtobufC
import Foundation

/// Converts OTLP/JSON requests to their protobuf encoding, using the protobuf-c descriptors of the
/// generated code, so JSON and protobuf requests share one processing path (and one scanner).
///
/// Follows the OTLP/JSON rules: field names in lowerCamelCase (the proto names are accepted too),
/// `traceId`/`spanId`/`parentSpanId` as hex, other bytes as base64, enums as integers (names accepted),
/// 64-bit integers as strings or numbers; unknown fields are ignored. The same limits as protobuf
/// apply: the text is checked for nesting and size (`JSONShape`) before Foundation parses it, and
/// messages may nest at most `DecodeLimits.maxDepth` levels.
enum OTLPJSONDecoder {
    /// The protobuf bytes of the `Export…ServiceRequest` for `signal` written as JSON in `json`.
    static func protobuf(fromJSON json: [UInt8], signal: OTLPSignal, limits: DecodeLimits) throws(OTLPDecodeError) -> [UInt8] {
        try JSONShape.check(json, limits: limits)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed])
        } catch {
            throw OTLPDecodeError(.malformed, "invalid JSON: \(error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else {
            throw OTLPDecodeError(.malformed, "the request must be a JSON object")
        }
        let builder = JSONMessageBuilder(arena: ProtobufArena(), maxDepth: limits.maxDepth)
        let message = try builder.message(root, descriptor: OTLPSchema.request(signal), path: "$", depth: 0)
        return packMessage(message.assumingMemoryBound(to: ProtobufCMessage.self))
    }
}

/// Fills protobuf-c structs from parsed JSON, field by field, through the message descriptors.
private struct JSONMessageBuilder {
    let arena: ProtobufArena
    let maxDepth: Int
    private static let hexFields: Set<String> = ["trace_id", "span_id", "parent_span_id"]

    func message(
        _ object: [String: Any], descriptor: UnsafePointer<ProtobufCMessageDescriptor>, path: String, depth: Int
    ) throws(OTLPDecodeError) -> UnsafeMutableRawPointer {
        guard depth <= maxDepth else { throw OTLPDecodeError(.tooDeep, "messages nest deeper than \(maxDepth) levels") }
        let memory = UnsafeMutableRawPointer(arena.allocate(UInt8.self, count: descriptor.pointee.sizeof_message))
        descriptor.pointee.message_init(memory.assumingMemoryBound(to: ProtobufCMessage.self))
        for index in 0..<Int(descriptor.pointee.n_fields) {
            let field = descriptor.pointee.fields[index]
            let name = String(cString: field.name)
            guard let value = object[Self.camelCase(name)] ?? object[name], !(value is NSNull) else { continue }
            try set(value, field: field, name: name, in: memory, path: "\(path).\(Self.camelCase(name))", depth: depth)
        }
        return memory
    }

    private func set(
        _ value: Any, field: ProtobufCFieldDescriptor, name: String, in memory: UnsafeMutableRawPointer, path: String,
        depth: Int
    ) throws(OTLPDecodeError) {
        let slot = memory + Int(field.offset)
        if field.label == PROTOBUF_C_LABEL_REPEATED {
            guard let items = value as? [Any] else { throw failure(path, "expected an array") }
            let stride = Self.storageSize(field.type)
            let storage = UnsafeMutableRawPointer(arena.allocate(UInt64.self, count: max(1, (items.count * stride + 7) / 8)))
            for (position, item) in items.enumerated() {
                try store(item, field: field, name: name, at: storage + position * stride, path: "\(path)[\(position)]", depth: depth)
            }
            (memory + Int(field.quantifier_offset)).storeBytes(of: items.count, as: Int.self)
            slot.storeBytes(of: items.isEmpty ? nil : storage, as: UnsafeMutableRawPointer?.self)
            return
        }
        try store(value, field: field, name: name, at: slot, path: path, depth: depth)
        if field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
            (memory + Int(field.quantifier_offset)).storeBytes(of: field.id, as: UInt32.self)
        } else if field.label == PROTOBUF_C_LABEL_OPTIONAL {
            (memory + Int(field.quantifier_offset)).storeBytes(of: Int32(1), as: Int32.self)
        }
    }

    private func store(
        _ value: Any, field: ProtobufCFieldDescriptor, name: String, at slot: UnsafeMutableRawPointer, path: String,
        depth: Int
    ) throws(OTLPDecodeError) {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            slot.storeBytes(of: Int32(try integer(value, path, in: Int64(Int32.min)...Int64(Int32.max))), as: Int32.self)
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            slot.storeBytes(of: UInt32(try integer(value, path, in: 0...Int64(UInt32.max))), as: UInt32.self)
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            slot.storeBytes(of: try integer(value, path, in: Int64.min...Int64.max), as: Int64.self)
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            slot.storeBytes(of: try unsigned(value, path), as: UInt64.self)
        case PROTOBUF_C_TYPE_FLOAT:
            slot.storeBytes(of: Float(try double(value, path)), as: Float.self)
        case PROTOBUF_C_TYPE_DOUBLE:
            slot.storeBytes(of: try double(value, path), as: Double.self)
        case PROTOBUF_C_TYPE_BOOL:
            guard Self.isBoolean(value), let flag = value as? Bool else { throw failure(path, "expected true or false") }
            slot.storeBytes(of: Int32(flag ? 1 : 0), as: Int32.self)
        case PROTOBUF_C_TYPE_ENUM:
            slot.storeBytes(of: try enumValue(value, field: field, path: path), as: Int32.self)
        case PROTOBUF_C_TYPE_STRING:
            guard let text = value as? String else { throw failure(path, "expected a string") }
            slot.storeBytes(of: arena.string(text), as: UnsafeMutablePointer<CChar>.self)
        case PROTOBUF_C_TYPE_BYTES:
            guard let text = value as? String else { throw failure(path, "expected an encoded string") }
            let bytes = Self.hexFields.contains(name) ? Self.hexDecoded(text) : Data(base64Encoded: text).map(Array.init)
            guard let bytes else {
                throw failure(path, Self.hexFields.contains(name) ? "expected hex digits" : "expected base64")
            }
            slot.storeBytes(of: arena.bytes(bytes), as: ProtobufCBinaryData.self)
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let object = value as? [String: Any], let descriptor = field.descriptor else {
                throw failure(path, "expected an object")
            }
            let nested = try message(
                object, descriptor: descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self), path: path,
                depth: depth + 1)
            slot.storeBytes(of: nested, as: UnsafeMutableRawPointer.self)
        default:
            throw failure(path, "unsupported field type")
        }
    }

    private func integer(_ value: Any, _ path: String, in range: ClosedRange<Int64>) throws(OTLPDecodeError) -> Int64 {
        let parsed: Int64? =
            if let text = value as? String { Int64(text) }
            else if let number = value as? NSNumber, !Self.isBoolean(value), number.doubleValue.rounded() == number.doubleValue {
                number.int64Value
            } else { nil }
        guard let parsed, range.contains(parsed) else { throw failure(path, "expected an integer") }
        return parsed
    }

    private func unsigned(_ value: Any, _ path: String) throws(OTLPDecodeError) -> UInt64 {
        if let text = value as? String, let parsed = UInt64(text) { return parsed }
        if let number = value as? NSNumber, !Self.isBoolean(value), number.doubleValue >= 0,
            number.doubleValue.rounded() == number.doubleValue
        {
            return number.uint64Value
        }
        throw failure(path, "expected an unsigned integer")
    }

    private func double(_ value: Any, _ path: String) throws(OTLPDecodeError) -> Double {
        if let number = value as? NSNumber, !Self.isBoolean(value) { return number.doubleValue }
        switch value as? String {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case let text?: if let parsed = Double(text) { return parsed }
        case nil: break
        }
        throw failure(path, "expected a number")
    }

    private func enumValue(_ value: Any, field: ProtobufCFieldDescriptor, path: String) throws(OTLPDecodeError) -> Int32 {
        if let number = value as? NSNumber, !Self.isBoolean(value), let integer = Int32(exactly: number.doubleValue) {
            return integer
        }
        if let name = value as? String, let descriptor = field.descriptor?.assumingMemoryBound(to: ProtobufCEnumDescriptor.self) {
            for index in 0..<Int(descriptor.pointee.n_values) where String(cString: descriptor.pointee.values[index].name) == name {
                return descriptor.pointee.values[index].value
            }
        }
        throw failure(path, "expected an enum number or name")
    }

    private func failure(_ path: String, _ message: String) -> OTLPDecodeError {
        OTLPDecodeError(.malformed, "\(path): \(message)")
    }

    /// JSON `true`/`false` (Foundation bridges 0 and 1 to `Bool` too, so the number's type is checked).
    private static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return value is Bool }
        return String(cString: number.objCType) == "c"
    }

    private static func storageSize(_ type: ProtobufCType) -> Int {
        switch type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_UINT32,
            PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_FLOAT, PROTOBUF_C_TYPE_BOOL, PROTOBUF_C_TYPE_ENUM:
            4
        case PROTOBUF_C_TYPE_BYTES:
            MemoryLayout<ProtobufCBinaryData>.stride
        default:
            8
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

    private static func hexDecoded(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }
}
