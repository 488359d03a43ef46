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
}
