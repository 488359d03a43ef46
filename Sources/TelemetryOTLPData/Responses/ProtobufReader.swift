/// A forward-only reader of protobuf wire format over bytes it does not own: tags, varints, lengths,
/// skipping. It never allocates and never traps; a `nil` answer means the bytes end early or are not
/// protobuf. For small hand-read messages (an upstream's answer), not for requests (see `WireScanner`).
struct ProtobufReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset: Int
    private let end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(bytes, from: 0, to: bytes.count)
    }

    private init(_ bytes: UnsafeRawBufferPointer, from offset: Int, to end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
    }

    /// Whether every byte has been read.
    var atEnd: Bool { offset >= end }

    /// The next field number and wire type.
    mutating func tag() -> (field: UInt64, wireType: UInt8)? {
        guard let tag = varint(), tag >> 3 != 0 else { return nil }
        return (tag >> 3, UInt8(tag & 7))
    }

    /// The next varint (at most 10 bytes).
    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// The byte range of the next length-delimited value, read past.
    mutating func lengthDelimited() -> Range<Int>? {
        guard let length = varint(), length <= UInt64(end - offset) else { return nil }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// A reader of the next length-delimited value (an embedded message), read past.
    mutating func embedded() -> ProtobufReader? {
        lengthDelimited().map { ProtobufReader(bytes, from: $0.lowerBound, to: $0.upperBound) }
    }

    /// Reads past a value of `wireType`; false for groups and unknown wire types.
    mutating func skip(_ wireType: UInt8) -> Bool {
        switch wireType {
        case 0: return varint() != nil
        case 1, 5:
            let width = wireType == 1 ? 8 : 4
            guard end - offset >= width else { return false }
            offset += width
            return true
        case 2: return lengthDelimited() != nil
        default: return false
        }
    }
}
