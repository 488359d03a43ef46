import TelemetryOTTL
import Testing

/// `LinearRegex.forEachReplacedMatch` (Go's `ReplaceAllStringFunc` rules) and the digests the redaction
/// processor hashes matches with.
@Suite("LinearRegex: replacing every match as Go does; MD5, SHA-1, SHA3-256")
struct LinearRegexReplaceTests {
    /// `text` with each replaced match of `pattern` turned into `<match>` (for empty matches `<>`).
    static func replaced(_ pattern: String, _ text: String) throws -> String {
        let regex = try LinearRegex(pattern: pattern)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            var output = ""
            guard let tail = regex.forEachReplacedMatch(in: raw, { match in
                output += String(decoding: raw[match.keptBefore], as: UTF8.self)
                output += "<" + String(decoding: raw[match.range], as: UTF8.self) + ">"
            }) else { return "unchanged" }
            return output + String(decoding: raw[tail...], as: UTF8.self)
        }
    }

    @Test("Matches left to right; an empty match right after a match is skipped; searches go on after context (^, \\b)", arguments: [
        // Expected outputs follow Go's regexp.ReplaceAllStringFunc.
        ("a*", "baaac", "<>b<aaa>c<>"),
        (".*", "abc", "<abc>"),
        (".*", "a\nb", "<a>\n<b>"),
        (".*", "", "<>"),
        ("x*", "ab", "<>a<>b<>"),
        ("4[0-9]{12}(?:[0-9]{3})?", "placeholder 4111111111111111 52000", "placeholder <4111111111111111> 52000"),
        ("(5[1-5][0-9]{3})", "mystery 52000 53000", "mystery <52000> <53000>"),
        ("^a", "aaa", "<a>aa"),
        (#"\bb"#, "b ab b", "<b> ab <b>"),
        ("é*", "xéé", "<>x<éé>"),
        ("z", "abc", "unchanged"),
        ("mycompany.com", "sales.mycompany.com", "sales.<mycompany.com>"),
    ])
    func goReplaceAll(pattern: String, text: String, expected: String) throws {
        #expect(try Self.replaced(pattern, text) == expected)
    }

    @Test("Many matches in a long text: every one found, in one pass each")
    func manyMatches() throws {
        let text = String(repeating: "card 4111111111111111, ", count: 2000)
        let result = try Self.replaced("4[0-9]{12}(?:[0-9]{3})?", text)
        #expect(result == String(repeating: "card <4111111111111111>, ", count: 2000))
    }

    @Test("Digests match Python's hashlib (FIPS 180-4 / FIPS 202 / RFC 1321 vectors), across block boundaries", arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72", "a9993e364706816aba3e25717850c26c9cd0d89d", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
        (
            "4111111111111111", "5910f4ea0062a0e29afd3dccc741e3ce", "68bfb396f35af3876fc509665b3dc23a0930aab1",
            "6099154214406cce6105a4688ab66533d3a55d1d7dd393cbccf22b487a22d922"
        ),
        (
            String(repeating: "a", count: 200), "887f30b43b2867f4a9accceee7d16e6c", "e61cfffe0d9195a525fc6cf06ca2d77119c24a40",
            "cce34485baf2bf2aca99b94833892a4f52896d3d153f7b840cc4f9fe695f1387"
        ),
    ])
    func digests(text: String, md5: String, sha1: String, sha3: String) {
        let bytes = Array(text.utf8)
        #expect(MD5.hex(bytes) == md5)
        #expect(SHA1.hex(bytes) == sha1)
        #expect(SHA3.hex(bytes) == sha3)
    }

    @Test("Digests at every padding boundary agree with hashlib's for 55, 56, 64, 135 and 136 bytes")
    func paddingBoundaries() {
        let expected: [Int: (String, String, String)] = Self.boundaryDigests
        for (length, digests) in expected {
            let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: length)
            #expect(MD5.hex(bytes) == digests.0, "md5 \(length)")
            #expect(SHA1.hex(bytes) == digests.1, "sha1 \(length)")
            #expect(SHA3.hex(bytes) == digests.2, "sha3 \(length)")
        }
    }
}

extension LinearRegexReplaceTests {
    /// Python's hashlib digests of n × "x".
    static let boundaryDigests: [Int: (String, String, String)] = [
        55: ("04364420e25c512fd958a70738aa8f72", "cef734ba81a024479e09eb5a75b6ddae62e6abf1", "eda53787af69bbe03d68cee92db97ef80d6614729997bef9e11eeea25d28d4fc"),
        56: ("668a72d5ba17f08e62dabcafad6db14b", "901305367c259952f4e7af8323f480d59f81335b", "96f312a18df3bc7abfa168016f664dd27fff04c821c9c7c91eefcf4b09fc9f01"),
        64: ("c1bb4f81d892b2d57947682aeb252456", "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163", "ebfb7592668a75a51c15ba71c7557f210d515edb508d3f3cc5fe695d25dce857"),
        135: ("0750536d44837fe47e36183baba5429e", "52761d47b2a770362f2600adb847e5798aa3562a", "c150125edc74b56fb5cbfdd024fabe20ea5a99bd3c97305bbf7cb55885c106fe"),
        136: ("e4a72ccdb17365269cae8b0d095c8822", "29657c827683a98bac548732c683c3c52d777807", "5bc276bac9c582508b8fa9b3949e7ed9b6e584ee4d2925b29a426b9931ba1486"),
    ]
}
