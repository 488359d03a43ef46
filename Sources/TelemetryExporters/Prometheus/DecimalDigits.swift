/// Writing the decimal digits of integers two at a time, from a table of the hundred digit pairs.
enum DecimalDigits {
    /// How many decimal digits `value` has (1 for 0).
    @inline(__always)
    static func count(_ value: UInt64) -> Int {
        var length = 1
        while length < 20, value >= powersOfTen[length] { length += 1 }
        return length
    }

    /// Writes the last `count` decimal digits of `value` (zero-padded) to the `count` bytes ending at
    /// `end`, and returns what is left of `value` (`value / 10^count`).
    @inline(__always)
    static func write(_ value: UInt64, count: Int, endingAt end: UnsafeMutableRawPointer) -> UInt64 {
        let pairs = pairTable.utf8Start
        var remaining = value
        var position = end
        var left = count
        while left >= 2 {
            let pair = Int(truncatingIfNeeded: remaining % 100)
            remaining /= 100
            position -= 2
            position.storeBytes(of: pairs[2 * pair], toByteOffset: 0, as: UInt8.self)
            position.storeBytes(of: pairs[2 * pair + 1], toByteOffset: 1, as: UInt8.self)
            left -= 2
        }
        if left == 1 {
            position -= 1
            position.storeBytes(of: UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10), as: UInt8.self)
            remaining /= 10
        }
        return remaining
    }

    private static let pairTable: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// `10^0` through `10^19`.
    static let powersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ]
}
