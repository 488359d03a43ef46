/// An open-addressing index from label hashes to positions in `SeriesTable`'s list of series.
///
/// The hashes are already mixed by `LabelHash`, so probing uses them directly instead of hashing them a
/// second time as a `Dictionary<Int, …>` would; a lookup is a few array reads. The table is kept at
/// most half full. Removing is rare (an explicit `remove`), so it rebuilds.
struct SeriesHashIndex {
    private var slots = [Int](repeating: -1, count: 16)
    private var hashes: [Int] = []

    /// Where a search for one hash stands.
    struct Probe {
        fileprivate var slot: Int
        fileprivate let hash: Int
    }

    /// Starts a search for the positions indexed under `hash`.
    func probe(_ hash: Int) -> Probe {
        Probe(slot: hash & (slots.count - 1), hash: hash)
    }

    /// The next position indexed under the probe's hash, or `nil` when there are no more.
    func next(_ probe: inout Probe) -> Int? {
        let mask = slots.count - 1
        while true {
            let position = slots[probe.slot]
            if position < 0 { return nil }
            probe.slot = (probe.slot + 1) & mask
            if hashes[position] == probe.hash { return position }
        }
    }

    /// Indexes the next position (the number of positions so far) under `hash`.
    mutating func append(_ hash: Int) {
        hashes.append(hash)
        if hashes.count * 2 > slots.count {
            rebuild(slotCount: slots.count * 2)
        } else {
            place(hashes.count - 1)
        }
    }

    /// Removes `position`; the positions after it move down by one, as in an array.
    mutating func remove(at position: Int) {
        hashes.remove(at: position)
        rebuild(slotCount: slots.count)
    }

    private mutating func rebuild(slotCount: Int) {
        slots = [Int](repeating: -1, count: slotCount)
        for position in hashes.indices { place(position) }
    }

    private mutating func place(_ position: Int) {
        let mask = slots.count - 1
        var slot = hashes[position] & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = position
    }
}
