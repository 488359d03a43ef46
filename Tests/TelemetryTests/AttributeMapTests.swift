import Testing

@testable import Telemetry

@Suite struct AttributeMapTests {
    @Test func keepsInsertionOrderAndReplacesInPlace() {
        var attributes = AttributeMap()
        attributes["b"] = .int(1)
        attributes["a"] = .string("x")
        attributes["b"] = .int(2)
        attributes["c"] = .bool(true)
        attributes["a"] = nil
        #expect(attributes.map(\.key) == ["b", "c"])
        #expect(attributes["b"] == .int(2))
        #expect(attributes["a"] == nil)
        #expect(attributes.count == 2)
        #expect(attributes.dictionary == ["b": .int(2), "c": .bool(true)])
    }

    @Test func equalityAndHashingIgnoreOrder() {
        let first: AttributeMap = ["a": .int(1), "b": .string("x")]
        let second: AttributeMap = ["b": .string("x"), "a": .int(1)]
        let different: AttributeMap = ["a": .int(1), "b": .string("y")]
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != different)
        #expect(first != ["a": .int(1)])
        #expect(Set([first, second, different]).count == 2)
    }

    @Test func aLiteralKeyGivenTwiceKeepsItsLastValue() {
        let attributes: AttributeMap = ["a": .int(1), "a": .int(2)]
        #expect(attributes.count == 1 && attributes["a"] == .int(2))
    }

    @Test func theLimitRefusesNewKeysButNotReplacements() {
        var attributes = AttributeMap()
        let results = [("a", 1), ("b", 2), ("c", 3), ("a", 4)].map { attributes.set($0.0, .int($0.1), limit: 2) }
        #expect(results == [true, true, false, true])
        #expect(attributes == ["a": .int(4), "b": .int(2)])
    }

    @Test("Beyond the four kept inline: order, replacement and removal on both sides of the boundary")
    func moreThanFourAttributes() {
        var attributes = AttributeMap()
        for index in 0..<9 { attributes["k\(index)"] = .int(index) }
        #expect(attributes.map(\.key) == (0..<9).map { "k\($0)" })
        attributes["k6"] = .int(60)
        attributes["k2"] = .int(20)
        attributes["k3"] = nil  // inline: k4 moves into the inline part
        attributes["k7"] = nil  // beyond it
        #expect(attributes.map(\.key) == ["k0", "k1", "k2", "k4", "k5", "k6", "k8"])
        #expect(attributes.map(\.value) == [.int(0), .int(1), .int(20), .int(4), .int(5), .int(60), .int(8)])
        #expect(attributes["k4"] == .int(4) && attributes["k8"] == .int(8) && attributes["k3"] == nil)
        let reversed = AttributeMap(Dictionary(uniqueKeysWithValues: attributes.reversed().map { ($0.key, $0.value) }))
        #expect(reversed == attributes && reversed.hashValue == attributes.hashValue)
        attributes["k9"] = .int(9)
        #expect(attributes.count == 8 && attributes != reversed)
    }
}
