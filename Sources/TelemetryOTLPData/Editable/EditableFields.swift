internal import CProtobufC

/// A string field of a message in an editable request (`name`, `severity_text`…).
public struct TextField {
    let session: EditSession
    let address: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    /// The text ("" when unset).
    public var value: String { address.pointee.map { String(cString: $0) } ?? "" }

    /// Sets the text.
    public func set(_ text: String) throws(EditMemoryRefused) {
        try session.write(address, try session.string(text))
    }
}

/// A bytes field (`trace_id`, `span_id`…).
public struct BinaryField {
    let session: EditSession
    let address: UnsafeMutablePointer<ProtobufCBinaryData>

    /// The bytes (empty when unset).
    public var value: [UInt8] {
        let binary = address.pointee
        return binary.data.map { Array(UnsafeBufferPointer(start: $0, count: binary.len)) } ?? []
    }

    /// Sets the bytes.
    public func set(_ bytes: [UInt8]) throws(EditMemoryRefused) {
        let copy = try session.binary(bytes)
        try session.write(address, ProtobufCBinaryData(len: copy.len, data: copy.data))
    }
}

/// An integer field (times, counts, flags, and enums — `kind`, `severity_number`, `status.code`,
/// `aggregation_temporality` — as their numbers), read and written as `Int64` like OTTL's paths: unsigned
/// values past `Int64.max` read as their bit pattern, and a written value is truncated to the field's
/// width, as Go's conversions do.
public struct IntegerField<Stored: FixedWidthInteger> {
    let session: EditSession
    let address: UnsafeMutablePointer<Stored>

    /// The value.
    public var value: Int64 { Int64(truncatingIfNeeded: address.pointee) }

    /// Sets the value.
    public func set(_ value: Int64) {
        session.writeScalar(address, Stored(truncatingIfNeeded: value))
    }
}

/// The items of a repeated message field of an editable request, as references.
public struct EditableList<Element>: RandomAccessCollection {
    let session: EditSession
    let countField: UnsafeMutablePointer<Int>
    let listField: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutableRawPointer?>?>
    let make: (EditSession, UnsafeMutableRawPointer) -> Element

    /// The first position (0).
    public var startIndex: Int { 0 }
    /// One past the last position.
    public var endIndex: Int { listField.pointee == nil ? 0 : countField.pointee }

    /// The item at `position` (a list protobuf-c unpacked, or an edit made, holds no null element).
    public subscript(position: Int) -> Element {
        make(session, listField.pointee.unsafelyUnwrapped[position].unsafelyUnwrapped)
    }

    /// Removes the items `shouldRemove` picks, keeping the order of the rest; the number removed.
    @discardableResult
    public func removeAll(where shouldRemove: (Element) throws -> Bool) throws -> Int {
        guard let list = listField.pointee else { return 0 }
        let original = endIndex
        var kept = 0
        for index in 0..<original {
            if try shouldRemove(self[index]) { continue }
            if kept != index { try session.write(list + kept, list[index]) }
            kept += 1
        }
        if kept != original { try session.write(countField, kept) }
        return original - kept
    }
}

extension EditableList {
    /// The list at the fields `count` and `list` of a message in the tree, whose elements are `Message`s.
    init<Message>(
        _ session: EditSession, count: UnsafeMutablePointer<Int>, list: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?>,
        _ make: @escaping (EditSession, UnsafeMutablePointer<Message>) -> Element
    ) {
        self.session = session
        countField = count
        listField = UnsafeMutableRawPointer(list).assumingMemoryBound(to: UnsafeMutablePointer<UnsafeMutableRawPointer?>?.self)
        self.make = { session, raw in make(session, raw.assumingMemoryBound(to: Message.self)) }
    }
}

/// A protobuf-c enum field as its 32-bit number (protobuf-c makes every enum `int`-sized, and protobuf
/// keeps unknown numbers).
func enumField<Enum: RawRepresentable>(_ address: UnsafeMutablePointer<Enum>) -> UnsafeMutablePointer<UInt32> {
    precondition(MemoryLayout<Enum>.size == 4, "protobuf-c enums are int-sized")
    return UnsafeMutableRawPointer(address).assumingMemoryBound(to: UInt32.self)
}
