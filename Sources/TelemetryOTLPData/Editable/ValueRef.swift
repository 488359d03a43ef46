internal import COTLP
internal import CProtobufC

/// A value inside an editable request (a log body, a value in a map, an element of a list), read and
/// changed in place, for edits that walk nested values by position.
public struct ValueRef {
    let session: EditSession
    let pointer: UnsafeMutablePointer<AnyValueMessage>

    /// What the value holds, as far as walking it goes.
    public enum Shape: Sendable {
        case string, map, array, other
    }

    /// What the value holds.
    public var shape: Shape {
        switch pointer.pointee.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE: .string
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE: .map
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE: .array
        default: .other
        }
    }

    /// The value, copied out.
    public var value: OTLPValue { OTLPValue(reading: pointer) }

    /// Calls `body` with the UTF-8 bytes of the value when it is a string (without copying them); nil
    /// otherwise.
    public func withStringBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result? {
        guard shape == .string else { return nil }
        guard let text = pointer.pointee.string_value else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        var length = 0
        while text[length] != 0 { length += 1 }
        return try body(UnsafeRawBufferPointer(start: text, count: length))
    }

    /// Makes the value the string `text`, in place.
    public func setString(_ text: ArenaText) throws(EditMemoryRefused) {
        try session.write(field(pointer, \.value_case), OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE)
        let union = (UnsafeMutableRawPointer(pointer) + EditSession.unionOffset).assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self)
        try session.write(union, text.pointer)
    }

    /// The map, when the value is one.
    public var map: AttributesRef? {
        guard shape == .map, let list = pointer.pointee.kvlist_value else { return nil }
        return AttributesRef(session, count: field(list, \.n_values), list: field(list, \.values))
    }

    /// The number of elements of a list (0 for other values).
    public var elementCount: Int {
        guard shape == .array, let array = pointer.pointee.array_value, array.pointee.values != nil else { return 0 }
        return array.pointee.n_values
    }

    /// The element at `index` of a list (nil past the end or for other values).
    public func element(at index: Int) -> ValueRef? {
        guard index >= 0, index < elementCount, let element = pointer.pointee.array_value?.pointee.values?[index] else { return nil }
        return ValueRef(session: session, pointer: element)
    }
}

extension AttributesRef {
    /// The value at `index` (0..<count) as a reference (made empty first when the pair has none).
    public func valueRef(at index: Int) throws(EditMemoryRefused) -> ValueRef? {
        guard let pair = pair(at: index) else { return nil }
        if let stored = pair.pointee.value { return ValueRef(session: session, pointer: stored) }
        let made = try session.newValue(.empty)
        try session.write(field(pair, \.value), made, isChange: false)
        return ValueRef(session: session, pointer: made)
    }
}

extension LogRecordRef {
    /// The body as a reference; nil when the record has none.
    public var bodyRef: ValueRef? {
        pointer.pointee.body.map { ValueRef(session: session, pointer: $0) }
    }
}
