import TelemetryOTLPData

/// Removes pairs as the Collector's redaction does: `Remove(key)` for each removed key in map order,
/// where each `Remove` takes the first pair left with that key and moves the last pair into its place.
/// The result (its order included) is the Collector's, also with duplicate keys, in O(n log n): each key
/// has a min-heap of the positions that hold it, kept up to date as pairs move (a stale entry — a
/// position past the end or now holding another key — is skipped when it surfaces).
enum SwapRemoval {
    /// Removes the pairs at `positions` (ascending) of `attributes`, whose keys are `keys`.
    static func remove(_ positions: [Int], keys: [String], from attributes: AttributesRef) throws(EditMemoryRefused) {
        guard !positions.isEmpty else { return }
        var identities: [String: Int] = [:]
        var keyOfPosition = [Int](repeating: -1, count: attributes.count)
        var heaps: [MinHeap<Int>] = []
        var order: [Int] = []
        for (position, key) in zip(positions, keys) {
            let identity: Int
            if let known = identities[key] {
                identity = known
            } else {
                identity = heaps.count
                identities[key] = identity
                heaps.append(MinHeap())
            }
            keyOfPosition[position] = identity
            heaps[identity].insert(position)
            order.append(identity)
        }
        var count = attributes.count
        for identity in order {
            var position: Int?
            while let candidate = heaps[identity].removeMin() {
                if candidate < count, keyOfPosition[candidate] == identity {
                    position = candidate
                    break
                }
            }
            guard let position else { continue }  // cannot happen: every pair left with this key has an entry
            try attributes.removeSwapping(at: position)
            let last = count - 1
            if position != last {
                keyOfPosition[position] = keyOfPosition[last]
                if keyOfPosition[position] >= 0 { heaps[keyOfPosition[position]].insert(position) }
            }
            keyOfPosition[last] = -1
            count = last
        }
    }
}
