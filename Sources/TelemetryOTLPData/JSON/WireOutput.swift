/// Protobuf wire bytes written front to back as JSON is read, in one buffer whose every growth is
/// reserved (`DecoderMemory`) before it is allocated.
///
/// A nested message's length is known only when it closes, so its length is first written as an
/// 8-byte placeholder: 4 bytes for the length (filled in at close) and 4 for the distance to the next
/// placeholder, so the placeholders form a chain through the buffer with no side table. `finish`
/// copies the buffer once into the final bytes, writing each length as its minimal varint. Each
/// closed placeholder gives back `8 - varint size` bytes; a message's final length is its raw length
/// minus what the placeholders closed inside it give back, counted as they close.
final class WireOutput {
    /// A length-delimited value whose length is not known yet.
    struct Placeholder {
        fileprivate let offset: Int
        fileprivate let shrinkageAtOpen: Int
    }

    static let placeholderSize = 8
    /// The output may not grow past this: placeholders hold 32-bit lengths and distances.
    static let maxBytes = Int(UInt32.max)

    private let memory: DecoderMemory
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Growth stops here unless a single value needs more (the proven bound on what is written).
    private let softLimit: Int
    /// Bytes written so far.
    private(set) var count = 0
    private var firstPlaceholder = -1
    private var lastPlaceholder = -1
    /// Bytes the closed placeholders give back in `finish`.
    private var shrinkage = 0

    init(memory: DecoderMemory, capacity: Int, limit: Int) throws(OTLPDecodeError) {
        softLimit = min(limit, Self.maxBytes)
        let capacity = max(256, min(capacity, softLimit))
        try memory.grow(by: capacity)
        self.memory = memory
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        base.deallocate()
        memory.shrink(by: capacity)
    }

    /// Makes room for `bytes` more, reserving the new buffer (while the old one is alive too) first.
    @inline(__always)
    func ensure(_ bytes: Int) throws(OTLPDecodeError) {
        if capacity - count < bytes { try grow(to: count + bytes) }
    }

    private func grow(to needed: Int) throws(OTLPDecodeError) {
        guard needed <= Self.maxBytes else {
            throw OTLPDecodeError(.tooLarge, "the request would be larger than 4 GiB as protobuf")
        }
        let newCapacity = max(needed, min(softLimit, capacity + capacity / 2))
        try memory.grow(by: newCapacity)
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        memory.shrink(by: capacity)
        base = grown
        capacity = newCapacity
    }

    /// Room past the written bytes, for scratch work (valid until the next write or `ensure`).
    var spare: UnsafeMutableRawPointer { base + count }

    @inline(__always)
    func byte(_ value: UInt8) throws(OTLPDecodeError) {
        try ensure(1)
        base.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    func varint(_ value: UInt64) throws(OTLPDecodeError) {
        try ensure(10)
        count += Self.store(varint: value, at: base + count)
    }

    func fixed32(_ value: UInt32) throws(OTLPDecodeError) {
        try ensure(4)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt32.self)
        count += 4
    }

    func fixed64(_ value: UInt64) throws(OTLPDecodeError) {
        try ensure(8)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    /// Writes a length-delimited value of at most `bound` bytes: `body` writes it at the address it is
    /// given (it may not write to the output otherwise) and returns its length.
    func lengthDelimited(bound: Int, _ body: (UnsafeMutableRawPointer) -> Int) throws(OTLPDecodeError) {
        let slot = Self.varintSize(UInt64(bound))
        try ensure(slot + bound)
        let length = body(base + count + slot)
        let size = Self.varintSize(UInt64(length))
        if size < slot { (base + count + size).copyMemory(from: base + count + slot, byteCount: length) }
        count += Self.store(varint: UInt64(length), at: base + count) + length
    }

    /// Starts a length-delimited value whose length is known when it is closed.
    func openLength() throws(OTLPDecodeError) -> Placeholder {
        try ensure(Self.placeholderSize)
        if lastPlaceholder >= 0 {
            base.storeBytes(of: UInt32(count - lastPlaceholder), toByteOffset: lastPlaceholder + 4, as: UInt32.self)
        } else {
            firstPlaceholder = count
        }
        lastPlaceholder = count
        base.storeBytes(of: UInt32(0), toByteOffset: count + 4, as: UInt32.self)
        count += Self.placeholderSize
        return Placeholder(offset: count - Self.placeholderSize, shrinkageAtOpen: shrinkage)
    }

    /// Records the length of the value `placeholder` started (everything written since).
    func close(_ placeholder: Placeholder) {
        let raw = count - placeholder.offset - Self.placeholderSize
        let length = raw - (shrinkage - placeholder.shrinkageAtOpen)
        base.storeBytes(of: UInt32(length), toByteOffset: placeholder.offset, as: UInt32.self)
        shrinkage += Self.placeholderSize - Self.varintSize(UInt64(length))
    }

    /// The wire bytes, each placeholder replaced by its length as a minimal varint; the buffer is freed.
    func finish() throws(OTLPDecodeError) -> [UInt8] {
        let size = count - shrinkage
        try memory.grow(by: size)
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            guard let target = buffer.baseAddress else { return }
            var read = 0
            var written = 0
            var next = firstPlaceholder
            while next >= 0 {
                (target + written).initialize(from: (base + read).assumingMemoryBound(to: UInt8.self), count: next - read)
                written += next - read
                let length = base.loadUnaligned(fromByteOffset: next, as: UInt32.self)
                let distance = Int(base.loadUnaligned(fromByteOffset: next + 4, as: UInt32.self))
                written += Self.store(varint: UInt64(length), at: UnsafeMutableRawPointer(target + written))
                read = next + Self.placeholderSize
                next = distance == 0 ? -1 : next + distance
            }
            (target + written).initialize(from: (base + read).assumingMemoryBound(to: UInt8.self), count: count - read)
            initialized = written + count - read
        }
        count = 0
        firstPlaceholder = -1
        lastPlaceholder = -1
        return bytes
    }

    static func varintSize(_ value: UInt64) -> Int {
        (64 - value.leadingZeroBitCount + 6) / 7 + (value == 0 ? 1 : 0)
    }

    @inline(__always)
    private static func store(varint value: UInt64, at address: UnsafeMutableRawPointer) -> Int {
        var value = value
        var size = 0
        while value >= 0x80 {
            address.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: size, as: UInt8.self)
            value >>= 7
            size += 1
        }
        address.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: size, as: UInt8.self)
        return size + 1
    }
}
