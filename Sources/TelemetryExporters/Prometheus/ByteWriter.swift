/// A growable byte buffer written through a raw pointer: callers reserve room for a whole line once,
/// then write bytes without a capacity or uniqueness check per byte as `Array.append` makes.
struct ByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Makes room for at least `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    /// Writes one byte; room must have been reserved.
    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Writes `bytes`; room must have been reserved.
    ///
    /// Sample names, label sets and numbers are a few dozen bytes: copied as 8-byte words (the last one
    /// overlapping) they cost a handful of instructions, where a `memcpy` call cost ~40 per copy.
    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        let length = bytes.count
        guard let source = bytes.baseAddress, length > 0 else { return }
        let target = UnsafeMutableRawPointer(base + count)
        if length >= 8, length <= 128 {
            var offset = 0
            while offset + 8 < length {
                copyWord(from: source, to: target, at: offset)
                offset += 8
            }
            copyWord(from: source, to: target, at: length - 8)
        } else if length < 8 {
            for offset in 0..<length {
                target.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
            }
        } else {
            target.copyMemory(from: source, byteCount: length)
        }
        count += length
    }

    @inline(__always)
    private func copyWord(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, at offset: Int) {
        target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
    }

    /// Lets `body` write at most `limit` bytes in place, returning how many it wrote; room for `limit`
    /// must have been reserved.
    @inline(__always)
    mutating func putInPlace(limit: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) {
        let written = body(UnsafeMutableRawBufferPointer(start: base + count, count: limit))
        count += Swift.min(Swift.max(written, 0), limit)
    }

    /// The bytes written from offset `start` on, valid until the next write.
    func written(from start: Int) -> UnsafeRawBufferPointer {
        let from = Swift.min(Swift.max(start, 0), count)
        return UnsafeRawBufferPointer(start: base + from, count: count - from)
    }

    /// Reserves room for `bytes` and writes them.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        put(bytes)
    }

    /// Reserves room for `bytes` and writes them.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The bytes written, as an array.
    consuming func finish() -> [UInt8] {
        [UInt8](UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes written, decoded as UTF-8 text (invalid sequences repaired).
    consuming func finishText() -> String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
