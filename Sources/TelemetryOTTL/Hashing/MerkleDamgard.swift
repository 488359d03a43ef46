/// What SHA-256, SHA-1 and MD5 share: the padding to 64-byte blocks with the bit length at the end, the
/// word and byte order helpers.
enum MerkleDamgard {
    /// Calls `body` with every padded 64-byte block of `bytes`, in order (the message length in bits
    /// closes the last block: big-endian for the SHA family, little-endian for MD5).
    static func forEachBlock(of bytes: [UInt8], lengthBigEndian: Bool, _ body: (ArraySlice<UInt8>) -> Void) {
        let fullBlocks = bytes.count / 64
        for block in 0..<fullBlocks { body(bytes[(block * 64)..<(block * 64 + 64)]) }
        var tail = Array(bytes[(fullBlocks * 64)...])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bits = UInt64(truncatingIfNeeded: bytes.count) &* 8
        for index in 0..<8 {
            let shift = lengthBigEndian ? 56 - 8 * index : 8 * index
            tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
        for block in 0..<(tail.count / 64) { body(tail[(block * 64)..<(block * 64 + 64)]) }
    }

    /// The big-endian word at word index `index` of `block`.
    static func bigEndianWord(_ block: ArraySlice<UInt8>, _ index: Int) -> UInt32 {
        let start = block.startIndex + 4 * index
        return UInt32(block[start]) << 24 | UInt32(block[start + 1]) << 16 | UInt32(block[start + 2]) << 8 | UInt32(block[start + 3])
    }

    /// The little-endian word at word index `index` of `block`.
    static func littleEndianWord(_ block: ArraySlice<UInt8>, _ index: Int) -> UInt32 {
        let start = block.startIndex + 4 * index
        return UInt32(block[start]) | UInt32(block[start + 1]) << 8 | UInt32(block[start + 2]) << 16 | UInt32(block[start + 3]) << 24
    }

    /// `word` as four big-endian bytes.
    static func bigEndianBytes(_ word: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
    }
}

extension UInt32 {
    /// The bits rotated right by `count` (0 < count < 32).
    func rotatedRight(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
    /// The bits rotated left by `count` (0 < count < 32).
    func rotatedLeft(_ count: UInt32) -> UInt32 { (self << count) | (self >> (32 - count)) }
}
