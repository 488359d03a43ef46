import Testing

@testable import Telemetry

@Suite struct BoundedQueueTests {
    @Test func keepsOrderAcrossWrapAroundAndGrowth() {
        var queue = BoundedQueue<Int>(capacity: 10_000)
        var expected: [Int] = []
        var refused = 0
        var taken: [Int] = []
        // Interleave appends and takes so the ring wraps many times and grows past 16 and 32 slots.
        for round in 0..<200 {
            for _ in 0..<(round % 40) {
                if queue.append(expected.count) { expected.append(expected.count) } else { refused += 1 }
            }
            taken += queue.take(upToSize: 7 + round % 13)
        }
        taken += queue.removeAll()
        #expect(refused == 0)
        #expect(taken.count > 1000)
        #expect(taken == expected)
        #expect(queue.isEmpty && queue.count == 0 && queue.totalSize == 0)
    }

    @Test func refusesItemsBeyondTheCapacityAndTakesBySize() {
        var queue = BoundedQueue<String>(capacity: 10)
        let accepted = [("a", 4), ("b", 4), ("c", 3), ("d", 2)].map { queue.append($0.0, size: $0.1) }
        #expect(accepted == [true, true, false, true])
        #expect(queue.totalSize == 10 && queue.count == 3)
        let first = queue.take(upToSize: 7)
        #expect(first == ["a"])
        // At least one item is taken even when it alone exceeds the limit.
        let second = queue.take(upToSize: 1)
        #expect(second == ["b"])
        let appended = queue.append("e", size: 8)
        #expect(appended)
        let rest = queue.take(upToSize: 100)
        #expect(rest == ["d", "e"])
        #expect(queue.totalSize == 0)
    }

    @Test func releasesTakenItems() {
        final class Tracked: Sendable {}
        weak var watched: Tracked?
        var queue = BoundedQueue<Tracked>(capacity: 4)
        do {
            let item = Tracked()
            watched = item
            _ = queue.append(item)
        }
        #expect(watched != nil)
        _ = queue.take(upToSize: 1)
        #expect(watched == nil)
    }
}
