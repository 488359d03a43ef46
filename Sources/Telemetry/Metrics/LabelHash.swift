/// A seeded hash of label values for `SeriesTable`'s index: a multiply-mix over 8-byte words (the
/// scheme of wyhash), about a sixth of the instructions of `Hasher`'s SipHash for short values.
///
/// Each table draws a random seed, so colliding values cannot be chosen in advance; and the
/// cardinality limit bounds how many series a probe could ever have to walk past.
struct LabelHash {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// Adds one value; the length is mixed in, so `("ab", "c")` and `("a", "bc")` differ.
    mutating func combine(_ value: String) {
        let combined: Void? = value.utf8.withContiguousStorageIfAvailable { combine(bytes: UnsafeRawBufferPointer($0)) }
        if combined == nil {
            Array(value.utf8).withUnsafeBytes { combine(bytes: $0) }
        }
    }

    /// The hash of every value combined so far.
    func finalize() -> Int {
        Int(truncatingIfNeeded: Self.mix(state, 0xE703_7ED1_A0B4_28DB))
    }

    /// Whole 8-byte words, then the rest in one or two overlapping loads (no byte loop).
    private mutating func combine(bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        var offset = 0
        while offset + 8 <= count {
            state = Self.mix(state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), 0x9E37_79B9_7F4A_7C15)
            offset += 8
        }
        let rest: UInt64
        switch count - offset {
        case 0:
            rest = 0
        case let remaining where count >= 8:
            // The last word overlaps the one before; the length below keeps that unambiguous.
            rest = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) >> (8 * UInt64(8 - remaining))
        case 4...7:
            rest = UInt64(bytes.loadUnaligned(as: UInt32.self)) << 32
                | UInt64(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        default:
            rest = UInt64(bytes[0]) << 16 | UInt64(bytes[count / 2]) << 8 | UInt64(bytes[count - 1])
        }
        state = Self.mix(state ^ rest ^ (UInt64(truncatingIfNeeded: count) << 56), 0xA076_1D64_78BD_642F)
    }

    private static func mix(_ left: UInt64, _ right: UInt64) -> UInt64 {
        let product = left.multipliedFullWidth(by: right)
        return product.high ^ product.low
    }
}
