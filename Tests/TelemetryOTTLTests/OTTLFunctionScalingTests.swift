import TelemetryOTLPData
import Testing

@testable import TelemetryOTTL

/// Functions on data an attacker controls take time linear in it: half-MiB texts finish in seconds even in a
/// debug build, where a step quadratic in the text would take hours.
@Suite("OTTL functions: linear time on large hostile inputs")
struct OTTLFunctionScalingTests {
    static let size = 512 << 10

    static func timed(_ body: () throws -> Void) rethrows -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return clock.now - start
    }

    @Test("replace_pattern with a match at every byte, and with the empty pattern, on 512 KiB")
    func replaceEverywhere() throws {
        let text = String(repeating: "a", count: Self.size)
        for (pattern, replacement, expectedCount) in [("a", "bb", 2 * Self.size), ("", "-", 2 * Self.size + 1), ("x*", "", Self.size)] {
            let fixture = try OTTLFunctionFixture([kv("x", .string(text))])
            let elapsed = try Self.timed {
                _ = try fixture.run(.replacePattern, [Arg.attribute("x"), Arg.string(pattern), Arg.string(replacement)])
            }
            #expect(fixture.attributes.string("x")?.utf8.count == expectedCount, "\(pattern)")
            #expect(elapsed < .seconds(10), "\(pattern): \(elapsed)")
        }
    }

    @Test("Split with a separator built to defeat naive search, on 512 KiB")
    func splitAdversarial() throws {
        let text = String(repeating: "a", count: Self.size)
        let separator = String(repeating: "a", count: 4096) + "b"
        var pieces: OTTLValue = .null
        let elapsed = try Self.timed {
            pieces = try OTTLFunctionFixture().run(.split, [Arg.dynamic(.string(text)), Arg.dynamic(.string(separator))])
        }
        #expect(pieces == .list([.string(text)]))
        #expect(elapsed < .seconds(10), "\(elapsed)")
    }

    @Test("ParseJSON of a 512 KiB array and of 512 KiB of opening brackets")
    func parseLarge() throws {
        let array = "[" + Array(repeating: "1", count: Self.size / 2).joined(separator: ",") + "]"
        var parsed: OTTLValue = .null
        let elapsed = try Self.timed { parsed = try OTTLFunctionFixture().run(.parseJSON, [Arg.dynamic(.string(array))]) }
        guard case .list(let values) = parsed else {
            Issue.record("not a list")
            return
        }
        #expect(values.count == Self.size / 2)
        #expect(elapsed < .seconds(10), "\(elapsed)")
        #expect(throws: OTTLError.self) { try OTTLFunctionFixture().run(.parseJSON, [Arg.dynamic(.string(String(repeating: "{\"a\":", count: Self.size / 5)))]) }
    }
}
