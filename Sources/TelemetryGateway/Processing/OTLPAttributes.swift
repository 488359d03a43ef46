import Foundation
import COTLP
import Telemetry

/// Reads OTLP `KeyValue` lists into attribute dictionaries and label lists.
enum OTLPAttributes {
    /// Scalar and homogeneous array attributes (others are left out; they cannot steer sampling).
    static func decode(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__KeyValue>?>?, _ count: Int
    ) -> [String: AttributeValue] {
        var result: [String: AttributeValue] = [:]
        for keyValue in TraceRequestSampler.elements(list, count) {
            guard let key = keyValue.pointee.key.map({ String(cString: $0) }), let value = keyValue.pointee.value,
                let decoded = scalar(value)
            else { continue }
            result[key] = decoded
        }
        return result
    }

    /// Every attribute as text, in order, for metric labels.
    static func texts(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__KeyValue>?>?, _ count: Int
    ) -> [(key: String, value: String)] {
        TraceRequestSampler.elements(list, count).compactMap { keyValue in
            guard let key = keyValue.pointee.key.map({ String(cString: $0) }) else { return nil }
            return (key, keyValue.pointee.value.map(text) ?? "")
        }
    }

    private static func scalar(_ value: UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__AnyValue>) -> AttributeValue? {
        switch value.pointee.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
            return value.pointee.string_value.map { .string(String(cString: $0)) }
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
            return .int(Int(value.pointee.int_value))
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
            return .double(value.pointee.double_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
            return .bool(value.pointee.bool_value != 0)
        default:
            return nil
        }
    }

    private static func text(_ value: UnsafeMutablePointer<Opentelemetry__Proto__Common__V1__AnyValue>) -> String {
        if let scalar = scalar(value) { return scalar.description }
        switch value.pointee.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
            guard let array = value.pointee.array_value else { return "[]" }
            let items = TraceRequestSampler.elements(array.pointee.values, array.pointee.n_values).map(text)
            return "[" + items.joined(separator: ",") + "]"
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE:
            let bytes = value.pointee.bytes_value
            guard let data = bytes.data else { return "" }
            return UnsafeBufferPointer(start: data, count: bytes.len).map { String(format: "%02x", $0) }.joined()
        default:
            return ""
        }
    }
}
