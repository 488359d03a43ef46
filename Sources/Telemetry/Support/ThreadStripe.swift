/// Spreads threads over a power-of-two number of cells without a thread-local lookup, by hashing the
/// address of the calling thread's stack: threads' stacks lie megabytes apart, so this spreads them
/// well (through `pthread_getspecific` and a lazily created key, a contended add was about twice as
/// slow). Two threads share a cell with probability 1/`count`; that costs speed, never correctness.
enum ThreadStripe {
    /// The calling thread's cell among `count` (a power of two).
    @inline(__always)
    static func index(among count: Int) -> Int {
        var marker: UInt8 = 0
        let address = withUnsafeMutablePointer(to: &marker) { UInt64(UInt(bitPattern: $0)) }
        // Multiplicative hashing: the top bits of the product are the well-mixed ones.
        let product = (address >> 16) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: product >> UInt64(64 - count.trailingZeroBitCount)) & (count - 1)
    }
}
