import Testing

@testable import TelemetryOTTL

/// SHA-256, SHA-1 and MD5 against the standards' own vectors (FIPS 180-4 examples, RFC 1321 appendix
/// A.5) and the padding edges (55, 56 and 64 bytes: the length fits, spills, or needs a whole block).
@Suite("OTTL: SHA-256, SHA-1 and MD5")
struct HashingTests {
    static let fipsTwoBlock = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    static let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    @Test("SHA-256: FIPS 180-4 vectors and padding edges")
    func sha256() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Self.fipsTwoBlock) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Self.million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "x"), count: 55)) == "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "x"), count: 56)) == "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "x"), count: 64)) == "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c")
    }

    @Test("SHA-1: FIPS 180-4 vectors and padding edges")
    func sha1() {
        #expect(SHA1.hex([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex(Self.fipsTwoBlock) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA1.hex(Self.million) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(SHA1.hex(Array(repeating: UInt8(ascii: "x"), count: 55)) == "cef734ba81a024479e09eb5a75b6ddae62e6abf1")
        #expect(SHA1.hex(Array(repeating: UInt8(ascii: "x"), count: 56)) == "901305367c259952f4e7af8323f480d59f81335b")
        #expect(SHA1.hex(Array(repeating: UInt8(ascii: "x"), count: 64)) == "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163")
    }

    @Test("MD5: RFC 1321 test suite and padding edges")
    func md5() {
        #expect(MD5.hex([]) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex(Array("message digest".utf8)) == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(MD5.hex(Array(String(repeating: "1234567890", count: 8).utf8)) == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(MD5.hex(Self.million) == "7707d6ae4e027c70eea2a935c2296f21")
        #expect(MD5.hex(Array(repeating: UInt8(ascii: "x"), count: 55)) == "04364420e25c512fd958a70738aa8f72")
        #expect(MD5.hex(Array(repeating: UInt8(ascii: "x"), count: 56)) == "668a72d5ba17f08e62dabcafad6db14b")
        #expect(MD5.hex(Array(repeating: UInt8(ascii: "x"), count: 64)) == "c1bb4f81d892b2d57947682aeb252456")
    }
}
