import Testing

@testable import Telemetry

@Suite struct LabelHashTests {
    private func hash(_ values: [String], seed: UInt64 = 42) -> Int {
        var hasher = LabelHash(seed: seed)
        for value in values { hasher.combine(value) }
        return hasher.finalize()
    }

    @Test func dependsOnlyOnTheBytes() {
        // Every length through several words, as literals, as runtime-built strings and as substrings.
        for length in 0...40 {
            let built = String(repeating: "a", count: length)
            let viaSubstring = String(("x" + built + "y").dropFirst().dropLast())
            let viaScalars = String(String.UnicodeScalarView((0..<length).map { _ in Unicode.Scalar(97) }))
            #expect(hash([built]) == hash([viaSubstring]))
            #expect(hash([built]) == hash([viaScalars]))
        }
        #expect(hash(["data_processor", "success"]) == hash([String("data_") + "processor", "succ" + String("ess")]))
    }

    @Test func separatesValuesAndSeeds() {
        #expect(hash(["ab", "c"]) != hash(["a", "bc"]))
        #expect(hash(["", "a"]) != hash(["a", ""]))
        #expect(hash(["abcdefghi"]) != hash(["abcdefghj"]))
        #expect(hash(["x"], seed: 1) != hash(["x"], seed: 2))
    }

    @Test func distinctValuesRarelyCollide() {
        // 20,000 label sets shaped like real ones; a 64-bit hash should give (almost) no collisions.
        var seen = Set<Int>()
        for index in 0..<20_000 {
            seen.insert(hash(["/api/v1/resource/\(index / 10)", String(200 + index % 10)]))
        }
        #expect(seen.count >= 19_999)
    }
}
