import Synchronization

/// A fixed number of `UInt64` counters, each updated atomically, in one allocation.
@usableFromInline
final class AtomicCounterArray: @unchecked Sendable {
    // @unchecked: the buffer is allocated once in init and only ever accessed through `Atomic`.
    @usableFromInline let base: UnsafeMutablePointer<Atomic<UInt64>>
    /// The number of counters.
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        for index in 0..<count {
            (base + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Adds one to counter `index`, ordered after every write before it (a reader that sees the new
    /// count with `totalAcquiring()` sees those writes too).
    @inlinable
    func incrementReleasing(_ index: Int) {
        base[index].wrappingAdd(1, ordering: .releasing)
    }

    /// Adds `amount` to counter `index`.
    func add(_ amount: UInt64, at index: Int) {
        base[index].wrappingAdd(amount, ordering: .relaxed)
    }

    func load(_ index: Int) -> UInt64 {
        base[index].load(ordering: .relaxed)
    }

    /// Sets every counter to zero.
    func resetAll() {
        for index in 0..<count { base[index].store(0, ordering: .relaxed) }
    }

    /// The sum of every counter, each read with acquiring order.
    func totalAcquiring() -> UInt64 {
        var total: UInt64 = 0
        for index in 0..<count { total &+= base[index].load(ordering: .acquiring) }
        return total
    }

    func loadAll() -> [UInt64] {
        (0..<count).map { base[$0].load(ordering: .relaxed) }
    }
}
