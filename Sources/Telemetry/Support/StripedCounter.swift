import Synchronization

/// A `UInt64` total that many threads can add to at once without fighting over one cache line.
///
/// It starts as a single atomic. The first time an add loses a race (another thread changed the total
/// between its load and its compare-exchange) it grows a set of cells, each on its own cache line, and
/// from then on every thread adds to the cell its stack address picks. Reading sums the base and the cells.
/// This is the scheme of Java's `LongAdder`: uncontended counters cost one atomic and 8 bytes, contended
/// ones scale with the number of threads. Stored inline in its owner, so it needs no allocation of its own.
@usableFromInline
struct StripedCounter: ~Copyable, @unchecked Sendable {
    // @unchecked: the cells are allocated once, published through an atomic, and only touched through `Atomic`.
    private static let cellCount = 32
    private static let cellStride = 64 / MemoryLayout<Atomic<UInt64>>.stride

    @usableFromInline let base = Atomic<UInt64>(0)
    @usableFromInline let cells = Atomic<UnsafeMutablePointer<Atomic<UInt64>>?>(nil)

    init() {}

    deinit {
        if let cells = cells.load(ordering: .acquiring) {
            cells.deinitialize(count: Self.cellCount * Self.cellStride)
            UnsafeMutableRawPointer(cells).deallocate()
        }
    }

    /// Adds `amount`, wrapping on overflow.
    @inlinable @inline(__always)
    func add(_ amount: UInt64) {
        if cells.load(ordering: .relaxed) == nil {
            let current = base.load(ordering: .relaxed)
            if base.compareExchange(expected: current, desired: current &+ amount, ordering: .relaxed).exchanged {
                return
            }
        }
        addToCell(amount)
    }

    /// The contended path, kept out of line so the uncontended one stays a load and a compare-exchange.
    @usableFromInline @inline(never)
    func addToCell(_ amount: UInt64) {
        let cells = cells.load(ordering: .acquiring) ?? grow()
        Self.cell(in: cells).pointee.wrappingAdd(amount, ordering: .relaxed)
    }

    /// The total of every add so far.
    func load() -> UInt64 {
        var total = base.load(ordering: .relaxed)
        if let cells = cells.load(ordering: .acquiring) {
            for index in 0..<Self.cellCount {
                total &+= cells[index * Self.cellStride].load(ordering: .relaxed)
            }
        }
        return total
    }

    /// Sets the total back to zero; adds racing with the reset may be kept or lost.
    func reset() {
        base.store(0, ordering: .relaxed)
        if let cells = cells.load(ordering: .acquiring) {
            for index in 0..<Self.cellCount { cells[index * Self.cellStride].store(0, ordering: .relaxed) }
        }
    }

    /// The calling thread's cell (`ThreadStripe`).
    private static func cell(in cells: UnsafeMutablePointer<Atomic<UInt64>>) -> UnsafeMutablePointer<Atomic<UInt64>> {
        cells + ThreadStripe.index(among: cellCount) * cellStride
    }

    /// Allocates the cells once; a thread that loses the race to publish them frees its own.
    private func grow() -> UnsafeMutablePointer<Atomic<UInt64>> {
        let count = Self.cellCount * Self.cellStride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Atomic<UInt64>>.stride, alignment: 64)
        let fresh = raw.bindMemory(to: Atomic<UInt64>.self, capacity: count)
        for index in 0..<count { (fresh + index).initialize(to: Atomic(0)) }
        let (exchanged, existing) = cells.compareExchange(expected: nil, desired: fresh, ordering: .acquiringAndReleasing)
        guard !exchanged, let existing else { return fresh }
        fresh.deinitialize(count: count)
        raw.deallocate()
        return existing
    }
}
