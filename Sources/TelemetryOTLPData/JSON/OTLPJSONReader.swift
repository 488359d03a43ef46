/// The OTLP/JSON reader's state machine: one pass over the JSON with an explicit stack of open
/// objects and arrays, writing protobuf wire bytes as it goes (see `OTLPJSONDecoder`).
struct OTLPJSONReader {
    private struct Frame {
        enum Kind { case message, array, skippedObject, skippedArray }
        var kind: Kind
        /// The message type (message frames) or the message holding the field (array frames).
        var message: Int
        /// The field: of an array frame; of a message frame, the field of the message below holding it
        /// (-1 for the request and for array elements).
        var field: Int
        /// Members or elements begun so far.
        var count = 0
        /// A nested message's, or a packed array's, length (once its first element is written).
        var placeholder: WireOutput.Placeholder?
        /// Message frames: fields (by position < 64) written with a value other than zero, so that a
        /// later zero for the same key is written too (the last value wins, as on the wire).
        var written: UInt64 = 0
    }

    private static let initialFrames = 16

    private var cursor: JSONCursor
    private let schema: OTLPJSONSchema
    private let limits: DecodeLimits
    private let memory: DecoderMemory
    private let output: WireOutput
    private var frames: [Frame] = []
    private var messageFrames = 0
    /// The first value that does not fit its field (reported at the end: see `value`).
    private var firstProblem: OTLPDecodeError?
    private let maxNesting: Int

    /// The memory the reader holds whatever the input's size: its stack at the deepest nesting (old and
    /// new arrays while it grows) and the output's first buffer.
    static func fixedBytes(limits: DecodeLimits) -> Int {
        3 * (2 * limits.maxDepth + 3 + initialFrames) * MemoryLayout<Frame>.stride + 1024
    }

    init(_ json: UnsafeRawBufferPointer, schema: OTLPJSONSchema, limits: DecodeLimits, memory: DecoderMemory) throws(OTLPDecodeError) {
        cursor = JSONCursor(json)
        self.schema = schema
        self.limits = limits
        self.memory = memory
        maxNesting = 2 * limits.maxDepth + 2
        // Realistic OTLP/JSON shrinks to a third as protobuf; the buffer grows (reserved first) if not.
        output = try WireOutput(memory: memory, capacity: json.count / 3 + 256, limit: 4 * json.count + 64)
        try memory.grow(by: Self.initialFrames * MemoryLayout<Frame>.stride)
        frames.reserveCapacity(Self.initialFrames)
    }

    /// Reads the whole request.
    mutating func read() throws(OTLPDecodeError) -> [UInt8] {
        guard let first = cursor.peek() else { throw cursor.syntaxError("the body is empty") }
        guard first == UInt8(ascii: "{") else { throw OTLPDecodeError(.malformed, "the request must be a JSON object") }
        cursor.advance()
        try push(Frame(kind: .message, message: 0, field: -1))
        while !frames.isEmpty {
            switch frames[frames.count - 1].kind {
            case .message, .skippedObject: try member()
            case .array, .skippedArray: try element()
            }
        }
        guard cursor.peek() == nil else { throw cursor.syntaxError("unexpected data after the request") }
        if let firstProblem { throw firstProblem }
        return try output.finish()
    }

    // MARK: Structure

    /// The next member of the open object, or its end.
    private mutating func member() throws(OTLPDecodeError) {
        let top = frames.count - 1
        guard let byte = cursor.peek() else { throw cursor.syntaxError("an unterminated object") }
        if byte == UInt8(ascii: "}") {
            cursor.advance()
            return close()
        }
        if frames[top].count > 0 {
            guard byte == UInt8(ascii: ",") else { throw cursor.syntaxError("expected ',' or '}'") }
            cursor.advance()
        }
        frames[top].count += 1
        guard cursor.peek() == UInt8(ascii: "\"") else { throw cursor.syntaxError("expected a key") }
        let key = try cursor.string()
        try cursor.expect(UInt8(ascii: ":"), "':'")
        guard frames[top].kind == .message, let field = try fieldIndex(key, in: frames[top].message) else { return try skipValue() }
        let descriptor = schema.messages[frames[top].message][field]
        guard let next = cursor.peek() else { throw cursor.syntaxError("expected a value") }
        if next == UInt8(ascii: "n") {
            _ = try cursor.literal()  // null: the field is left unset
            return
        }
        guard descriptor.repeated else { return try value(descriptor, field: field, element: false) }
        guard next == UInt8(ascii: "[") else {
            if firstProblem == nil { firstProblem = failure(descriptor, "expected an array") }
            return try skipValue()
        }
        cursor.advance()
        try push(Frame(kind: .array, message: frames[top].message, field: field))
    }

    /// The next element of the open array, or its end.
    private mutating func element() throws(OTLPDecodeError) {
        let top = frames.count - 1
        guard let byte = cursor.peek() else { throw cursor.syntaxError("an unterminated array") }
        if byte == UInt8(ascii: "]") {
            cursor.advance()
            return close()
        }
        if frames[top].count > 0 {
            guard byte == UInt8(ascii: ",") else { throw cursor.syntaxError("expected ',' or ']'") }
            cursor.advance()
        }
        frames[top].count += 1
        guard frames[top].kind == .array else { return try skipValue() }
        let descriptor = schema.messages[frames[top].message][frames[top].field]
        if descriptor.packed, frames[top].placeholder == nil {
            try output.varint(descriptor.tag)
            frames[top].placeholder = try output.openLength()
        }
        try value(descriptor, field: frames[top].field, element: true)
    }

    private mutating func push(_ frame: Frame) throws(OTLPDecodeError) {
        guard frames.count < maxNesting else {
            throw OTLPDecodeError(.tooDeep, "JSON nests deeper than \(maxNesting) levels")
        }
        if frames.count == frames.capacity {
            // The old and the new array are both alive while it grows.
            let stride = MemoryLayout<Frame>.stride
            let old = frames.capacity
            try memory.grow(by: 2 * old * stride)
            frames.reserveCapacity(2 * old)
            memory.shrink(by: old * stride)
        }
        frames.append(frame)
        if frame.kind == .message { messageFrames += 1 }
    }

    private mutating func close() {
        let frame = frames.removeLast()
        if let placeholder = frame.placeholder { output.close(placeholder) }
        if frame.kind == .message { messageFrames -= 1 }
    }

    /// Steps over a value of an unknown field, checking it is JSON but building nothing.
    private mutating func skipValue() throws(OTLPDecodeError) {
        guard let byte = cursor.peek() else { throw cursor.syntaxError("expected a value") }
        switch byte {
        case UInt8(ascii: "{"):
            cursor.advance()
            try push(Frame(kind: .skippedObject, message: -1, field: -1))
        case UInt8(ascii: "["):
            cursor.advance()
            try push(Frame(kind: .skippedArray, message: -1, field: -1))
        case UInt8(ascii: "\""): _ = try cursor.string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try cursor.number()
        default: _ = try cursor.literal()
        }
    }

    /// The position of the field `key` names (lowerCamelCase or proto name) in message type `message`.
    private mutating func fieldIndex(_ key: JSONCursor.Text, in message: Int) throws(OTLPDecodeError) -> Int? {
        // An escape spells at most one byte in 6: a key longer than 6 × the longest name is unknown.
        guard key.rawCount <= 6 * schema.longestName else { return nil }
        let name = try content(key)
        for (index, field) in schema.messages[message].enumerated()
        where Self.equal(name, field.jsonName) || Self.equal(name, field.protoName) {
            return index
        }
        return nil
    }

    private static func equal(_ name: UnsafeRawBufferPointer, _ expected: [UInt8]) -> Bool {
        name.count == expected.count && expected.withUnsafeBytes { name.elementsEqual($0) }
    }

    /// A string's decoded content: its bytes in the JSON, or (with escapes) decoded into the output's
    /// spare room, valid until the next write.
    private func content(_ text: JSONCursor.Text) throws(OTLPDecodeError) -> UnsafeRawBufferPointer {
        guard text.escaped else { return UnsafeRawBufferPointer(rebasing: cursor.bytes[text.start..<text.end]) }
        try output.ensure(text.rawCount)
        return UnsafeRawBufferPointer(start: output.spare, count: cursor.decode(text, into: output.spare))
    }

    // MARK: Values

    /// Reads and writes the value of `descriptor` (the field at `field` of the top message, or an element
    /// of the top array). A value of the wrong type or content is skipped and its problem kept: the
    /// first one is reported once the whole text is known to be JSON within the nesting limit (as
    /// those problems were reported first when the text was parsed before it was read).
    private mutating func value(_ descriptor: OTLPJSONSchema.Field, field: Int, element: Bool) throws(OTLPDecodeError) {
        let start = cursor.position
        guard let problem = try write(descriptor, field: field, element: element) else { return }
        if firstProblem == nil { firstProblem = failure(descriptor, element: element, problem) }
        cursor.rewind(to: start)
        try skipValue()
    }

    /// Writes one value; what is wrong with it, if it does not fit the field.
    private mutating func write(_ descriptor: OTLPJSONSchema.Field, field: Int, element: Bool) throws(OTLPDecodeError) -> String? {
        guard let byte = cursor.peek() else { throw cursor.syntaxError("expected a value") }
        switch descriptor.kind {
        case .message:
            guard byte == UInt8(ascii: "{") else { return "expected an object" }
            guard messageFrames <= limits.maxDepth else {
                throw OTLPDecodeError(.tooDeep, "messages nest deeper than \(limits.maxDepth) levels")
            }
            cursor.advance()
            try output.varint(descriptor.tag)
            let placeholder = try output.openLength()
            try push(Frame(kind: .message, message: descriptor.message, field: element ? -1 : field, placeholder: placeholder))
        case .string, .bytes, .hexBytes:
            guard byte == UInt8(ascii: "\"") else { return descriptor.kind == .string ? "expected a string" : "expected an encoded string" }
            let text = try cursor.string()
            guard text.rawCount > 0 || mustWrite(descriptor, field: field, element: element) else { return nil }
            try output.varint(descriptor.tag)
            guard try lengthDelimited(text, descriptor.kind) else {
                return descriptor.kind == .hexBytes ? "expected hex digits" : "expected base64"
            }
            if !element && text.rawCount > 0 { markWritten(field) }
        default:
            guard let bits = try scalar(descriptor, byte) else { return Self.expectation(descriptor.kind) }
            if descriptor.packed && element {
                try write(bits, descriptor.kind)
                return nil
            }
            guard bits != 0 || mustWrite(descriptor, field: field, element: element) else { return nil }
            try output.varint(descriptor.tag)
            try write(bits, descriptor.kind)
            if !element && bits != 0 { markWritten(field) }
        }
        return nil
    }

    private static func expectation(_ kind: OTLPJSONSchema.Kind) -> String {
        switch kind {
        case .uint64, .fixed64: "expected an unsigned integer"
        case .float, .double: "expected a number"
        case .bool: "expected true or false"
        case .enumeration: "expected an enum number or name"
        default: "expected an integer"
        }
    }

    /// Whether a zero or empty value must be written: an element, a field with presence, or a key
    /// given before with another value.
    private func mustWrite(_ descriptor: OTLPJSONSchema.Field, field: Int, element: Bool) -> Bool {
        element || descriptor.explicitPresence || field >= 64 || frames[frames.count - 1].written & (1 << UInt64(field)) != 0
    }

    private mutating func markWritten(_ field: Int) {
        if field < 64 { frames[frames.count - 1].written |= 1 << UInt64(field) }
    }

    /// Writes a string, or the bytes hex or base64 text encodes, with its length; false if the text is
    /// not hex or base64.
    private func lengthDelimited(_ text: JSONCursor.Text, _ kind: OTLPJSONSchema.Kind) throws(OTLPDecodeError) -> Bool {
        let cursor = cursor
        var valid = true
        try output.lengthDelimited(bound: text.rawCount) { target in
            guard kind != .string else { return cursor.decode(text, into: target) }
            // Escaped text is decoded in place first; hex and base64 then shrink it in place.
            let encoded =
                text.escaped
                ? UnsafeRawBufferPointer(start: target, count: cursor.decode(text, into: target))
                : UnsafeRawBufferPointer(rebasing: cursor.bytes[text.start..<text.end])
            let decoded = kind == .hexBytes ? JSONScalars.hex(encoded, into: target) : JSONScalars.base64(encoded, into: target)
            valid = decoded != nil
            return decoded ?? 0
        }
        return valid
    }

    /// The wire bits of a scalar value (before its varint, zigzag or fixed encoding); nil if the value
    /// does not fit the field.
    private mutating func scalar(_ descriptor: OTLPJSONSchema.Field, _ byte: UInt8) throws(OTLPDecodeError) -> UInt64? {
        switch descriptor.kind {
        case .int32, .sint32, .sfixed32: try integer(byte)?.signed(bits: 32).map { UInt64(bitPattern: $0) }
        case .int64, .sint64, .sfixed64: try integer(byte)?.signed(bits: 64).map { UInt64(bitPattern: $0) }
        case .uint32, .fixed32: try integer(byte)?.unsigned(max: UInt64(UInt32.max))
        case .uint64, .fixed64: try integer(byte)?.unsigned(max: .max)
        case .float: try double(byte).map { UInt64(Float($0).bitPattern) }
        case .double: try double(byte)?.bitPattern
        case .bool: byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") ? (try cursor.literal()).map { $0 ? 1 : 0 } : nil
        default: try enumNumber(descriptor, byte).map { UInt64(bitPattern: Int64($0)) }
        }
    }

    private mutating func write(_ bits: UInt64, _ kind: OTLPJSONSchema.Kind) throws(OTLPDecodeError) {
        switch kind {
        case .sint32:
            let value = Int32(truncatingIfNeeded: Int64(bitPattern: bits))
            try output.varint(UInt64(UInt32(bitPattern: value << 1 ^ value >> 31)))
        case .sint64:
            let value = Int64(bitPattern: bits)
            try output.varint(UInt64(bitPattern: value << 1 ^ value >> 63))
        case .fixed32, .sfixed32, .float: try output.fixed32(UInt32(truncatingIfNeeded: bits))
        case .fixed64, .sfixed64, .double: try output.fixed64(bits)
        default: try output.varint(bits)
        }
    }

    /// An integer written as a number or as a decimal string (nil if it is neither).
    private mutating func integer(_ byte: UInt8) throws(OTLPDecodeError) -> JSONScalars.Integer? {
        if byte == UInt8(ascii: "\"") { return JSONScalars.integer(decimal: try content(try cursor.string())) }
        guard byte == UInt8(ascii: "-") || byte &- UInt8(ascii: "0") < 10 else { return nil }
        return JSONScalars.integer(number: try cursor.number())
    }

    /// A double written as a number or a string (nil if it is neither). Text longer than a small
    /// string is copied once to be parsed: that copy is reserved first.
    private mutating func double(_ byte: UInt8) throws(OTLPDecodeError) -> Double? {
        let text: UnsafeRawBufferPointer
        let quoted = byte == UInt8(ascii: "\"")
        if quoted {
            text = try content(try cursor.string())
        } else {
            guard byte == UInt8(ascii: "-") || byte &- UInt8(ascii: "0") < 10 else { return nil }
            text = try cursor.number()
        }
        let copy = text.count > 15 ? text.count + 1 : 0
        try memory.grow(by: copy)
        defer { memory.shrink(by: copy) }
        return quoted ? JSONScalars.double(string: text) : JSONScalars.double(number: text)
    }

    /// An enum value written as its number or its name.
    private mutating func enumNumber(_ descriptor: OTLPJSONSchema.Field, _ byte: UInt8) throws(OTLPDecodeError) -> Int32? {
        if byte == UInt8(ascii: "\"") {
            let name = try content(try cursor.string())
            return descriptor.enumValues.first { Self.equal(name, $0.name) }?.number
        }
        guard byte == UInt8(ascii: "-") || byte &- UInt8(ascii: "0") < 10 else { return nil }
        return JSONScalars.integer(number: try cursor.number())?.signed(bits: 32).map { Int32(truncatingIfNeeded: $0) }
    }

    // MARK: Errors

    /// A problem with a value, named by its JSON path (`$.resourceSpans[0].scopeSpans[0].spans[0].traceId`).
    private func failure(_ descriptor: OTLPJSONSchema.Field, element: Bool = false, _ message: String) -> OTLPDecodeError {
        var path = "$"
        for position in frames.indices {
            let frame = frames[position]
            switch frame.kind {
            case .array:
                path += "." + schema.messages[frame.message][frame.field].name
            case .message where frame.field >= 0:
                path += "." + schema.messages[frames[position - 1].message][frame.field].name
            case .message where position > 0:
                path += "[\(frames[position - 1].count - 1)]"
            default:
                break
            }
        }
        path += element ? "[\((frames.last?.count ?? 1) - 1)]" : "." + descriptor.name
        return OTLPDecodeError(.malformed, "\(path): \(message)")
    }
}
