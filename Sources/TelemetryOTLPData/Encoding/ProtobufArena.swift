internal import CProtobufC
import Telemetry

/// A bump allocator for building protobuf-c messages: every struct, string and array of one request is
/// carved out of a few large chunks, and all of it is freed at once when the arena goes away.
final class ProtobufArena {
    private static let chunkSize = 64 * 1024
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0

    init() {}

    deinit {
        for chunk in chunks { chunk.deallocate() }
    }

    /// Uninitialised, suitably aligned memory for `count` values of `T`.
    func allocate<T>(_: T.Type, count: Int = 1) -> UnsafeMutablePointer<T> {
        let alignment = max(MemoryLayout<T>.alignment, 8)
        let size = max(1, MemoryLayout<T>.stride * count)
        if let cursor {
            let padding = (alignment - Int(bitPattern: cursor) % alignment) % alignment
            if padding + size <= remaining {
                let start = cursor + padding
                self.cursor = start + size
                remaining -= padding + size
                return start.bindMemory(to: T.self, capacity: count)
            }
        }
        let chunkSize = max(Self.chunkSize, size + alignment)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        chunks.append(chunk)
        cursor = chunk + size
        remaining = chunkSize - size
        return chunk.bindMemory(to: T.self, capacity: count)
    }

    /// A message of type `T`, set to its defaults by protobuf-c's generated `init` function.
    func message<T>(_ initialize: (UnsafeMutablePointer<T>) -> Void) -> UnsafeMutablePointer<T> {
        let pointer = allocate(T.self)
        initialize(pointer)
        return pointer
    }

    /// A NUL-terminated copy of `text`.
    func string(_ text: String) -> UnsafeMutablePointer<CChar> {
        var text = text
        return text.withUTF8 { utf8 in
            let pointer = allocate(CChar.self, count: utf8.count + 1)
            utf8.withMemoryRebound(to: CChar.self) { source in
                if let base = source.baseAddress { pointer.update(from: base, count: source.count) }
            }
            pointer[utf8.count] = 0
            return pointer
        }
    }

    /// A copy of `bytes` as protobuf-c binary data.
    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(UInt8.self, count: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// The 16 bytes of a trace id, written straight into the arena (no intermediate array).
    func bytes(_ id: TraceID) -> ProtobufCBinaryData {
        let pointer = UnsafeMutableRawPointer(allocate(UInt64.self, count: 2))
        pointer.storeBytes(of: id.high.bigEndian, as: UInt64.self)
        pointer.storeBytes(of: id.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        return ProtobufCBinaryData(len: 16, data: pointer.assumingMemoryBound(to: UInt8.self))
    }

    /// The 8 bytes of a span id, written straight into the arena.
    func bytes(_ id: SpanID) -> ProtobufCBinaryData {
        let pointer = UnsafeMutableRawPointer(allocate(UInt64.self))
        pointer.storeBytes(of: id.value.bigEndian, as: UInt64.self)
        return ProtobufCBinaryData(len: 8, data: pointer.assumingMemoryBound(to: UInt8.self))
    }

    /// A C array of message pointers made by `transform` from at most `capacity` of `elements` (no
    /// intermediate Swift array), and how many it holds.
    func pointers<Elements: Sequence, T>(
        _ elements: Elements, capacity: Int, _ transform: (Elements.Element) -> UnsafeMutablePointer<T>
    ) -> (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?) {
        guard capacity > 0 else { return (0, nil) }
        let list = allocate(UnsafeMutablePointer<T>?.self, count: capacity)
        var count = 0
        for element in elements where count < capacity {
            (list + count).initialize(to: transform(element))
            count += 1
        }
        return (count, list)
    }

    /// A C array holding `values`.
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let pointer = allocate(T.self, count: values.count)
        pointer.initialize(from: values, count: values.count)
        return pointer
    }

    /// A C array of message pointers, as repeated message fields are stored.
    func pointers<T>(_ messages: [UnsafeMutablePointer<T>]) -> UnsafeMutablePointer<UnsafeMutablePointer<T>?>? {
        pointers(messages, capacity: messages.count) { $0 }.list
    }
}

/// Serialises any protobuf-c message.
func packMessage<T>(_ message: UnsafeMutablePointer<T>) -> [UInt8] {
    message.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { base in
        let size = protobuf_c_message_get_packed_size(base)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = size == 0 ? 0 : protobuf_c_message_pack(base, buffer.baseAddress)
        }
    }
}
