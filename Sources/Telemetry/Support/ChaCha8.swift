/// The ChaCha block function with 8 rounds (Bernstein's ChaCha, RFC 8439 layout with a zero nonce).
///
/// Eight rounds are what Go's runtime (`ChaCha8Rand`) and Rust's `ChaCha8Rng` use for fast random
/// numbers that cannot be predicted from earlier outputs.
enum ChaCha8 {
    /// Writes the 16 words of keystream block `counter` for the 8-word `key` to `output`.
    @inline(__always)
    static func block(key: UnsafePointer<UInt32>, counter: UInt32, into output: UnsafeMutablePointer<UInt32>) {
        let c0: UInt32 = 0x6170_7865, c1: UInt32 = 0x3320_646E, c2: UInt32 = 0x7962_2D32, c3: UInt32 = 0x6B20_6574
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        var x4 = key[0], x5 = key[1], x6 = key[2], x7 = key[3], x8 = key[4], x9 = key[5], x10 = key[6], x11 = key[7]
        var x12 = counter, x13: UInt32 = 0, x14: UInt32 = 0, x15: UInt32 = 0
        for _ in 0..<4 {
            quarterRound(&x0, &x4, &x8, &x12)
            quarterRound(&x1, &x5, &x9, &x13)
            quarterRound(&x2, &x6, &x10, &x14)
            quarterRound(&x3, &x7, &x11, &x15)
            quarterRound(&x0, &x5, &x10, &x15)
            quarterRound(&x1, &x6, &x11, &x12)
            quarterRound(&x2, &x7, &x8, &x13)
            quarterRound(&x3, &x4, &x9, &x14)
        }
        output[0] = x0 &+ c0
        output[1] = x1 &+ c1
        output[2] = x2 &+ c2
        output[3] = x3 &+ c3
        output[4] = x4 &+ key[0]
        output[5] = x5 &+ key[1]
        output[6] = x6 &+ key[2]
        output[7] = x7 &+ key[3]
        output[8] = x8 &+ key[4]
        output[9] = x9 &+ key[5]
        output[10] = x10 &+ key[6]
        output[11] = x11 &+ key[7]
        output[12] = x12 &+ counter
        output[13] = x13
        output[14] = x14
        output[15] = x15
    }

    @inline(__always)
    private static func quarterRound(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32) {
        a &+= b
        d ^= a
        d = d << 16 | d >> 16
        c &+= d
        b ^= c
        b = b << 12 | b >> 20
        a &+= b
        d ^= a
        d = d << 8 | d >> 24
        c &+= d
        b ^= c
        b = b << 7 | b >> 25
    }
}
