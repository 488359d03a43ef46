/// A first-in first-out queue bounded by the total size of its items (each item's size given by the
/// caller; 1 per item when counting items).
struct BoundedQueue<Element: Sendable>: Sendable {
    private var storage: [(element: Element, size: Int)] = []
    private var head = 0
    /// The most total size the queue holds.
    let capacity: Int
    /// The total size of the items waiting.
    private(set) var totalSize = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { storage.count - head }
    var isEmpty: Bool { count == 0 }

    /// Appends `element`; returns false (and keeps nothing) when it would exceed the capacity.
    mutating func append(_ element: Element, size: Int = 1) -> Bool {
        guard totalSize + size <= capacity else { return false }
        storage.append((element, size))
        totalSize += size
        return true
    }

    /// Removes items from the front while their total size stays within `limit` (always at least one).
    mutating func take(upToSize limit: Int) -> [Element] {
        var taken: [Element] = []
        var size = 0
        while head < storage.count, taken.isEmpty || size + storage[head].size <= limit {
            taken.append(storage[head].element)
            size += storage[head].size
            head += 1
        }
        totalSize -= size
        compactIfNeeded()
        return taken
    }

    /// Removes everything.
    mutating func removeAll() -> [Element] {
        take(upToSize: .max)
    }

    private mutating func compactIfNeeded() {
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
