internal import COTLP

extension AttributesRef {
    /// The value at `index` (0..<count) when it is a string, an integer or a double; `.empty` for any
    /// other type, read without copying nested values (what pdata's `Value.Str()` leaves of them is "").
    public func scalarValue(at index: Int) -> OTLPValue {
        guard let value = pair(at: index)?.pointee.value else { return .empty }
        switch value.pointee.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
            return .string(value.pointee.string_value.map { String(cString: $0) } ?? "")
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
            return .int(value.pointee.int_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
            return .double(value.pointee.double_value)
        default:
            return .empty
        }
    }
}
