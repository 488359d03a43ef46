/// A first-in first-out ring buffer with a fixed capacity.
struct BoundedQueue<Element: Sendable>: Sendable {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = Array(repeating: nil, count: max(1, capacity))
    }

    var capacity: Int { storage.count }
    var isEmpty: Bool { count == 0 }

    /// Appends `element`; returns false (and keeps nothing) when full.
    mutating func append(_ element: Element) -> Bool {
        guard count < storage.count else { return false }
        storage[(head + count) % storage.count] = element
        count += 1
        return true
    }

    /// Removes and returns up to `limit` elements from the front.
    mutating func take(_ limit: Int) -> [Element] {
        let taken = min(limit, count)
        var result: [Element] = []
        result.reserveCapacity(taken)
        for _ in 0..<taken {
            if let element = storage[head] { result.append(element) }
            storage[head] = nil
            head = (head + 1) % storage.count
        }
        count -= taken
        return result
    }
}
