/// A first-in first-out queue bounded by the total size of its items (each item's size given by the
/// caller; 1 per item when counting items). Each item also has a weight (the telemetry items it holds),
/// totalled separately, so batches can be cut by either.
///
/// A ring buffer that grows by doubling as items arrive, so its memory follows the most it has held,
/// not its capacity, and a queue that keeps being drained reuses the same slots (no reallocation, no
/// fresh pages). Taking moves items out of their slots without copying them.
struct BoundedQueue<Element: Sendable>: Sendable {
    private var slots: [(element: Element, size: Int, weight: Int)?] = []
    /// Index of the oldest item in `slots`.
    private var head = 0
    /// The number of items waiting.
    private(set) var count = 0
    /// The most total size the queue holds.
    let capacity: Int
    /// The total size of the items waiting.
    private(set) var totalSize = 0
    /// The total weight of the items waiting.
    private(set) var totalWeight = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { count == 0 }

    /// Appends `element`; returns false (and keeps nothing) when it would exceed the capacity.
    mutating func append(_ element: Element, size: Int = 1, weight: Int = 1) -> Bool {
        guard size <= capacity - totalSize else { return false }
        if count == slots.count { grow() }
        slots[(head + count) & (slots.count - 1)] = (element, size, weight)
        count += 1
        totalSize += size
        totalWeight += weight
        return true
    }

    /// Removes items from the front while their total size stays within `limit` and their total weight
    /// within `weightLimit` (always at least one).
    mutating func take(upToSize limit: Int, weight weightLimit: Int = .max) -> [Element] {
        var taken: [Element] = []
        var size = 0
        var weight = 0
        let mask = slots.count - 1
        while count > 0, let next = slots[head],
            taken.isEmpty || (next.size <= limit - size && next.weight <= weightLimit - weight),
            let slot = slots[head].take()
        {
            if taken.isEmpty { taken.reserveCapacity(Swift.min(count, limit)) }
            taken.append(slot.element)
            size += slot.size
            weight += slot.weight
            head = (head + 1) & mask
            count -= 1
        }
        totalSize -= size
        totalWeight -= weight
        if count == 0 { head = 0 }
        return taken
    }

    /// Removes everything.
    mutating func removeAll() -> [Element] {
        take(upToSize: .max)
    }

    /// Doubles the slots (a power of two, so positions wrap with a mask), moving the items to the front in order.
    private mutating func grow() {
        var larger = [(element: Element, size: Int, weight: Int)?](repeating: nil, count: Swift.max(16, slots.count * 2))
        for offset in 0..<count {
            swap(&larger[offset], &slots[(head + offset) & (slots.count - 1)])
        }
        slots = larger
        head = 0
    }
}
