/// SHA3-256 (FIPS 202): the redaction processor's `hash_function: sha3` (Go's `sha3.New256`). Time
/// linear in the input; memory: one padded copy of it.
package enum SHA3 {
    /// The 32-byte SHA3-256 digest of `bytes`.
    package static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let rate = 136  // 1600 - 2 × 256 bits, in bytes
        var padded = bytes
        padded.append(0x06)
        while padded.count % rate != 0 { padded.append(0) }
        padded[padded.count - 1] |= 0x80
        var lanes = [UInt64](repeating: 0, count: 25)
        for blockStart in stride(from: 0, to: padded.count, by: rate) {
            for lane in 0..<(rate / 8) {
                var word: UInt64 = 0
                for byte in 0..<8 { word |= UInt64(padded[blockStart + lane * 8 + byte]) << (8 * UInt64(byte)) }
                lanes[lane] ^= word
            }
            keccakF1600(&lanes)
        }
        return (0..<32).map { UInt8(truncatingIfNeeded: lanes[$0 / 8] >> (8 * UInt64($0 % 8))) }
    }

    /// The digest of `bytes` in lowercase hex (64 characters).
    package static func hex(_ bytes: [UInt8]) -> String { Hex.encode(digest(bytes)) }

    /// The Keccak-f[1600] permutation over 25 lanes (lane x, y at x + 5y).
    private static func keccakF1600(_ lanes: inout [UInt64]) {
        var columns = [UInt64](repeating: 0, count: 5)
        var moved = [UInt64](repeating: 0, count: 25)
        for roundConstant in roundConstants {
            for x in 0..<5 { columns[x] = lanes[x] ^ lanes[x + 5] ^ lanes[x + 10] ^ lanes[x + 15] ^ lanes[x + 20] }
            for x in 0..<5 {
                let mix = columns[(x + 4) % 5] ^ rotate(columns[(x + 1) % 5], by: 1)
                for y in stride(from: 0, to: 25, by: 5) { lanes[y + x] ^= mix }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    moved[y + 5 * ((2 * x + 3 * y) % 5)] = rotate(lanes[x + 5 * y], by: rotations[x + 5 * y])
                }
            }
            for y in stride(from: 0, to: 25, by: 5) {
                for x in 0..<5 { lanes[y + x] = moved[y + x] ^ (~moved[y + (x + 1) % 5] & moved[y + (x + 2) % 5]) }
            }
            lanes[0] ^= roundConstant
        }
    }

    private static func rotate(_ word: UInt64, by count: UInt64) -> UInt64 {
        count == 0 ? word : (word << count) | (word >> (64 - count))
    }

    /// The rotation of lane x + 5y.
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
    ]

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000, 0x0000_0000_0000_808B,
        0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009, 0x0000_0000_0000_008A, 0x0000_0000_0000_0088,
        0x0000_0000_8000_8009, 0x0000_0000_8000_000A, 0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089,
        0x8000_0000_0000_8003, 0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
}
