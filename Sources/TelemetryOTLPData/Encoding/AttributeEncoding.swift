internal import COTLP
import Telemetry

typealias KeyValueMessage = Opentelemetry__Proto__Common__V1__KeyValue
typealias AnyValueMessage = Opentelemetry__Proto__Common__V1__AnyValue

extension ProtobufArena {
    /// Attributes as OTLP `KeyValue`s, in key order so the output is deterministic.
    func keyValues(_ attributes: [String: AttributeValue]) -> (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<KeyValueMessage>?>?) {
        let messages = attributes.sorted { $0.key < $1.key }.map { keyValue($0.key, anyValue($0.value)) }
        return (messages.count, pointers(messages))
    }

    /// Span attributes as OTLP `KeyValue`s, in the order they were set (deterministic already).
    func keyValues(_ attributes: AttributeMap) -> (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<KeyValueMessage>?>?) {
        pointers(attributes, capacity: attributes.count) { keyValue($0.key, anyValue($0.value)) }
    }

    /// Metric labels as OTLP string attributes; the overflow label becomes `otel.metric.overflow: true`.
    func keyValues(_ labels: [Label]) -> (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<KeyValueMessage>?>?) {
        let messages = labels.map { label in
            label.name == "otel_metric_overflow"
                ? keyValue("otel.metric.overflow", anyValue(.bool(true)))
                : keyValue(label.name, anyValue(.string(label.value)))
        }
        return (messages.count, pointers(messages))
    }

    private func keyValue(_ key: String, _ value: UnsafeMutablePointer<AnyValueMessage>) -> UnsafeMutablePointer<KeyValueMessage> {
        let message = self.message(opentelemetry__proto__common__v1__key_value__init)
        message.pointee.key = string(key)
        message.pointee.value = value
        return message
    }

    func anyValue(_ value: AttributeValue) -> UnsafeMutablePointer<AnyValueMessage> {
        let message = self.message(opentelemetry__proto__common__v1__any_value__init)
        switch value {
        case .string(let text):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            message.pointee.string_value = string(text)
        case .int(let number):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
            message.pointee.int_value = Int64(number)
        case .double(let number):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE
            message.pointee.double_value = number
        case .bool(let flag):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE
            message.pointee.bool_value = flag ? 1 : 0
        case .stringArray(let values):
            setArray(message, values.map { anyValue(.string($0)) })
        case .intArray(let values):
            setArray(message, values.map { anyValue(.int($0)) })
        case .doubleArray(let values):
            setArray(message, values.map { anyValue(.double($0)) })
        case .boolArray(let values):
            setArray(message, values.map { anyValue(.bool($0)) })
        }
        return message
    }

    private func setArray(_ message: UnsafeMutablePointer<AnyValueMessage>, _ values: [UnsafeMutablePointer<AnyValueMessage>]) {
        let array = self.message(opentelemetry__proto__common__v1__array_value__init)
        array.pointee.n_values = values.count
        array.pointee.values = pointers(values)
        message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE
        message.pointee.array_value = array
    }
}

extension ProtobufArena {
    /// Log attributes as OTLP `KeyValue`s, in the order given.
    func keyValues(_ attributes: [LogAttribute], depth: Int = 0) -> (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<KeyValueMessage>?>?) {
        pointers(attributes, capacity: attributes.count) { attribute in
            let message = self.message(opentelemetry__proto__common__v1__key_value__init)
            message.pointee.key = string(attribute.key)
            message.pointee.value = anyValue(attribute.value, depth: depth)
            return message
        }
    }

    /// A log value as an OTLP `AnyValue`; arrays and maps nest up to `LogValue.maxDepth * 2` levels,
    /// deeper ones are written as the string "…" so that packing stays bounded.
    func anyValue(_ value: LogValue, depth: Int = 0) -> UnsafeMutablePointer<AnyValueMessage> {
        let message = self.message(opentelemetry__proto__common__v1__any_value__init)
        switch value {
        case .string(let text):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            message.pointee.string_value = string(text)
        case .int(let number):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
            message.pointee.int_value = number
        case .double(let number):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE
            message.pointee.double_value = number
        case .bool(let flag):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE
            message.pointee.bool_value = flag ? 1 : 0
        case .bytes(let data):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE
            message.pointee.bytes_value = bytes(data)
        case .array where depth >= LogValue.maxDepth * 2, .map where depth >= LogValue.maxDepth * 2:
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            message.pointee.string_value = string("…")
        case .array(let values):
            let array = self.message(opentelemetry__proto__common__v1__array_value__init)
            (array.pointee.n_values, array.pointee.values) = pointers(values, capacity: values.count) { anyValue($0, depth: depth + 1) }
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE
            message.pointee.array_value = array
        case .map(let entries):
            let list = self.message(opentelemetry__proto__common__v1__key_value_list__init)
            (list.pointee.n_values, list.pointee.values) = keyValues(entries, depth: depth + 1)
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE
            message.pointee.kvlist_value = list
        }
        return message
    }
}
