/// Counts per logarithmic bin index, stored densely over the occupied index range.
///
/// Memory is bounded by `maxBins`: when the range would grow beyond it, the lowest bins are
/// collapsed into one, which only loses accuracy for the smallest values (as in DDSketch).
struct LogarithmicBinStore: Sendable {
    private(set) var counts: [UInt64] = []
    private(set) var offset = 0
    private(set) var total: UInt64 = 0
    let maxBins: Int

    init(maxBins: Int) {
        self.maxBins = maxBins
    }

    /// The index of `counts[0]`; meaningful only when the store is not empty.
    var lowestIndex: Int { offset }

    mutating func add(index: Int, count: UInt64 = 1) {
        total &+= count
        if counts.isEmpty {
            offset = index
            counts = [count]
            return
        }
        let highest = Swift.max(offset + counts.count - 1, index)
        let lowestAllowed = highest - maxBins + 1
        let target = Swift.max(index, lowestAllowed)
        if target < offset {
            counts.insert(contentsOf: repeatElement(0, count: offset - target), at: 0)
            offset = target
        } else if target >= offset + counts.count {
            counts.append(contentsOf: repeatElement(0, count: target - offset - counts.count + 1))
        }
        if offset < lowestAllowed {
            let collapsed = lowestAllowed - offset
            let folded = counts[0...collapsed].reduce(0, &+)
            counts.removeFirst(collapsed)
            counts[0] = folded
            offset = lowestAllowed
        }
        counts[target - offset] &+= count
    }

    mutating func merge(_ other: LogarithmicBinStore) {
        for (position, count) in other.counts.enumerated() where count > 0 {
            add(index: other.offset + position, count: count)
        }
    }

    /// Visits occupied bins from the lowest index up; stops when `body` returns true.
    func firstAscending(where body: (_ index: Int, _ count: UInt64) -> Bool) -> Int? {
        for (position, count) in counts.enumerated() where count > 0 {
            if body(offset + position, count) { return offset + position }
        }
        return nil
    }

    /// Visits occupied bins from the highest index down; stops when `body` returns true.
    func firstDescending(where body: (_ index: Int, _ count: UInt64) -> Bool) -> Int? {
        for (position, count) in counts.enumerated().reversed() where count > 0 {
            if body(offset + position, count) { return offset + position }
        }
        return nil
    }
}
