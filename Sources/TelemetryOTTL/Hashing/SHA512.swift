/// SHA-512 (FIPS 180-4), for redaction's `hash_function: hmac-sha512`. Time linear in the input; memory:
/// one padded copy of its last block.
package enum SHA512 {
    /// The bytes of one block.
    static let blockSize = 128

    /// The 64-byte digest of `bytes`.
    package static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var state: [UInt64] = [
            0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
            0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179,
        ]
        var schedule = [UInt64](repeating: 0, count: 80)
        let fullBlocks = bytes.count / blockSize
        var tail = Array(bytes[(fullBlocks * blockSize)...])
        tail.append(0x80)
        while tail.count % blockSize != blockSize - 16 { tail.append(0) }
        let bits = UInt64(truncatingIfNeeded: bytes.count) &* 8
        tail += [UInt8](repeating: 0, count: 8) + (0..<8).map { UInt8(truncatingIfNeeded: bits >> UInt64(56 - 8 * $0)) }
        func compress(_ block: ArraySlice<UInt8>) {
            for index in 0..<16 {
                let start = block.startIndex + 8 * index
                schedule[index] = (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(block[start + $1]) }
            }
            for index in 16..<80 {
                let early = schedule[index - 15], late = schedule[index - 2]
                let sigma0 = rotate(early, 1) ^ rotate(early, 8) ^ (early >> 7)
                let sigma1 = rotate(late, 19) ^ rotate(late, 61) ^ (late >> 6)
                schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
            }
            var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
            for index in 0..<80 {
                let sum1 = rotate(e, 14) ^ rotate(e, 18) ^ rotate(e, 41)
                let first = h &+ sum1 &+ ((e & f) ^ (~e & g)) &+ roundConstants[index] &+ schedule[index]
                let sum0 = rotate(a, 28) ^ rotate(a, 34) ^ rotate(a, 39)
                (h, g, f, e, d, c, b, a) = (g, f, e, d &+ first, c, b, a, first &+ sum0 &+ ((a & b) ^ (a & c) ^ (b & c)))
            }
            for (index, value) in [a, b, c, d, e, f, g, h].enumerated() { state[index] = state[index] &+ value }
        }
        for block in 0..<fullBlocks { compress(bytes[(block * blockSize)..<(block * blockSize + blockSize)]) }
        for block in 0..<(tail.count / blockSize) { compress(tail[(block * blockSize)..<(block * blockSize + blockSize)]) }
        return state.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * $0)) } }
    }

    /// The digest of `bytes` as 128 lowercase hex digits.
    package static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(digest(bytes))
    }

    private static func rotate(_ word: UInt64, _ count: UInt64) -> UInt64 { (word >> count) | (word << (64 - count)) }

    private static let roundConstants: [UInt64] = [
        0x428a_2f98_d728_ae22, 0x7137_4491_23ef_65cd, 0xb5c0_fbcf_ec4d_3b2f, 0xe9b5_dba5_8189_dbbc, 0x3956_c25b_f348_b538,
        0x59f1_11f1_b605_d019, 0x923f_82a4_af19_4f9b, 0xab1c_5ed5_da6d_8118, 0xd807_aa98_a303_0242, 0x1283_5b01_4570_6fbe,
        0x2431_85be_4ee4_b28c, 0x550c_7dc3_d5ff_b4e2, 0x72be_5d74_f27b_896f, 0x80de_b1fe_3b16_96b1, 0x9bdc_06a7_25c7_1235,
        0xc19b_f174_cf69_2694, 0xe49b_69c1_9ef1_4ad2, 0xefbe_4786_384f_25e3, 0x0fc1_9dc6_8b8c_d5b5, 0x240c_a1cc_77ac_9c65,
        0x2de9_2c6f_592b_0275, 0x4a74_84aa_6ea6_e483, 0x5cb0_a9dc_bd41_fbd4, 0x76f9_88da_8311_53b5, 0x983e_5152_ee66_dfab,
        0xa831_c66d_2db4_3210, 0xb003_27c8_98fb_213f, 0xbf59_7fc7_beef_0ee4, 0xc6e0_0bf3_3da8_8fc2, 0xd5a7_9147_930a_a725,
        0x06ca_6351_e003_826f, 0x1429_2967_0a0e_6e70, 0x27b7_0a85_46d2_2ffc, 0x2e1b_2138_5c26_c926, 0x4d2c_6dfc_5ac4_2aed,
        0x5338_0d13_9d95_b3df, 0x650a_7354_8baf_63de, 0x766a_0abb_3c77_b2a8, 0x81c2_c92e_47ed_aee6, 0x9272_2c85_1482_353b,
        0xa2bf_e8a1_4cf1_0364, 0xa81a_664b_bc42_3001, 0xc24b_8b70_d0f8_9791, 0xc76c_51a3_0654_be30, 0xd192_e819_d6ef_5218,
        0xd699_0624_5565_a910, 0xf40e_3585_5771_202a, 0x106a_a070_32bb_d1b8, 0x19a4_c116_b8d2_d0c8, 0x1e37_6c08_5141_ab53,
        0x2748_774c_df8e_eb99, 0x34b0_bcb5_e19b_48a8, 0x391c_0cb3_c5c9_5a63, 0x4ed8_aa4a_e341_8acb, 0x5b9c_ca4f_7763_e373,
        0x682e_6ff3_d6b2_b8a3, 0x748f_82ee_5def_b2fc, 0x78a5_636f_4317_2f60, 0x84c8_7814_a1f0_ab72, 0x8cc7_0208_1a64_39ec,
        0x90be_fffa_2363_1e28, 0xa450_6ceb_de82_bde9, 0xbef9_a3f7_b2c6_7915, 0xc671_78f2_e372_532b, 0xca27_3ece_ea26_619c,
        0xd186_b8c7_21c0_c207, 0xeada_7dd6_cde0_eb1e, 0xf57d_4f7f_ee6e_d178, 0x06f0_67aa_7217_6fba, 0x0a63_7dc5_a2c8_98a6,
        0x113f_9804_bef9_0dae, 0x1b71_0b35_131c_471b, 0x28db_77f5_2304_7d84, 0x32ca_ab7b_40c7_2493, 0x3c9e_be0a_15c9_bebc,
        0x431d_67c4_9c10_0d4c, 0x4cc5_d4be_cb3e_42b6, 0x597f_299c_fc65_7e2a, 0x5fcb_6fab_3ad6_faec, 0x6c44_198c_4a47_5817,
    ]
}

/// HMAC (RFC 2104) over SHA-256 or SHA-512, for redaction's `hash_function: hmac-sha256 | hmac-sha512`
/// (Go's `hmac.New`), in lowercase hex.
package struct HMAC: Sendable {
    /// The hash under the HMAC.
    package enum Hash: Sendable {
        case sha256, sha512

        var blockSize: Int { self == .sha256 ? 64 : SHA512.blockSize }

        func digest(_ bytes: [UInt8]) -> [UInt8] { self == .sha256 ? SHA256.digest(bytes) : SHA512.digest(bytes) }
    }

    private let hash: Hash
    private let innerPad: [UInt8]
    private let outerPad: [UInt8]

    /// An HMAC with `key` (hashed first when longer than a block, as RFC 2104 says).
    package init(_ hash: Hash, key: [UInt8]) {
        self.hash = hash
        var block = key.count > hash.blockSize ? hash.digest(key) : key
        block += [UInt8](repeating: 0, count: hash.blockSize - block.count)
        innerPad = block.map { $0 ^ 0x36 }
        outerPad = block.map { $0 ^ 0x5c }
    }

    /// The HMAC of `message` as lowercase hex (64 digits for SHA-256, 128 for SHA-512).
    package func hex(_ message: [UInt8]) -> String {
        Hex.encode(hash.digest(outerPad + hash.digest(innerPad + message)))
    }
}
