import TelemetryOTTL
import Testing

/// What the redaction processor masks: `LinearRegex.forEachMatch` gives the matches Go's
/// `ReplaceAllStringFunc` replaces; SHA3-256, SHA-512 and HMAC (its `hash_function: sha3 | hmac-*`).
@Suite("LinearRegex: the matches Go's ReplaceAll replaces; SHA3-256, SHA-512, HMAC")
struct LinearRegexReplaceTests {
    /// `text` with each replaced match of `pattern` turned into `<match>` (for empty matches `<>`).
    static func replaced(_ pattern: String, _ text: String) throws -> String {
        let regex = try LinearRegex(pattern: pattern)
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in
            var output = ""
            var kept = 0
            try regex.forEachMatch(in: raw) { match in
                output += String(decoding: raw[kept..<match.range.lowerBound], as: UTF8.self)
                output += "<" + String(decoding: raw[match.range], as: UTF8.self) + ">"
                kept = match.range.upperBound
            }
            return output.isEmpty && kept == 0 ? "unchanged" : output + String(decoding: raw[kept...], as: UTF8.self)
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

    @Test("SHA3-256 matches Python's hashlib (FIPS 202 vectors), across the 136-byte block", arguments: [
        ("", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
        ("abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
        ("4111111111111111", "6099154214406cce6105a4688ab66533d3a55d1d7dd393cbccf22b487a22d922"),
        (String(repeating: "a", count: 200), "cce34485baf2bf2aca99b94833892a4f52896d3d153f7b840cc4f9fe695f1387"),
    ])
    func sha3(text: String, expected: String) {
        #expect(SHA3.hex(Array(text.utf8)) == expected)
    }

    @Test("SHA-512 matches hashlib's, across the 128-byte block (111, 112 and 300 bytes)", arguments: [
        ("", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        ("abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        (
            String(repeating: "x", count: 111),
            "9a2a120825c2319867758ec277924f6faa254968bf752046dacdd948d8ad299b10359fd04bfd7d3810b5fa1b16a294236138baff981cbb85248478053ac4d3dd"
        ),
        (
            String(repeating: "x", count: 112),
            "a3722b515ef40c910f2419f6e0da8ca51d410114ce6272faae64045f9e9f630e7fa8dd5a3243c9860b899d148c3da4bc0f9e07454542604d030bb55531fe0d5b"
        ),
        (
            String(repeating: "x", count: 300),
            "0dc240ae43b18eeacef4d7d8d64b945ade43c989b724d7c7062a8029f3343caa322b9fbf42d9ff0cda98f3d7ac5a560ca219b2e73cc041f37052dfa4e84ae624"
        ),
    ])
    func sha512(text: String, expected: String) {
        #expect(SHA512.hex(Array(text.utf8)) == expected)
    }

    @Test("HMAC agrees with Python's hmac module, with keys shorter and longer than a block")
    func hmac() {
        let card = Array("4111111111111111".utf8)
        #expect(HMAC(.sha256, key: Array(repeating: UInt8(ascii: "k"), count: 32)).hex(card) == "68461c4333f0d6ffc13ab17a895ccb61b6a8864e96602c4e91c869cfb9ccc6f1")
        let long = [UInt8](repeating: UInt8(ascii: "K"), count: 200)
        #expect(HMAC(.sha256, key: long).hex(Array("msg".utf8)) == "9b10789f99ca41174b211d7ef1b98d78053cfda1ba9cd12c6e4e459ed03bbc13")
        #expect(
            HMAC(.sha512, key: long).hex(Array("msg".utf8))
                == "533b6bee0f88c4798c42ce2e00c4f3399b606f3a31873bc0901647a200cf00374f9b00a6a013bb6afc09cf2c3ec5f5c906b48913e34e19e67c1dcfa5d5b144cb")
    }

    @Test("SHA3-256 at the padding boundaries (135 and 136 bytes) and others agrees with hashlib's")
    func paddingBoundaries() {
        for (length, digests) in Self.boundaryDigests {
            #expect(SHA3.hex([UInt8](repeating: UInt8(ascii: "x"), count: length)) == digests.2, "sha3 \(length)")
        }
    }
}

extension LinearRegexReplaceTests {
    /// Python's hashlib digests (md5, sha1, sha3_256) of n × "x".
    static let boundaryDigests: [Int: (String, String, String)] = [
        55: ("04364420e25c512fd958a70738aa8f72", "cef734ba81a024479e09eb5a75b6ddae62e6abf1", "eda53787af69bbe03d68cee92db97ef80d6614729997bef9e11eeea25d28d4fc"),
        56: ("668a72d5ba17f08e62dabcafad6db14b", "901305367c259952f4e7af8323f480d59f81335b", "96f312a18df3bc7abfa168016f664dd27fff04c821c9c7c91eefcf4b09fc9f01"),
        64: ("c1bb4f81d892b2d57947682aeb252456", "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163", "ebfb7592668a75a51c15ba71c7557f210d515edb508d3f3cc5fe695d25dce857"),
        135: ("0750536d44837fe47e36183baba5429e", "52761d47b2a770362f2600adb847e5798aa3562a", "c150125edc74b56fb5cbfdd024fabe20ea5a99bd3c97305bbf7cb55885c106fe"),
        136: ("e4a72ccdb17365269cae8b0d095c8822", "29657c827683a98bac548732c683c3c52d777807", "5bc276bac9c582508b8fa9b3949e7ed9b6e584ee4d2925b29a426b9931ba1486"),
    ]
}
