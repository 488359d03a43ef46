internal import CProtobufC
#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// What a successful scan learned about a serialised message.
struct WireSummary: Sendable, Equatable {
    /// The telemetry items in it (spans, data points or log records).
    var items = 0
    /// An upper estimate of the memory protobuf-c would allocate to unpack it.
    var decodedBytes = 0
    /// The deepest message nesting seen (the root is 0).
    var depth = 0
    /// Whether some string holds a NUL byte (valid UTF-8, but protobuf-c's C strings end at it).
    var stringsHoldNUL = false
}

/// A pre-scan of untrusted protobuf against the message's descriptors, before protobuf-c sees it.
///
/// protobuf-c unpacks recursively (so deep nesting exhausts the stack), allocates a struct for every
/// element (so a few wire bytes per empty message become hundreds in memory), and merges a non-repeated
/// message field that occurs again by copying what it holds so far (quadratic time). This walk is
/// iterative, allocates one small stack, and rejects what protobuf-c would refuse or choke on: bad tags,
/// varints, lengths and wire types, groups, nesting beyond `DecodeLimits.maxDepth`, a non-repeated
/// message field that occurs more than once in its message, an unpacked size beyond
/// `DecodeLimits.maxDecodedBytes`, and string fields that are not UTF-8. Every byte is checked, so a
/// message it accepts unpacks, in time linear in its size.
///
/// `WireSummary.decodedBytes` is an upper bound of what protobuf-c's unpack holds at its peak, every
/// allocation of `s` bytes counted `s + allocationOverhead` (glibc's chunk of `max(32, roundUp(s + 8, 16))`
/// and `DecodeAllocator`'s 16-byte header); `DecodeAllocator` enforces it during the unpack. The bound,
/// allocation by allocation:
/// - a message struct: `sizeof_message` (+ 8 for its pointer when it is an element of a repeated field);
/// - a string or bytes value: its length + 1, (+ its slot in a repeated field's array);
/// - a repeated field's array: one allocation per message that has the field (charged at its first
///   occurrence), elements charged one by one at their slot size (packed: 8 per wire byte, a bound of the
///   element count times the widest slot);
/// - unknown fields: one array per message (charged at the first) of 24-byte records, and a copy of each;
/// - the scan records protobuf-c keeps while it parses a message (`ScannedMember`, 32 bytes a field
///   occurrence; the first 16 on the stack, then slabs of 32, 64, 128… records), alive from the message's
///   scan until its last field is parsed — so while one of its fields is unpacked, its ancestors' slabs
///   are alive and its earlier siblings' are freed. They are charged once, at their peak: the costliest
///   path from the request to a message of the sum of the slabs of the messages on it (`slabBytes`).
struct WireScanner {
    /// A bytes field that must have one of some lengths (ids), and may have to be present.
    struct LengthRule: @unchecked Sendable {
        // @unchecked: the descriptor is generated, immutable data.
        let message: UnsafeRawPointer
        let field: UInt32
        let lengths: [Int]
        let required: Bool
        let name: String
    }

    private struct Frame {
        var descriptor: UnsafePointer<ProtobufCMessageDescriptor>
        var end: Int
        /// The rules of this message type, and which of their fields were seen (bit per rule).
        var rules: ArraySlice<LengthRule>
        var seen: UInt64 = 0
        /// Fields seen in this message, bit per field number (OTLP's are all below 64; a test checks it),
        /// and bit 0 once an unknown field was.
        var seenFields: UInt64 = 0
        /// Field occurrences in this message (its scan records).
        var occurrences = 0
        /// The costliest slabs of a path through its embedded messages.
        var childSlabs = 0
    }

    /// What an allocation costs beyond the bytes asked for, at most: glibc's chunk rounding and header
    /// (≤ 23) and `DecodeAllocator`'s size header (16) (see the type's comment).
    static let allocationOverhead = 48
    /// protobuf-c's record of one scanned field occurrence (`ScannedMember`: tag, wire type, prefix
    /// length, field pointer, length, data pointer), 32 bytes on 64-bit platforms.
    static let scannedMemberSize = 32

    /// What protobuf-c allocates for the scan records of a message of `occurrences` field occurrences:
    /// 16 fit on its stack, then slabs of 32, 64, 128… records, each one allocation (at most twice the
    /// records and a chunk header per slab of at least 16, so at most `2 × 32 + 3` bytes an occurrence).
    static func slabBytes(_ occurrences: Int) -> Int {
        var (capacity, size, total) = (16, 16, 0)
        while capacity < occurrences {
            size *= 2
            capacity += size
            total += size * scannedMemberSize + allocationOverhead
        }
        return total
    }
    private static let unknownFieldSize = MemoryLayout<ProtobufCMessageUnknownField>.stride

    let limits: DecodeLimits
    /// The message types counted as items.
    let itemDescriptors: [UnsafeRawPointer]
    /// Length rules for id fields, grouped by message type.
    let lengthRules: [LengthRule]

    func scan(
        _ bytes: UnsafeRawBufferPointer, as root: UnsafePointer<ProtobufCMessageDescriptor>
    ) throws(OTLPDecodeError) -> WireSummary {
        var summary = WireSummary(decodedBytes: Int(root.pointee.sizeof_message) + Self.allocationOverhead)
        var stack: [Frame] = []
        stack.reserveCapacity(min(limits.maxDepth, 32) + 1)
        stack.append(Frame(descriptor: root, end: bytes.count, rules: rules(for: root)))
        var offset = 0
        // The top frame's fields are read in place: copying the frame (its `rules` slice) each field
        // was a tenth of the scan's time.
        while let top = stack.indices.last {
            let (end, descriptor) = (stack[top].end, stack[top].descriptor)
            if offset == end {
                try checkRequired(stack[top])
                let slabs = Self.slabBytes(stack[top].occurrences) + stack[top].childSlabs
                stack.removeLast()
                if stack.isEmpty {
                    summary.decodedBytes += slabs
                } else {
                    stack[stack.count - 1].childSlabs = max(stack[stack.count - 1].childSlabs, slabs)
                }
                continue
            }
            let tagStart = offset
            let tag = try Self.varint(bytes, &offset, end: end)
            // protobuf-c reads tags and lengths of at most 5 bytes (overlong encodings of small values too).
            guard offset - tagStart <= 5 else { throw Self.malformed("a field tag is longer than 5 bytes") }
            let number = tag >> 3
            guard number >= 1, number <= 0x1FFF_FFFF else { throw Self.malformed("a field number is out of range") }
            let wireType = UInt8(tag & 7)
            stack[stack.count - 1].occurrences += 1
            guard let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(number)) else {
                if stack[stack.count - 1].seenFields & 1 == 0 {
                    stack[stack.count - 1].seenFields |= 1
                    summary.decodedBytes += Self.allocationOverhead
                }
                try skipUnknown(bytes, &offset, end: end, wireType: wireType, summary: &summary)
                try checkDecodedSize(summary)
                continue
            }
            try noteOccurrence(field.pointee, in: &stack[stack.count - 1], summary: &summary)
            if !stack[top].rules.isEmpty { try applyRules(field.pointee, bytes, offset, wireType: wireType, frame: &stack[top]) }
            if let child = try scanField(field.pointee, bytes, &offset, end: end, wireType: wireType, summary: &summary) {
                guard stack.count <= limits.maxDepth else {
                    throw OTLPDecodeError(.tooDeep, "messages nest deeper than \(limits.maxDepth) levels")
                }
                summary.depth = max(summary.depth, stack.count)
                stack.append(child)
            }
            try checkDecodedSize(summary)
        }
        guard offset == bytes.count else { throw Self.malformed("a message ends past its enclosing message") }
        try checkDecodedSize(summary)
        return summary
    }

    /// Charges a repeated field's array at its first occurrence in a message, and refuses a non-repeated
    /// message field that occurs again (protobuf-c would merge the two by copying: quadratic time).
    private func noteOccurrence(
        _ field: ProtobufCFieldDescriptor, in frame: inout Frame, summary: inout WireSummary
    ) throws(OTLPDecodeError) {
        let bit: UInt64 = 1 << UInt64(field.id & 63)
        let seen = frame.seenFields & bit != 0
        frame.seenFields |= bit
        if field.label == PROTOBUF_C_LABEL_REPEATED {
            if !seen { summary.decodedBytes += Self.allocationOverhead }
        } else if seen, field.type == PROTOBUF_C_TYPE_MESSAGE {
            throw Self.malformed(
                "field \(Self.name(field)) occurs more than once in its message (a non-repeated message field may occur once)")
        }
    }

    private func checkDecodedSize(_ summary: WireSummary) throws(OTLPDecodeError) {
        guard summary.decodedBytes <= limits.maxDecodedBytes else {
            throw OTLPDecodeError(
                .tooLarge, "decoding would take more than \(limits.maxDecodedBytes) bytes of memory (max_decoded_bytes)")
        }
    }

    /// Checks one known field; returns the frame to descend into for an embedded message.
    private func scanField(
        _ field: ProtobufCFieldDescriptor, _ bytes: UnsafeRawBufferPointer, _ offset: inout Int, end: Int,
        wireType: UInt8, summary: inout WireSummary
    ) throws(OTLPDecodeError) -> Frame? {
        let repeated = field.label == PROTOBUF_C_LABEL_REPEATED
        let expected = Self.wireType(of: field.type)
        if wireType == 2 && expected != 2 {
            // A packed repeated scalar.
            guard repeated else { throw Self.malformed("field \(Self.name(field)) has the wrong wire type") }
            let length = try Self.length(bytes, &offset, end: end)
            try Self.checkPacked(bytes, from: offset, length: length, wireType: expected, field: field)
            summary.decodedBytes += length * 8 + Self.allocationOverhead
            offset += length
            return nil
        }
        guard wireType == expected else { throw Self.malformed("field \(Self.name(field)) has the wrong wire type") }
        let slot = repeated ? Self.storageSize(field.type) : 0
        switch wireType {
        case 0:
            _ = try Self.varint(bytes, &offset, end: end)
            summary.decodedBytes += slot
        case 1, 5:
            let width = wireType == 1 ? 8 : 4
            guard end - offset >= width else { throw Self.malformed("a fixed-width value is truncated") }
            offset += width
            summary.decodedBytes += slot
        default:
            let length = try Self.length(bytes, &offset, end: end)
            switch field.type {
            case PROTOBUF_C_TYPE_STRING:
                guard UTF8Validation.isValid(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])) else {
                    throw OTLPDecodeError(.invalidUTF8, "field \(Self.name(field)) is not valid UTF-8")
                }
                summary.decodedBytes += slot + length + 1 + Self.allocationOverhead
                if !summary.stringsHoldNUL, length > 0, let base = bytes.baseAddress, memchr(base + offset, 0, length) != nil {
                    summary.stringsHoldNUL = true
                }
                offset += length
            case PROTOBUF_C_TYPE_BYTES:
                summary.decodedBytes += slot + length + Self.allocationOverhead
                offset += length
            default:
                guard let descriptor = field.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) else {
                    throw Self.malformed("field \(Self.name(field)) has no message type")
                }
                summary.decodedBytes += 8 + Int(descriptor.pointee.sizeof_message) + Self.allocationOverhead
                if itemDescriptors.contains(UnsafeRawPointer(descriptor)) { summary.items += 1 }
                // The embedded message's fields are scanned next, in its own frame.
                return Frame(descriptor: descriptor, end: offset + length, rules: rules(for: descriptor))
            }
        }
        return nil
    }

    private func rules(for descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> ArraySlice<LengthRule> {
        guard let first = lengthRules.firstIndex(where: { $0.message == UnsafeRawPointer(descriptor) }) else { return [] }
        let end = lengthRules[first...].firstIndex { $0.message != UnsafeRawPointer(descriptor) } ?? lengthRules.endIndex
        return lengthRules[first..<end]
    }

    /// Checks an id field's length against its rule (the value starts after the length varint).
    private func applyRules(
        _ field: ProtobufCFieldDescriptor, _ bytes: UnsafeRawBufferPointer, _ offset: Int, wireType: UInt8, frame: inout Frame
    ) throws(OTLPDecodeError) {
        guard let position = frame.rules.firstIndex(where: { $0.field == field.id }), wireType == 2 else { return }
        var cursor = offset
        let length = try Self.length(bytes, &cursor, end: frame.end)
        let rule = frame.rules[position]
        guard rule.lengths.contains(length) else {
            throw Self.malformed("\(rule.name) is \(length) bytes; it must be \(rule.lengths.map(String.init).joined(separator: " or "))")
        }
        frame.seen |= 1 << UInt64(position - frame.rules.startIndex)
    }

    private func checkRequired(_ frame: Frame) throws(OTLPDecodeError) {
        for (bit, rule) in frame.rules.enumerated() where rule.required && frame.seen & (1 << UInt64(bit)) == 0 {
            throw Self.malformed("\(rule.name) is missing")
        }
    }

    /// Skips a field the schema does not know; protobuf-c keeps a copy of each, so it is counted.
    private func skipUnknown(
        _ bytes: UnsafeRawBufferPointer, _ offset: inout Int, end: Int, wireType: UInt8, summary: inout WireSummary
    ) throws(OTLPDecodeError) {
        let start = offset
        switch wireType {
        case 0: _ = try Self.varint(bytes, &offset, end: end)
        case 1, 5:
            let width = wireType == 1 ? 8 : 4
            guard end - offset >= width else { throw Self.malformed("a fixed-width value is truncated") }
            offset += width
        case 2:
            let length = try Self.length(bytes, &offset, end: end)
            offset += length
        default:
            throw Self.malformed("groups (wire types 3 and 4) are not used by OTLP")
        }
        summary.decodedBytes += Self.unknownFieldSize + (offset - start) + Self.allocationOverhead
    }

    private static func varint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int, end: Int) throws(OTLPDecodeError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw malformed("a varint is longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw malformed("a varint is longer than 10 bytes") }
        }
        throw malformed("a varint is truncated")
    }

    private static func length(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int, end: Int) throws(OTLPDecodeError) -> Int {
        let start = offset
        let length = try varint(bytes, &offset, end: end)
        guard offset - start <= 5 else { throw malformed("a length is longer than 5 bytes") }
        guard length <= UInt64(end - offset) else { throw malformed("a length runs past the end of its message") }
        return Int(length)
    }

    private static func checkPacked(
        _ bytes: UnsafeRawBufferPointer, from offset: Int, length: Int, wireType: UInt8, field: ProtobufCFieldDescriptor
    ) throws(OTLPDecodeError) {
        switch wireType {
        case 0:
            guard length == 0 || bytes[offset + length - 1] & 0x80 == 0 else {
                throw malformed("packed field \(name(field)) ends inside a varint")
            }
            var position = offset
            while position < offset + length { _ = try varint(bytes, &position, end: offset + length) }
        case 1:
            guard length % 8 == 0 else { throw malformed("packed field \(name(field)) is not a whole number of values") }
        default:
            guard length % 4 == 0 else { throw malformed("packed field \(name(field)) is not a whole number of values") }
        }
    }

    private static func wireType(of type: ProtobufCType) -> UInt8 {
        switch type {
        case PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE: 1
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_BYTES, PROTOBUF_C_TYPE_MESSAGE: 2
        case PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_FLOAT: 5
        default: 0
        }
    }

    /// The size of one element of a repeated field in protobuf-c's array.
    private static func storageSize(_ type: ProtobufCType) -> Int {
        switch type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_UINT32,
            PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_FLOAT, PROTOBUF_C_TYPE_BOOL, PROTOBUF_C_TYPE_ENUM:
            4
        case PROTOBUF_C_TYPE_BYTES: MemoryLayout<ProtobufCBinaryData>.stride
        default: 8
        }
    }

    private static func name(_ field: ProtobufCFieldDescriptor) -> String {
        field.name.map { String(cString: $0) } ?? "#\(field.id)"
    }

    private static func malformed(_ detail: String) -> OTLPDecodeError {
        OTLPDecodeError(.malformed, detail)
    }
}
